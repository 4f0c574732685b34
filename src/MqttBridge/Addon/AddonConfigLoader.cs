using MqttBridge.Configuration;

namespace MqttBridge.Addon;

/// <summary>Where add-on mode reads from (DESIGN "Add-on mode"): each overridable by environment for tests and odd set-ups.</summary>
internal sealed record AddonSettings(string OptionsPath, Uri SupervisorUrl, string? Token)
{
    public const string TokenVariable = "SUPERVISOR_TOKEN";
    public const string OptionsPathVariable = "MQTTBRIDGE_OPTIONS_PATH";
    public const string SupervisorUrlVariable = "MQTTBRIDGE_SUPERVISOR_URL";
    public const string DefaultOptionsPath = "/data/options.json";

    /// <summary>The only volume the Supervisor always maps, read-write, and keeps in backups.</summary>
    public const string DataDir = "/data";

    /// <summary>The add-on's own config folder (<c>map: addon_config</c>), where <c>config_file</c> is looked up.</summary>
    public const string ConfigDir = "/config";

    /// <summary>The Supervisor gives every add-on a token; its presence is how the bridge knows it runs as one.</summary>
    public static bool IsOn(bool addonFlag, IReadOnlyDictionary<string, string?> environment) =>
        addonFlag || !string.IsNullOrEmpty(environment.GetValueOrDefault(TokenVariable));

    public static AddonSettings FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var optionsPath = environment.GetValueOrDefault(OptionsPathVariable) is { Length: > 0 } p ? p : DefaultOptionsPath;
        var url = environment.GetValueOrDefault(SupervisorUrlVariable) is { Length: > 0 } u ? u : SupervisorClient.DefaultUrl;

        // A trailing slash makes "services/mqtt" resolve under the base path, not beside it.
        var baseUrl = Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var parsed) ? parsed : new Uri(SupervisorClient.DefaultUrl + "/");
        return new AddonSettings(optionsPath, baseUrl, environment.GetValueOrDefault(TokenVariable));
    }
}

/// <summary>How add-on mode chose the broker, for the log.</summary>
internal enum AddonBroker
{
    /// <summary>The options (or the YAML file, or an environment variable) name a broker.</summary>
    Configured,

    /// <summary>The Supervisor's MQTT service (the Mosquitto add-on).</summary>
    Supervisor,

    /// <summary>Not decided: the Supervisor was not asked (<c>check-config</c>).</summary>
    NotAsked,

    /// <summary>No MQTT service: the embedded broker on 0.0.0.0 inside the container.</summary>
    Embedded,
}

/// <param name="Source">What the configuration was read from, for the problem report's first line.</param>
/// <param name="NoServiceReason">Why the Supervisor named no broker (for a warning); null when it was not asked or named one.</param>
internal sealed record AddonConfigResult(ConfigResult Config, string Source, AddonBroker Broker, string? NoServiceReason, string? ConfigFileNote);

/// <summary>
/// Add-on mode's configuration: options.json (or the YAML file it names) → the usual tree; <c>data_dir</c> /data;
/// the broker from the options, else the Supervisor's MQTT service, else the embedded broker on 0.0.0.0; then the
/// environment overrides and the usual validation. The order is DESIGN's contract. Without a Supervisor client
/// (<c>check-config</c>) nothing is asked and the broker stays <see cref="AddonBroker.NotAsked"/>.
/// </summary>
internal static class AddonConfigLoader
{
    /// <summary>Marks values the Supervisor supplied, so a problem with one names its origin.</summary>
    public const string FromSupervisor = "the Supervisor's MQTT service";

    public static async Task<AddonConfigResult> LoadAsync(
        AddonSettings settings,
        IReadOnlyDictionary<string, string?> environment,
        SupervisorClient? supervisor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);

        var problems = new List<ConfigProblem>();
        if (ConfigText.Read(settings.OptionsPath, "the Supervisor writes it in add-on mode; set MQTTBRIDGE_OPTIONS_PATH to read another", problems) is not { } text)
        {
            return Failed(settings.OptionsPath, problems);
        }

        var options = ConfigLoader.ParseTree(text, settings.OptionsPath, "(the add-on's options)", problems);
        if (options is null)
        {
            return Failed(settings.OptionsPath, problems);
        }

        // config_file: the advanced path. The named YAML file is the whole configuration; the add-on adds only
        // data_dir and the broker. Problems then name the file's keys and lines, as for any YAML file.
        var source = settings.OptionsPath;
        ConfigMap tree;
        string? note = null;
        var configFile = new ConfigSection(string.Empty, options, problems).Text("config_file")?.Trim();
        if (!string.IsNullOrEmpty(configFile))
        {
            source = Path.Combine(AddonSettings.ConfigDir, configFile);
            var yamlProblems = new List<ConfigProblem>();
            if (ConfigText.Read(source, "config_file names a file in the add-on's config folder: /addon_configs/<id>_mqttbridge in the Samba or File editor add-on, where <id> is what precedes _mqttbridge in the add-on page's address", yamlProblems) is not { } yaml
                || ConfigLoader.ParseTree(yaml, source, "(mqtt, embedded_broker, time_zone, data_dir, sites)", yamlProblems) is not { } fileTree)
            {
                return Failed(source, [.. problems, .. yamlProblems.Select(p => p.Path.Length == 0 && p.Line is null ? p with { Path = "config_file" } : p)]);
            }

            tree = fileTree;
            problems = yamlProblems;
            note = $"config_file is set: reading {source}; the time_zone, mqtt, embedded_broker and sites options are not used";
        }
        else
        {
            tree = AddonOptions.ToConfigTree(options, problems);
        }

