using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MqttBridge.IntegrationTests.Mqtt;

namespace MqttBridge.IntegrationTests.EndToEnd;

/// <summary>A new user's first hour with the real binary: help, mistakes in the config file, the health check, the log.</summary>
public sealed partial class FirstHourTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-firsthour-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string DefaultConfig => File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "mqttbridge.yaml"));

    [Theory]
    [InlineData("check-config --help", "Usage: mqttbridge check-config")]
    [InlineData("run --help", "Usage: mqttbridge [run]")]
    [InlineData("help", "Usage: mqttbridge [command] [options]")]
    [InlineData("help tariffs", "Usage: mqttbridge tariffs")]
    public async Task Help_is_there_for_every_command_and_exits_0(string args, string expected)
    {
        var (code, output) = await BridgeProcess.RunAsync(null, null, args.Split(' '));

        Assert.True(code == 0, output);
        Assert.StartsWith(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_as_config_says_to_name_the_file()
    {
        var (code, output) = await BridgeProcess.RunAsync(null, null, "check-config", "--config", _dir);

        Assert.Equal(2, code);
        Assert.Contains($"'{_dir}' is a directory, not a configuration file; name the file itself", output, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_latin1_config_stops_before_starting_naming_the_line()
    {
        var path = Path.Combine(_dir, "latin1.yaml");
        await File.WriteAllBytesAsync(path, Encoding.Latin1.GetBytes(DefaultConfig.Replace("name: Home", "name: Hjem på hytta", StringComparison.Ordinal)));
        var line = DefaultConfig[..DefaultConfig.IndexOf("name: Home", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var (code, output) = await BridgeProcess.RunAsync(null, null, "--config", path);

        Assert.Equal(2, code);
        Assert.Contains($"  - line {line}: {path} is not UTF-8 text", output, StringComparison.Ordinal);
        Assert.Contains("the file must be UTF-8", output, StringComparison.Ordinal);
        Assert.DoesNotContain("starting", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_config_warns_about_the_examples_placeholder_key()
    {
        var example = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "config", "examples", "norway-digin-elvia.yaml"));

        var (code, output) = await BridgeProcess.RunAsync(example, null, "check-config");

        Assert.True(code == 0, output);
        Assert.Contains("warning: sites[0].tariff.api_key (line 14): still holds the example's placeholder; put your own value here", output, StringComparison.Ordinal);
        Assert.Contains("is valid (2 warning(s) above)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_turns_unhealthy_at_once_after_sigkill_and_the_log_has_offsets_and_no_event_ids()
    {
        var port = TestPorts.GetFree();
        var environment = new Dictionary<string, string>
        {
            ["MQTTBRIDGE__EMBEDDED_BROKER__PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["MQTTBRIDGE__DATA_DIR"] = Path.Combine(_dir, "data"),
        };
        using var bridge = BridgeProcess.Start(DefaultConfig, environment);
        await bridge.WaitForOutputAsync("Connected to MQTT broker", Patience);
        var healthy = await WaitForHealthAsync(environment, 0);
        Assert.True(healthy.ExitCode == 0, healthy.Output);

        bridge.Signal(BridgeProcess.SigKill);
        Assert.NotNull(await bridge.WaitForExitAsync(Patience));

        // The file is still there and seconds old; its writer is gone.
        var (code, output) = await BridgeProcess.RunAsync(DefaultConfig, environment, "health");
        Assert.True(code == 1, output);
        Assert.Contains("which is no longer running", output, StringComparison.Ordinal);

        var lines = bridge.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(LogLine(), l));
        Assert.DoesNotContain(lines, l => EventId().IsMatch(l));
        Assert.DoesNotContain(" 0 retained topic(s)", bridge.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> WaitForHealthAsync(Dictionary<string, string> environment, int expected)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while (true)
        {
            var result = await BridgeProcess.RunAsync(DefaultConfig, environment, "health");
            if (result.ExitCode == expected || TimeProvider.System.GetUtcNow() > deadline)
            {
                return result;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d (info|warn|fail|crit): \w+: ")]
    private static partial Regex LogLine();

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex EventId();
}
