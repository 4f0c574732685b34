using MqttBridge.Configuration;

namespace MqttBridge.Cli;

internal enum CliCommand
{
    Run,
    CheckConfig,
    Health,
    Version,
    Help,

    /// <summary>A source module's command (<see cref="CommandLine.SourceCommand"/>).</summary>
    Source,
}

/// <summary>
/// The parsed command line. Parsing never throws: an unknown or incomplete argument sets <see cref="Error"/>,
/// and the caller prints it with <see cref="Usage"/> and exits with code 2.
/// </summary>
internal sealed record CommandLine(CliCommand Command, string ConfigPath, bool Addon, string? Error)
{
    private const string CommonOptions = """
        Options:
          --config PATH     configuration file (default: config/mqttbridge.yaml)
          --addon           Home Assistant add-on mode (also on when SUPERVISOR_TOKEN is set): reads the add-on's
                            options (MQTTBRIDGE_OPTIONS_PATH, default /data/options.json) instead of --config, and
                            the broker from the Supervisor (MQTTBRIDGE_SUPERVISOR_URL, default http://supervisor)
          --version         print the version and exit
          -h, --help        print this help (or, after a command, the command's help) and exit
        """;

    /// <summary>The usage text: every command (source commands from <see cref="SourceCommands"/>) and option.</summary>
    public static string Usage { get; } = BuildUsage();

    public bool IsValid => Error is null;

    /// <summary>For <see cref="CliCommand.Help"/>: the command whose help to print (<c>check-config</c>, <c>digin tariffs</c>), or null for the usage.</summary>
    public string? HelpTopic { get; init; }

    /// <summary>For <see cref="CliCommand.Source"/>: the command to run.</summary>
    public ISourceCommand? SourceCommand { get; init; }

    /// <summary><c>--site ID</c>: which configured site a source command works on (the first that fits when absent).</summary>
    public string? Site { get; init; }

    /// <summary>The source command's own options (<c>--api-key</c> → value); null when none was given. Values may be secrets: never printed.</summary>
    public IReadOnlyDictionary<string, string>? Values { get; init; }

    /// <summary><c>--base-url</c> for the <c>tariffs</c> command.</summary>
    public string? BaseUrl => Values?.GetValueOrDefault("--base-url");

    /// <summary><c>--api-key</c> for the <c>tariffs</c> command (a secret: never printed).</summary>
    public string? ApiKey => Values?.GetValueOrDefault("--api-key");

    /// <summary>
    /// What to print under a command-line error: the help of the source command the line names (<c>fluvius consent
    /// --from 2026-13-01</c>), else the general <see cref="Usage"/>.
    /// </summary>
    public static string UsageFor(CommandLine cli) =>
        cli?.SourceCommand?.Help ?? Usage;

    /// <summary>The help text for <paramref name="topic"/> (a command), or null when there is no such command.</summary>
    public static string? HelpFor(string? topic) => HelpFor(topic, SourceCommands.All);

    /// <summary>As <see cref="HelpFor(string?)"/>, with another list of source commands (tests add their own).</summary>
    public static string? HelpFor(string? topic, IReadOnlyList<ISourceCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (topic is null)
        {
            return Usage;
        }

        var words = topic.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var source = words.Length switch
        {
            1 => commands.FirstOrDefault(c => c.ShortName == words[0]),
            2 => commands.FirstOrDefault(c => c.Source == words[0] && c.Verb == words[1]),
            _ => null,
        };
        if (source is not null)
        {
            return source.Help;
        }

        // A source's name alone (`help eloverblik`): the help of each of its commands.
        if (words.Length == 1 && commands.Where(c => c.Source == words[0]).Select(c => c.Help).ToList() is { Count: > 0 } helps)
        {
            return string.Join("\n\n", helps);
        }

        return topic switch
        {
            "run" => """
                Usage: mqttbridge [run] [--config PATH] [--addon]

                Starts the bridge: validates the configuration (every problem is printed, exit code 2), connects to
                the broker (or starts the embedded one), and publishes Home Assistant discovery and the sensors until
                stopped (Ctrl-C, SIGTERM: publishes offline first). Exit codes: 0 stopped, 1 could not run (e.g. the
                embedded broker's port is taken), 2 bad command line or configuration.
                """,
            "check-config" => """
                Usage: mqttbridge check-config [--config PATH] [--addon]

                Validates the configuration without starting: prints every problem with its key path and line and
                exits with code 2, or prints the sites and exits with 0. Warnings (an example's placeholder key left
                in) are printed but do not fail the check. With --addon it reads the add-on's options; it does not
                ask the Supervisor for a broker.
                """,
            "health" => """
                Usage: mqttbridge health [--config PATH] [--addon]

                The container health check: exit 0 when a bridge using this configuration's data_dir is running and
                connected to its broker, else 1. The bridge refreshes <data_dir>/.health every 5 s while connected
                and removes it within 5 s of losing the broker; the check fails at once when the process that wrote
                it has died, and when it is older than 15 s.
                """,
            "help" => """
                Usage: mqttbridge help [COMMAND]

                Prints the usage, or a command's help (mqttbridge help check-config).
                """,
            _ => null,
        };
    }