        Set(tree, ["data_dir"], new ConfigScalar(AddonSettings.DataDir, isPlain: false));
        if (tree.Find("homeassistant") is null && settings.Token is { Length: > 0 } token)
        {
            // The Energy dashboard's statistics go through the Supervisor's proxy (homeassistant_api: true), no keys needed.
            Set(tree, ["homeassistant", "url"], new ConfigScalar(SupervisorSocket(settings.SupervisorUrl), isPlain: false));
            Set(tree, ["homeassistant", "token"], new ConfigScalar(token, isPlain: false));
        }

        var broker = AddonBroker.Configured;
        string? noService = null;
        if (NamesBroker(tree, environment))
        {
            // The options (or the environment) name the broker: nothing to ask.
        }
        else if (supervisor is null)
        {
            // check-config: the options are checked as they are; which broker a start would use is not asked.
            broker = AddonBroker.NotAsked;
        }
        else if (!supervisor.HasToken)
        {
            // --addon outside Home Assistant: without the Supervisor's token there is nobody to ask (a lookup of
            // "supervisor" would only time out or, worse, reach some other host of that name).
            broker = AddonBroker.Embedded;
            noService = $"{AddonSettings.TokenVariable} is not set, so there is no Supervisor to ask (add-on mode outside Home Assistant?)";
            Set(tree, ["embedded_broker", "bind"], new ConfigScalar("0.0.0.0", isPlain: false));
        }
        else
        {
            var answer = await supervisor.GetMqttServiceAsync(cancellationToken);
            if (answer.Service is { } service)
            {
                broker = AddonBroker.Supervisor;
                UseService(tree, service);
            }
            else
            {
                broker = AddonBroker.Embedded;
                noService = answer.Failure;

                // Inside the container: Home Assistant reaches it over the Supervisor's network, never the host's.
                Set(tree, ["embedded_broker", "bind"], new ConfigScalar("0.0.0.0", isPlain: false));
            }
        }

        var result = ConfigLoader.Bind(tree, environment, problems);
        if (configFile is null or "")
        {
            result = result with { Problems = AddonOptions.ToOptionNames(result.Problems) };
        }

        return new AddonConfigResult(result, source, broker, noService, note);
    }

    /// <summary>The Supervisor's proxy to Home Assistant's WebSocket API: <c>ws://supervisor/core/websocket</c>.</summary>
    private static string SupervisorSocket(Uri supervisor) =>
        new UriBuilder(supervisor) { Scheme = supervisor.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = supervisor.AbsolutePath.TrimEnd('/') + Statistics.HomeAssistantOptions.SupervisorSocketPath }.Uri.ToString();

    private static bool NamesBroker(ConfigMap tree, IReadOnlyDictionary<string, string?> environment)
    {
        var fromTree = (tree.Find("mqtt")?.Value as ConfigMap)?.Find("host")?.Value is ConfigScalar { IsNull: false } host && !string.IsNullOrWhiteSpace(host.Value);
        var fromEnvironment = environment.Any(v => v.Key.Equals(EnvironmentOverrides.Prefix + "MQTT__HOST", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(v.Value));
        return fromTree || fromEnvironment;
    }

    private static void UseService(ConfigMap tree, SupervisorMqttService service)
    {
        ConfigScalar Value(string text) => new(text, isPlain: false) { Variable = FromSupervisor };
        Set(tree, ["mqtt", "host"], Value(service.Host));
        Set(tree, ["mqtt", "port"], Value(service.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // The service's credentials belong to its broker: none from the options may leak onto it.
        Remove(tree, ["mqtt", "username"]);
        Remove(tree, ["mqtt", "password"]);
        if (!string.IsNullOrEmpty(service.Username))
        {
            Set(tree, ["mqtt", "username"], Value(service.Username));
        }

        if (!string.IsNullOrEmpty(service.Password))
        {
            Set(tree, ["mqtt", "password"], Value(service.Password));
        }

        // ssl: verified against the system's CAs (no ca_file): the Mosquitto add-on's certificate is a real one.
        Set(tree, ["mqtt", "tls", "enabled"], Value(service.Ssl ? "true" : "false"));
    }

    private static void Set(ConfigMap root, string[] path, ConfigNode value)
    {
        var map = root;
        foreach (var key in path[..^1])
        {
            if (map.Find(key)?.Value is ConfigMap child)
            {
                map = child;
                continue;
            }

            var created = new ConfigMap();
            map.Entries.RemoveAll(e => e.Key == key);
            map.Entries.Add(new ConfigEntry(key, created));
            map = created;
        }

        map.Entries.RemoveAll(e => e.Key == path[^1]);
        map.Entries.Add(new ConfigEntry(path[^1], value));
    }

    private static void Remove(ConfigMap root, string[] path)
    {
        var map = root;
        foreach (var key in path[..^1])
        {
            if (map.Find(key)?.Value is not ConfigMap child)
            {
                return;
            }

            map = child;
        }

        map.Entries.RemoveAll(e => e.Key == path[^1]);
    }

    private static AddonConfigResult Failed(string source, List<ConfigProblem> problems) =>
        new(new ConfigResult(null, problems), source, AddonBroker.Configured, null, null);
}
