using MqttBridge.Configuration;

namespace MqttBridge.Sources.Static;

/// <summary>
/// Static tariffs shipped inside the bridge, so an add-on user gets a working tariff with no account and no YAML:
/// Home Assistant's options cannot hold the nested <c>bands</c> of a static tariff. Each preset is the tariff of the
/// first site of a configuration file in <c>config/</c>, embedded as a resource (no file lookups at run time).
/// </summary>
internal static class TariffPresets
{
    /// <summary>Preset name → embedded configuration file (the repo's <c>config/</c> files).</summary>
    public static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["elvia_household"] = "config/mqttbridge.yaml",
        ["denmark_radius"] = "config/examples/denmark-radius.yaml",
        ["sweden_time_tariff"] = "config/examples/sweden-time-tariff.yaml",
        ["flanders_fluvius"] = "config/examples/flanders-fluvius.yaml",
    };

    public static IReadOnlyList<string> Names { get; } = [.. Files.Keys];

    /// <summary>A fresh copy of the preset's <c>tariff</c> section (callers edit the tree), or null for an unknown name.</summary>
    public static ConfigMap? Load(string name)
    {
        if (!Files.ContainsKey(name))
        {
            return null;
        }

        using var stream = typeof(TariffPresets).Assembly.GetManifestResourceStream("preset." + name)
            ?? throw new InvalidOperationException($"preset '{name}' is not embedded in this build");
        using var reader = new StreamReader(stream);
        var problems = new List<ConfigProblem>();
        var root = ConfigLoader.ParseTree(reader.ReadToEnd(), name, string.Empty, problems);
        var site = (root?.Find("sites")?.Value as ConfigList)?.Items.FirstOrDefault() as ConfigMap;
        return site?.Find("tariff")?.Value as ConfigMap
            ?? throw new InvalidOperationException($"preset '{name}' has no sites[0].tariff section");
    }
}
