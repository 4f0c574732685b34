using System.Text.RegularExpressions;
using MqttBridge.Configuration;

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
    public static readonly string[] SiteKeys = ["id", "name", "time_zone"];

    /// <summary>Site options that pick the sources.</summary>
    public const string TariffType = "tariff_type";
    public const string MeterType = "meter_type";
    public const string Preset = "preset";

    /// <summary>Option name → key in the source's section, for the options that differ (one base URL per source).</summary>
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["tariff_base_url"] = "base_url",
        ["meter_base_url"] = "base_url",
    };

    /// <summary>
    /// Which site options each source type takes. An option set for a site whose sources do not use it is a mistake
    /// (an API key on a static tariff), reported rather than silently dropped.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> TariffOptionKeys = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["static"] = [],
        ["digin"] = ["api_key", "tariff_key", "metering_point_id", "tariff_base_url"],
        ["eloverblik"] = ["token", "metering_point_id", "tariff_base_url"],
    };

    public static readonly IReadOnlyDictionary<string, string[]> MeterOptionKeys = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["elvia"] = ["token", "metering_point_id", "include_production", "meter_base_url"],
        ["eloverblik"] = ["token", "metering_point_id", "include_production", "meter_base_url"],
        ["oresundskraft"] = ["api_key", "metering_point_id", "include_production", "meter_base_url"],
        ["fluvius"] = ["metering_point_id", "include_production", "meter_base_url"],
    };

    /// <summary>Every source option a site may carry, in the order of the add-on's form.</summary>
    public static readonly string[] SourceKeys = ["api_key", "tariff_key", "metering_point_id", "token", "include_production", "tariff_base_url", "meter_base_url"];

    public static IEnumerable<string> AllSiteKeys => [.. SiteKeys, TariffType, Preset, MeterType, .. SourceKeys];

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
        var key = match.Groups["key"].Success ? match.Groups["key"].Value : null;
        switch (key)
        {
            case null or "type":
                return $"{site}.{source}_type";
            case "base_url":
                return $"{site}.{source}_base_url";
            case var k when SourceKeys.Contains(k) && !match.Groups["rest"].Success:
                return $"{site}.{k}";
            default:
                // Only a preset fills a tariff with keys the form does not have (bands, taxes, capacity).
                insidePreset = source == "tariff";
                return insidePreset ? $"{site}.{Preset}" : path;
        }
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

        var tariffType = options.Text(TariffType)?.Trim().ToLowerInvariant();
        var meterType = options.Text(MeterType)?.Trim().ToLowerInvariant();
        var preset = options.Text(Preset)?.Trim();

        // A preset alone means a static tariff: the fewest choices for the common case.
        if (tariffType is null && preset is not null)
        {
            tariffType = "static";
        }

        if (tariffType is not null)
        {
            var tariff = new ConfigMap { Line = source.Find(TariffType)?.Value.Line ?? source.Find(Preset)?.Value.Line };
            if (tariffType == "static")
            {
                tariff.Entries.AddRange(StaticTariff(options, preset).Entries);
            }

            Set(tariff, "type", Value(source, TariffType) ?? new ConfigScalar(tariffType, isPlain: false) { Line = source.Find(Preset)?.Value.Line });
            site.Entries.Add(new ConfigEntry("tariff", tariff));
            if (tariffType != "static" && preset is not null)
            {
                options.Report(Preset, $"a preset is a static tariff; set {TariffType} to static, or remove the preset to use {tariffType}");
            }
        }

        if (meterType is not null)
        {
            var meter = new ConfigMap { Line = source.Find(MeterType)?.Value.Line };
            Set(meter, "type", Value(source, MeterType)!);
            site.Entries.Add(new ConfigEntry("meter", meter));
        }

        var tariffKeys = tariffType is null ? [] : TariffOptionKeys.GetValueOrDefault(tariffType);
        var meterKeys = meterType is null ? [] : MeterOptionKeys.GetValueOrDefault(meterType);
        foreach (var key in SourceKeys)
        {
            if (Value(source, key) is not { } value)
            {
                continue;
            }

            var target = Renamed.GetValueOrDefault(key, key);
            var used = false;
            if (tariffKeys?.Contains(key) == true)
            {
                Set((ConfigMap)site.Find("tariff")!.Value, target, value);
                used = true;
            }

            if (meterKeys?.Contains(key) == true)
            {
                Set((ConfigMap)site.Find("meter")!.Value, target, value);
                used = true;
            }

            // An unknown type is reported by the binder; what it would take cannot be said.
            if (!used && tariffKeys is not null && meterKeys is not null)
            {
                var sources = string.Join(" and ", new[] { tariffType is null ? null : $"{TariffType} {tariffType}", meterType is null ? null : $"{MeterType} {meterType}" }.OfType<string>());
                options.Report(key, $"is not used by this site's sources ({(sources.Length == 0 ? "none chosen" : sources)}); remove it or choose a {TariffType} or {MeterType} that takes it");
            }
        }

        return site;
    }

    private static ConfigMap StaticTariff(ConfigSection options, string? preset)
    {
        var names = string.Join(", ", TariffPresets.Names);
        if (preset is null)
        {
            options.ReportMissing(Preset, $"{TariffType} static takes its bands from a preset ({names}); for your own bands write a YAML file and set config_file");
            return FirstPreset();
        }

        if (TariffPresets.Load(preset) is { } tariff)
        {
            return tariff;
        }

        var hint = KeyHints.Closest(preset, TariffPresets.Names);
        options.Report(Preset, hint is not null ? $"'{preset}' is not a known preset; did you mean '{hint}'?" : $"'{preset}' is not a known preset; use {names}");

        return FirstPreset();
    }

    /// <summary>Stands in for a missing or unknown preset, so the binder does not add "bands: required": one problem is enough.</summary>
    private static ConfigMap FirstPreset() => TariffPresets.Load(TariffPresets.Names[0])!;

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