    public static CommandLine Parse(string[] args) => Parse(args, SourceCommands.All);

    /// <summary>Parses <paramref name="args"/> with <paramref name="commands"/> as the source commands (tests add their own).</summary>
    public static CommandLine Parse(string[] args, IReadOnlyList<ISourceCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(commands);

        CliCommand? command = null;
        string? commandText = null;
        ISourceCommand? sourceCommand = null;
        var configPath = ConfigLoader.DefaultPath;
        var addon = false;
        var help = false;
        string? helpTopic = null;
        string? bareSource = null;
        string? site = null;
        var errors = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);

        void SetCommand(CliCommand value, string text)
        {
            if (command is not null && (command != value || commandText != text))
            {
                errors.Add($"'{commandText}' and '{text}' cannot be used together");
                return;
            }

            command = value;
            commandText = text;
        }

        // An option's value: the next argument, unless that is another option (a forgotten value).
        string? ValueOf(string option, ref int i)
        {
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return args[++i];
            }

            return null;
        }

        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var (name, inline) = arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq
                ? (arg[..eq], arg[(eq + 1)..])
                : (arg, null);
            switch (name)
            {
                case "run":
                    SetCommand(CliCommand.Run, arg);
                    break;
                case "check-config":
                    SetCommand(CliCommand.CheckConfig, arg);
                    break;
                case "health":
                    SetCommand(CliCommand.Health, arg);
                    break;
                case "help" when command is null:
                    // "help" alone, or "help COMMAND [VERB]": the rest names the topic.
                    SetCommand(CliCommand.Help, arg);
                    help = true;
                    if (i + 1 < args.Length && !args[i + 1].StartsWith('-'))
                    {
                        helpTopic = string.Join(' ', args[(i + 1)..].TakeWhile(a => !a.StartsWith('-')));
                        i += helpTopic.Split(' ').Length;
                    }

                    break;
                case var word when !word.StartsWith('-') && commands.FirstOrDefault(c => c.ShortName == word) is { } shortCommand:
                    SetCommand(CliCommand.Source, word);
                    sourceCommand = shortCommand;
                    break;
                case var word when !word.StartsWith('-') && commands.Any(c => c.Source == word):
                    var verb = i + 1 < args.Length ? args[i + 1] : null;
                    if (verb is not null && commands.FirstOrDefault(c => c.Source == word && c.Verb == verb) is { } found)
                    {
                        i++;
                        SetCommand(CliCommand.Source, $"{word} {verb}");
                        sourceCommand = found;
                    }
                    else if (verb is "--help" or "-h")
                    {
                        // "digin --help": the help of the source's commands, as "help digin".
                        i++;
                        help = true;
                        helpTopic = word;
                    }
                    else
                    {
                        // "fluvius --site x --help": the help of the source's commands.
                        bareSource = word;
                        var verbs = string.Join(", ", commands.Where(c => c.Source == word).Select(c => c.Verb));
                        errors.Add(verb is null || verb.StartsWith('-')
                            ? $"'{word}' needs a command: {verbs}"
                            : $"unknown command '{word} {verb}'; {word} has: {verbs}");
                        if (verb is not null && !verb.StartsWith('-'))
                        {
                            i++;
                        }
                    }

                    break;
                case "--version":
                    SetCommand(CliCommand.Version, arg);
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                case "--addon":
                    addon = true;
                    break;
                case "--config":
                    var path = inline ?? ValueOf(name, ref i);
                    if (string.IsNullOrEmpty(path))
                    {
                        errors.Add(inline is null ? "--config needs a path, e.g. --config /etc/mqttbridge.yaml" : "--config needs a path, e.g. --config=/etc/mqttbridge.yaml");
                    }
                    else
                    {
                        configPath = path;
                    }

                    break;
                case "--site":
                    site = inline ?? ValueOf(name, ref i);
                    if (string.IsNullOrEmpty(site))
                    {
                        errors.Add("--site needs a site id, e.g. --site home");
                    }

                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal) && commands.Any(c => c.ValueOptions.Contains(option)):
                    var value = inline ?? ValueOf(option, ref i);
                    if (value is null)
                    {
                        errors.Add($"{option} needs a value");
                    }
                    else
                    {
                        values[option] = value;
                    }

                    break;
                default:
                    errors.Add($"unknown argument '{arg}'");
                    break;
            }
        }

        if (help)
        {
            // "check-config --help", "digin tariffs --help", "help run": that command's help; no other check applies.
            helpTopic ??= command is CliCommand.Help or CliCommand.Version or null ? bareSource : commandText;
            return HelpFor(helpTopic, commands) is null
                ? new CommandLine(CliCommand.Help, configPath, addon, $"no help for '{helpTopic}': it is not a command")
                : new CommandLine(CliCommand.Help, configPath, addon, null) { HelpTopic = helpTopic };
        }

        var forCommand = sourceCommand is null ? [] : sourceCommand.ValueOptions;
        foreach (var option in values.Keys.Where(o => !forCommand.Contains(o)))
        {
            var owners = string.Join(", ", commands.Where(c => c.ValueOptions.Contains(option)).Select(c => $"'{c.ShortName ?? c.Source + " " + c.Verb}'"));
            errors.Add($"{option} belongs to the {owners} command");
        }

        if (site is not null && command != CliCommand.Source)
        {
            errors.Add("--site belongs to a source command, e.g. 'mqttbridge digin tariffs --site home'");
        }

        var line = new CommandLine(command ?? CliCommand.Run, configPath, addon, null)
        {
            SourceCommand = sourceCommand,
            Site = site,
            Values = values.Count == 0 ? null : values,
        };
        if (errors.Count == 0 && sourceCommand?.Validate(line) is { } problem)
        {
            errors.Add(problem);
        }

        return errors.Count == 0 ? line : line with { Error = string.Join("; ", errors) };
    }

    private static string BuildUsage()
    {
        var writer = new StringWriter { NewLine = "\n" };
        writer.WriteLine("Usage: mqttbridge [command] [options]");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        writer.WriteLine("  run               start the bridge (the default)");
        writer.WriteLine("  check-config      validate the configuration, print every problem, and exit (0 = valid, 2 = problems)");
        writer.WriteLine("  health            exit 0 if a bridge using this configuration is running and connected (container HEALTHCHECK)");
        writer.WriteLine("  help [COMMAND]    print this help, or a command's");
        foreach (var command in SourceCommands.All)
        {
            // Two-word names are longer than the column: the summary goes on its own line, aligned with the others.
            var name = $"{command.Source} {command.Verb}" + (command.ShortName is null ? string.Empty : $" (or {command.ShortName})");
            writer.WriteLine(name.Length <= 16 ? $"  {name,-16}  {command.Summary}" : $"  {name}\n                    {command.Summary}");
        }

        writer.WriteLine("                    source commands take --site ID to pick a configured site");
        writer.WriteLine();
        writer.WriteLine(CommonOptions);
        writer.WriteLine();
        writer.WriteLine("Environment variables override configuration keys, e.g. MQTTBRIDGE__MQTT__HOST=broker.lan,");
        writer.Write("MQTTBRIDGE__EMBEDDED_BROKER__PORT=1884, MQTTBRIDGE__SITES__0__NAME=Cabin.");
        return writer.ToString();
    }
}
