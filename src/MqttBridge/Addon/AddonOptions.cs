using System.Text.RegularExpressions;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources;

namespace MqttBridge.Addon;

/// <summary>
/// Maps the add-on's options (<c>/data/options.json</c>, flat enough for Home Assistant's form: nesting depth 2 at
/// most) onto the same configuration tree the YAML file gives, so one validator checks both. Problems found in the
/// tree are named back with option names (<see cref="OptionPath"/>): <c>sites[0].api_key</c>, not <c>sites[0].tariff.api_key</c>.
/// </summary>
internal static partial class AddonOptions
{
    public static readonly string[] RootKeys = ["config_file", "time_zone", "mqtt", "embedded_broker", "sites"];
    public static readonly string[] MqttKeys = ["host", "port", "username", "password", "tls", "client_id", "base_topic", "discovery_prefix"];
    public static readonly string[] BrokerKeys = ["port", "username", "password"];

    /// <summary>Site options that are copied to the site as they are.</summary>
    public static readonly string[] SiteKeys = ["id", "name", "time_zone", "statistics"];

    /// <summary>Site options that pick the sources.</summary>
    public const string TariffType = "tariff_type";
    public const string MeterType = "meter_type";

    /// <summary>Every source option a site may carry: what the catalog's modules take from the form, in catalog order.</summary>
    public static IEnumerable<string> SourceKeys => Catalog.Modules.SelectMany(m => m.Addon.Names).Distinct(StringComparer.Ordinal);

    public static IEnumerable<string> AllSiteKeys => [.. SiteKeys, TariffType, MeterType, .. SourceKeys];

    /// <summary>The form's option that picks the source of <paramref name="role"/>.</summary>
    public static string TypeOption(SourceRole role) => role == SourceRole.Tariff ? TariffType : MeterType;

    /// <summary>
    /// The configuration tree for <paramref name="options"/>. Problems in the options themselves (unknown option,
    /// preset missing) are added with option paths; the tree is validated afterwards by the usual binder.
    /// </summary>
    public static ConfigMap ToConfigTree(ConfigMap options, List<ConfigProblem> problems)
    {
        var top = new ConfigSection(string.Empty, options, problems);
        top.AllowOnly(RootKeys);
        var tree = new ConfigMap();

        Copy(options, "time_zone", tree, "time_zone");
        if (top.Section("mqtt") is { } mqttOptions)
        {
            mqttOptions.AllowOnly(MqttKeys);
            var mqtt = Child(tree, "mqtt");
            var source = (ConfigMap)options.Find("mqtt")!.Value;
            foreach (var key in MqttKeys.Where(k => k != "tls"))
            {
                Copy(source, key, mqtt, key);
            }

            // One switch in the form; CA and client certificates need files, hence the YAML file (config_file).
            if (Value(source, "tls") is { } tls)
            {
                Child(mqtt, "tls").Entries.Add(new ConfigEntry("enabled", tls));
            }
        }

        if (top.Section("embedded_broker") is { } brokerOptions)
        {
            brokerOptions.AllowOnly(BrokerKeys);
            var broker = Child(tree, "embedded_broker");
            var source = (ConfigMap)options.Find("embedded_broker")!.Value;
            foreach (var key in BrokerKeys)
            {
                Copy(source, key, broker, key);
            }
        }

        // Anything but a list (or nothing) goes to the binder as it is: it says that a site is required, once.
        if (options.Find("sites") is { Value: ConfigList list } sitesEntry)
        {
            var sites = new ConfigList([]) { Line = list.Line };
            foreach (var item in top.Items("sites"))
            {
                if (top.ItemSection(item, "id, name and a tariff_type or meter_type") is { } site)
                {
                    sites.Items.Add(ToSite(site, (ConfigMap)item.Node));
                }
            }

            tree.Entries.Add(new ConfigEntry("sites", sites) { KeyLine = sitesEntry.KeyLine });
        }
        else if (options.Find("sites") is { } other)
        {
            tree.Entries.Add(other);
        }

        return tree;
    }

    /// <summary>
    /// The option a configuration path came from: <c>sites[0].tariff.type</c> → <c>sites[0].tariff_type</c>,
    /// <c>sites[0].tariff.api_key</c> → <c>sites[0].api_key</c>, anything inside a preset → <c>sites[0].preset</c>.
    /// Paths that are options already (<c>mqtt.port</c>) stay as they are.
    /// </summary>
    public static string OptionPath(string path, out bool insidePreset)
    {
        insidePreset = false;
        if (path == "mqtt.tls.enabled" || path == "mqtt.tls")
        {
            return "mqtt.tls";
        }

        var match = SourcePath().Match(path);
        if (!match.Success)
        {
            return path;
        }

        var site = match.Groups["site"].Value;
        var source = match.Groups["source"].Value;
        var role = source == Catalog.KeyOf(SourceRole.Tariff) ? SourceRole.Tariff : SourceRole.Meter;
        var key = match.Groups["key"].Success ? match.Groups["key"].Value : null;
        if (key is null or "type")
        {
            return $"{site}.{TypeOption(role)}";
        }

        var modules = Catalog.Modules.Where(m => m.Role == role).ToList();
        var option = modules.SelectMany(m => m.Addon.Options).FirstOrDefault(o => o.Value == key).Key;
        if (option is not null && !match.Groups["rest"].Success)
        {
            return $"{site}.{option}";
        }

        // Only a filled section (a preset) holds keys the form does not have (bands, taxes, capacity).
        var filledBy = modules.Select(m => m.Addon.ChosenBy).FirstOrDefault(c => c is not null);
        insidePreset = filledBy is not null;
        return insidePreset ? $"{site}.{filledBy}" : path;
    }

