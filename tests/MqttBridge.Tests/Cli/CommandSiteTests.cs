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
    public async Task A_missing_file_is_exit_2_and_no_such_site_exit_1_each_one_line()
    {
        var (missing, missingError) = await FindAsync(null);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist; it reads the credentials of a site with tariff.type static (pass --config PATH)", missingError, StringComparison.Ordinal);

        var (none, noneError) = await FindAsync(Valid, "--site", "cabin");
        Assert.Equal(1, none.ExitCode);
        Assert.EndsWith("has no site 'cabin' with tariff.type static" + Environment.NewLine, noneError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sources_own_check_failing_is_a_configuration_problem_exit_2_as_in_check_config()
    {
        // A Fluvius site whose certificate file holds no certificate: check-config says so, and so does the command.
        var garbage = Path.Combine(_dir, "garbage.crt");
        await File.WriteAllTextAsync(garbage, "not a certificate");
        var yaml = $"""
            sites:
              - id: thuis
                name: Thuis
                meter:
                  type: fluvius
                  tenant_id: 0000aaaa-1111-bbbb-2222-cccc3333dddd
                  client_id: esco-client
                  client_secret: s3cret
                  scope: api://fluvius-esco/.default
                  subscription_key: k3y
                  contract_number: DTC-2024-0042
                  reference_number: Customer42
                  client_cert_file: {garbage}
                  client_key_file: {garbage}
            """;
        var path = Path.Combine(_dir, "fluvius.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var error = new StringWriter();
        var cli = CommandLine.Parse(["check-config", "--config", path]);

        var found = await CommandSite.FindAsync(cli, error, "mqttbridge fluvius mandates", s => s.Meter is MqttBridge.Sources.Fluvius.FluviusOptions, "meter.type fluvius");

        Assert.Equal((null, 2), (found.Site, found.ExitCode));
        Assert.Contains("sites[0].meter.client_cert_file", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
