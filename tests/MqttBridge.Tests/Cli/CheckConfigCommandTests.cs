using MqttBridge.Cli;

namespace MqttBridge.Tests.Cli;

/// <summary>What <c>check-config</c> says about the Energy dashboard statistics and about data_dir.</summary>
public sealed class CheckConfigCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-checkconfig-").FullName;

    private async Task<(int Code, string Output)> RunAsync(string yaml)
    {
        var path = Path.Combine(_dir, "bridge.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await CheckConfigCommand.RunAsync(CommandLine.Parse(["check-config", "--config", path]), new Dictionary<string, string?>(), output, error, CancellationToken.None);
        return (code, output + error.ToString());
    }

    private string Yaml(string meter) => $"""
        data_dir: {Path.Combine(_dir, "data")}
        homeassistant:
          url: http://homeassistant.local:8123
          token: a-long-lived-token
        sites:
          - id: home
            name: Home
            tariff: {"{"} type: static, bands: [ {"{"} name: All day, price: 0.5 {"}"} ] {"}"}
        {meter}
        """;

    [Fact]
    public async Task Names_the_sites_whose_statistics_go_to_home_assistant_and_never_the_token()
    {
        var (code, output) = await RunAsync(Yaml("    meter: { type: elvia, token: elvia-token }"));

        Assert.Equal(0, code);
        Assert.Contains("Energy dashboard statistics for home go to ws://homeassistant.local:8123/api/websocket.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("a-long-lived-token", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warns_when_home_assistant_is_set_but_no_site_has_a_meter()
    {
        var (code, output) = await RunAsync(Yaml(string.Empty));

        Assert.Equal(0, code);
        Assert.Contains("warning: homeassistant: is set, but no site has a meter with statistics on", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Energy dashboard statistics for", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
