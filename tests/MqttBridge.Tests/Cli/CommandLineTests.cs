using MqttBridge.Cli;

namespace MqttBridge.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void No_arguments_runs_with_the_default_config()
    {
        var line = CommandLine.Parse([]);

        Assert.Equal(new CommandLine(CliCommand.Run, "config/mqttbridge.yaml", Addon: false, Error: null), line);
        Assert.True(line.IsValid);
    }

    [Theory]
    [InlineData("Run", "run")]
    [InlineData("CheckConfig", "check-config")]
    [InlineData("Version", "--version")]
    [InlineData("Help", "--help")]
    [InlineData("Help", "-h")]
    public void Commands_are_recognised(string expected, string arg)
    {
        var line = CommandLine.Parse([arg]);

        // CliCommand is internal, so the theory data names it as text.
        Assert.Equal(expected, line.Command.ToString());
        Assert.Null(line.Error);
    }

    [Theory]
    [InlineData("--config", "/etc/mqttbridge.yaml")]
    [InlineData("--config=/etc/mqttbridge.yaml", null)]
    public void Config_path_takes_both_forms(string first, string? second)
    {
        string[] args = second is null ? ["check-config", first] : ["check-config", first, second];

        var line = CommandLine.Parse(args);

        Assert.Equal(CliCommand.CheckConfig, line.Command);
        Assert.Equal("/etc/mqttbridge.yaml", line.ConfigPath);
        Assert.Null(line.Error);
    }

    [Fact]
    public void Addon_flag_combines_with_run()
    {
        var line = CommandLine.Parse(["--addon", "run", "--config", "/data/x.yaml"]);

        Assert.Equal(new CommandLine(CliCommand.Run, "/data/x.yaml", Addon: true, Error: null), line);
    }

    [Theory]
    [InlineData(new[] { "--verbose" }, "unknown argument '--verbose'")]
    [InlineData(new[] { "check" }, "unknown argument 'check'")]
    [InlineData(new[] { "--config" }, "--config needs a path, e.g. --config /etc/mqttbridge.yaml")]
    [InlineData(new[] { "--config", "--addon" }, "--config needs a path, e.g. --config /etc/mqttbridge.yaml")]
    [InlineData(new[] { "--config=" }, "--config needs a path, e.g. --config=/etc/mqttbridge.yaml")]
    [InlineData(new[] { "run", "check-config" }, "'run' and 'check-config' cannot be used together")]
    public void Bad_arguments_give_an_error_message(string[] args, string expected)
    {
        var line = CommandLine.Parse(args);

        Assert.False(line.IsValid);
        Assert.Equal(expected, line.Error);
    }

    [Fact]
    public void Usage_names_every_command_and_option()
    {
        foreach (var word in new[] { "run", "check-config", "--config PATH", "--addon", "--version", "--help", "MQTTBRIDGE__MQTT__HOST" })
        {
            Assert.Contains(word, CommandLine.Usage, StringComparison.Ordinal);
        }
    }
}
