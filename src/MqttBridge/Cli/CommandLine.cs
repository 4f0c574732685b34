using MqttBridge.Configuration;

namespace MqttBridge.Cli;

internal enum CliCommand
{
    Run,
    CheckConfig,
    Health,
    Version,
    Help,
    Tariffs,
}

/// <summary>
/// The parsed command line. Parsing never throws: an unknown or incomplete argument sets <see cref="Error"/>,
/// and the caller prints it with <see cref="Usage"/> and exits with code 2.
/// </summary>
internal sealed record CommandLine(CliCommand Command, string ConfigPath, bool Addon, string? Error)
{
    public const string Usage = """
        Usage: mqttbridge [command] [options]

        Commands:
          run               start the bridge (the default)
          check-config      validate the configuration, print every problem, and exit (0 = valid, 2 = problems)
          health            exit 0 if a bridge using this configuration is running and connected (container HEALTHCHECK)
          tariffs           list the tariff keys of a DIGIN grid company (tariff_key), using the config's digin
                            api_key and base_url, or --api-key KEY and --base-url URL (default: Elvia)

        Options:
          --config PATH     configuration file (default: config/mqttbridge.yaml)
          --addon           Home Assistant add-on mode (also on when SUPERVISOR_TOKEN is set): reads the add-on's
                            options (MQTTBRIDGE_OPTIONS_PATH, default /data/options.json) instead of --config, and
                            the broker from the Supervisor (MQTTBRIDGE_SUPERVISOR_URL, default http://supervisor)
          --version         print the version and exit
          -h, --help        print this help and exit

        Environment variables override configuration keys, e.g. MQTTBRIDGE__MQTT__HOST=broker.lan,
        MQTTBRIDGE__EMBEDDED_BROKER__PORT=1884, MQTTBRIDGE__SITES__0__NAME=Cabin.
        """;

    public bool IsValid => Error is null;

    /// <summary><c>--base-url</c> for the <c>tariffs</c> command.</summary>
    public string? BaseUrl { get; init; }

    /// <summary><c>--api-key</c> for the <c>tariffs</c> command (a secret: never printed).</summary>
    public string? ApiKey { get; init; }

    public static CommandLine Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);

        CliCommand? command = null;
        string? commandText = null;
        var configPath = ConfigLoader.DefaultPath;
        var addon = false;
        var errors = new List<string>();
        string? baseUrl = null;
        string? apiKey = null;

        void SetCommand(CliCommand value, string text)
        {
            if (command is not null && command != value)
            {
                errors.Add($"'{commandText}' and '{text}' cannot be used together");
                return;
            }

            command = value;
            commandText = text;
        }

        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
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
                case "tariffs":
                    SetCommand(CliCommand.Tariffs, arg);
                    break;
                case "--base-url" or "--api-key":
                    if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        var given = args[++i];
                        if (arg == "--base-url")
                        {
                            baseUrl = given;
                        }
                        else
                        {
                            apiKey = given;
                        }
                    }
                    else
                    {
                        errors.Add($"{arg} needs a value");
                    }

                    break;
                case var _ when arg.StartsWith("--base-url=", StringComparison.Ordinal):
                    baseUrl = arg["--base-url=".Length..];
                    break;
                case var _ when arg.StartsWith("--api-key=", StringComparison.Ordinal):
                    apiKey = arg["--api-key=".Length..];
                    break;
                case "--version":
                    SetCommand(CliCommand.Version, arg);
                    break;
                case "--help" or "-h":
                    SetCommand(CliCommand.Help, arg);
                    break;
                case "--addon":
                    addon = true;
                    break;
                case "--config":
                    // A following option is a forgotten path, not a file called "--addon".
                    if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        configPath = args[++i];
                    }
                    else
                    {
                        errors.Add("--config needs a path, e.g. --config /etc/mqttbridge.yaml");
                    }

                    break;
                case var _ when arg.StartsWith("--config=", StringComparison.Ordinal):
                    var value = arg["--config=".Length..];
                    if (value.Length == 0)
                    {
                        errors.Add("--config needs a path, e.g. --config=/etc/mqttbridge.yaml");
                    }
                    else
                    {
                        configPath = value;
                    }

                    break;
                default:
                    errors.Add($"unknown argument '{arg}'");
                    break;
            }
        }

        if ((baseUrl ?? apiKey) is not null && command != CliCommand.Tariffs)
        {
            errors.Add("--base-url and --api-key belong to the 'tariffs' command");
        }

        if (baseUrl is not null && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"--base-url '{baseUrl}' is not an absolute http:// or https:// URL");
        }

        return new CommandLine(command ?? CliCommand.Run, configPath, addon, errors.Count == 0 ? null : string.Join("; ", errors))
        {
            BaseUrl = baseUrl,
            ApiKey = apiKey,
        };
    }
}
