using MqttBridge.Cli;
using MqttBridge.Sources.Static;

namespace MqttBridge.Tests.Cli;

/// <summary>How a source command finds its site, and its exit code when it cannot: the same as the bridge's own.</summary>
public sealed class CommandSiteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-commandsite-").FullName;

    private const string Valid = """
        sites:
          - id: home
            name: Home
            tariff: { type: static, bands: [ { name: All day, price: 0.5 } ] }
        """;

    private async Task<(CommandSite Found, string Error)> FindAsync(string? yaml, params string[] extra)
    {
        var path = Path.Combine(_dir, "bridge.yaml");
        if (yaml is not null)
        {
            await File.WriteAllTextAsync(path, yaml);
        }

        var error = new StringWriter();
        var cli = CommandLine.Parse(["check-config", "--config", path, .. extra]);
        var found = await CommandSite.FindAsync(cli, error, "mqttbridge test list", s => s.Tariff is StaticTariffOptions, "tariff.type static");
        return (found, error.ToString());
    }

    [Fact]
    public async Task Finds_the_first_site_with_a_source_the_command_uses()
    {
        var (found, error) = await FindAsync(Valid);

        Assert.Equal(("home", 0, ""), (found.Site?.Id, found.ExitCode, error));
    }

    [Fact]
    public async Task An_invalid_configuration_prints_every_problem_and_exits_2_as_the_bridge_does()
    {
        var (found, error) = await FindAsync(Valid.Replace("id: home", "id: Home", StringComparison.Ordinal));

        Assert.Null(found.Site);
        Assert.Equal(2, found.ExitCode);
        Assert.Contains("sites[0].id (line 2): 'Home' is not a valid site id", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_or_no_such_site_is_one_line_and_exit_1()
    {
        var (missing, missingError) = await FindAsync(null);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist; it reads the credentials of a site with tariff.type static (pass --config PATH)", missingError, StringComparison.Ordinal);

        var (none, noneError) = await FindAsync(Valid, "--site", "cabin");
        Assert.Equal(1, none.ExitCode);
        Assert.EndsWith("has no site 'cabin' with tariff.type static" + Environment.NewLine, noneError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