    /// <summary>Renames the problems' paths to option names; problems from environment variables keep theirs.</summary>
    public static IReadOnlyList<ConfigProblem> ToOptionNames(IReadOnlyList<ConfigProblem> problems) =>
    [
        .. problems.Select(p =>
        {
            if (p.Variable is not null)
            {
                return p;
            }

            // No lines: the Supervisor writes options.json on one line, and a preset's lines are of a file the user does not see.
            return p with { Path = OptionPath(p.Path, out _), Line = null };
        }),
    ];

    private static ConfigMap ToSite(ConfigSection options, ConfigMap source)
    {
        options.AllowOnly([.. AllSiteKeys]);
        var site = new ConfigMap { Line = source.Line };
        foreach (var key in SiteKeys)
        {
            Copy(source, key, site, key);
        }

        // Per role: the chosen type as written, and its module (null for a type the catalog does not know: the binder says so).
        var chosen = new List<(SourceRole Role, string Type, ISourceModule? Module, ConfigMap Section)>();
        var useConfigFile = false;
        foreach (var role in new[] { SourceRole.Tariff, SourceRole.Meter })
        {
            var typeOption = TypeOption(role);
            var type = options.Text(typeOption)?.Trim().ToLowerInvariant();
            var module = type is null
                ? Catalog.Modules.FirstOrDefault(m => m.Role == role && m.Addon.ChosenBy is { } by && Value(source, by) is not null)
                : Catalog.Find(role, type);
            if (type is null && module is null)
            {
                continue;
            }

            var line = source.Find(typeOption)?.Value.Line ?? (module?.Addon.ChosenBy is { } chosenBy ? source.Find(chosenBy)?.Value.Line : null);
            if (module?.Addon.UseConfigFile is { } why)
            {
                options.Report(typeOption, why);
                useConfigFile = true;
                continue;
            }

            var section = new ConfigMap { Line = line };
            if (module?.Addon.Fill?.Invoke(options) is { } filled)
            {
                section.Entries.AddRange(filled.Entries);
            }

            Set(section, "type", Value(source, typeOption) ?? new ConfigScalar(module!.Type, isPlain: false) { Line = line });
            site.Entries.Add(new ConfigEntry(Catalog.KeyOf(role), section));
            chosen.Add((role, type ?? module!.Type, module, section));
        }

        foreach (var key in SourceKeys)
        {
            if (Value(source, key) is not { } value)
            {
                continue;
            }

            var used = false;
            foreach (var (_, _, module, section) in chosen)
            {
                if (module?.Addon.Options.GetValueOrDefault(key) is { } target)
                {
                    Set(section, target, value);
                    used = true;
                }

                used |= module?.Addon.Extra.Contains(key) == true;
            }

            // An unknown type is reported by the binder; what it would take cannot be said. A source the form cannot hold
            // has its one message (use config_file): its options are not judged against the other source.
            if (!used && !useConfigFile && chosen.All(c => c.Module is not null))
            {
                var sources = string.Join(" and ", chosen.Select(c => $"{TypeOption(c.Role)} {c.Type}"));
                options.Report(key, $"is not used by this site's sources ({(sources.Length == 0 ? "none chosen" : sources)}); remove it or choose a {TariffType} or {MeterType} that takes it");
            }
        }

        return site;
    }

    /// <summary>The option's value node, or null when it is absent or null.</summary>
    private static ConfigNode? Value(ConfigMap map, string key) => map.Find(key)?.Value is { } node and not ConfigScalar { IsNull: true } ? node : null;

    private static void Copy(ConfigMap from, string key, ConfigMap to, string targetKey)
    {
        if (Value(from, key) is { } value)
        {
            to.Entries.Add(new ConfigEntry(targetKey, value) { KeyLine = from.Find(key)!.KeyLine });
        }
    }

    private static void Set(ConfigMap map, string key, ConfigNode value)
    {
        map.Entries.RemoveAll(e => e.Key == key);
        map.Entries.Add(new ConfigEntry(key, value) { KeyLine = value.Line });
    }

    private static ConfigMap Child(ConfigMap parent, string key)
    {
        if (parent.Find(key)?.Value is ConfigMap existing)
        {
            return existing;
        }

        var child = new ConfigMap();
        parent.Entries.RemoveAll(e => e.Key == key);
        parent.Entries.Add(new ConfigEntry(key, child));
        return child;
    }

    [GeneratedRegex(@"^(?<site>sites\[\d+\])\.(?<source>tariff|meter)(\.(?<key>[a-z_]+)(?<rest>[.\[].*)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SourcePath();
}
