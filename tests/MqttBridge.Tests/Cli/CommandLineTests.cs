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

    [Theory]
    [InlineData(new[] { "check-config", "--help" }, "check-config", "Usage: mqttbridge check-config")]
    [InlineData(new[] { "run", "--help" }, "run", "Usage: mqttbridge [run]")]
    [InlineData(new[] { "health", "-h" }, "health", "Usage: mqttbridge health")]
    [InlineData(new[] { "help", "check-config" }, "check-config", "Usage: mqttbridge check-config")]
    [InlineData(new[] { "tariffs", "--help" }, "tariffs", "Usage: mqttbridge tariffs")]
    [InlineData(new[] { "digin", "tariffs", "--help" }, "digin tariffs", "Usage: mqttbridge tariffs")]
    [InlineData(new[] { "help", "digin", "tariffs" }, "digin tariffs", "Usage: mqttbridge tariffs")]
    [InlineData(new[] { "help", "digin" }, "digin", "Usage: mqttbridge tariffs")]
    [InlineData(new[] { "digin", "--help" }, "digin", "Usage: mqttbridge tariffs")]
    public void Help_after_a_command_is_that_commands_help(string[] args, string topic, string start)
    {
        var line = CommandLine.Parse(args);

        Assert.Null(line.Error);
        Assert.Equal(CliCommand.Help, line.Command);
        Assert.Equal(topic, line.HelpTopic);
        Assert.StartsWith(start, CommandLine.HelpFor(line.HelpTopic), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    public void Help_alone_is_the_usage(string arg)
    {
        var line = CommandLine.Parse([arg]);

        Assert.Equal((CliCommand.Help, (string?)null, (string?)null), (line.Command, line.HelpTopic, line.Error));
        Assert.Equal(CommandLine.Usage, CommandLine.HelpFor(line.HelpTopic));
        Assert.Contains("help [COMMAND]", CommandLine.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_for_something_that_is_not_a_command_is_an_error()
    {
        Assert.Equal("no help for 'bogus': it is not a command", CommandLine.Parse(["help", "bogus"]).Error);
    }

    [Theory]
    [InlineData("tariffs --api-key K")]
    [InlineData("digin tariffs --api-key=K")]
    public void Tariffs_is_a_source_command_in_one_word_or_two(string args)
    {
        var line = CommandLine.Parse(args.Split(' '));

        Assert.Null(line.Error);
        Assert.Equal(CliCommand.Source, line.Command);
        Assert.IsType<MqttBridge.Sources.Digin.DiginTariffsCommand>(line.SourceCommand);
        Assert.Equal("K", line.ApiKey);
    }

    [Theory]
    [InlineData(new[] { "digin", "prices" }, "unknown command 'digin prices'; digin has: tariffs")]
    [InlineData(new[] { "digin" }, "'digin' needs a command: tariffs")]
    [InlineData(new[] { "run", "--site", "home" }, "--site belongs to a source command, e.g. 'mqttbridge digin tariffs --site home'")]
    [InlineData(new[] { "--api-key", "K" }, "--api-key belongs to the 'tariffs' command")]
    [InlineData(new[] { "tariffs", "--base-url", "ftp://x" }, "--base-url 'ftp://x' is not an absolute http:// or https:// URL")]
    [InlineData(new[] { "tariffs", "--site" }, "--site needs a site id, e.g. --site home")]
    public void Bad_source_command_lines_say_what_is_wrong(string[] args, string expected)
    {
        Assert.Equal(expected, CommandLine.Parse(args).Error);
    }

    [Fact]
    public void A_new_source_registers_a_two_word_command_with_one_line()
    {
        // What a future module adds, as Denmark's did (mqttbridge eloverblik meteringpoints --site home).
        IReadOnlyList<ISourceCommand> commands = [.. SourceCommands.All, new FakeCommand("linky", "meteringpoints")];

        var line = CommandLine.Parse(["linky", "meteringpoints", "--site", "home", "--config", "/etc/m.yaml"], commands);

        Assert.Null(line.Error);
        Assert.Equal((CliCommand.Source, "home", "/etc/m.yaml"), (line.Command, line.Site, line.ConfigPath));
        Assert.Equal("linky meteringpoints", $"{line.SourceCommand!.Source} {line.SourceCommand.Verb}");
        Assert.Equal("fake help", CommandLine.HelpFor(CommandLine.Parse(["linky", "meteringpoints", "--help"], commands).HelpTopic, commands));
        Assert.Equal("unknown command 'linky consent'; linky has: meteringpoints", CommandLine.Parse(["linky", "consent"], commands).Error);
    }

    [Fact]
    public void Usage_lists_the_source_commands_from_the_registry()
    {
        foreach (var command in SourceCommands.All)
        {
            Assert.Contains($"{command.Source} {command.Verb}", CommandLine.Usage, StringComparison.Ordinal);
            Assert.Contains(command.Summary, CommandLine.Usage, StringComparison.Ordinal);
        }
    }

    private sealed class FakeCommand(string source, string verb) : ISourceCommand
    {
        public string Source => source;

        public string Verb => verb;

        public string? ShortName => null;

        public string Summary => "fake";

        public string Help => "fake help";

        public IReadOnlyList<string> ValueOptions => [];

        public string? Validate(CommandLine cli) => null;

        public Task<int> RunAsync(SourceCommandContext context, CancellationToken cancellationToken) => Task.FromResult(0);
    }
}
