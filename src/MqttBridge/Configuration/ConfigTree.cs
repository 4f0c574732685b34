using YamlDotNet.RepresentationModel;

namespace MqttBridge.Configuration;

/// <summary>
/// A mutable copy of the YAML document: environment overrides edit it before validation,
/// and every node remembers where it came from (a YAML line or an environment variable).
/// </summary>
internal abstract class ConfigNode
{
    /// <summary>1-based YAML line; null for nodes made from environment variables.</summary>
    public int? Line { get; init; }

    /// <summary>The environment variable that set this node, if any.</summary>
    public string? Variable { get; init; }

    public abstract string Kind { get; }

    public static ConfigNode FromYaml(YamlNode node) => node switch
    {
        YamlMappingNode map => ConfigMap.FromYaml(map),
        YamlSequenceNode sequence => new ConfigList(sequence.Children.Select(FromYaml)) { Line = LineOf(sequence) },
        YamlScalarNode scalar => new ConfigScalar(
            scalar.Value ?? string.Empty,
            scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any)
        {
            Line = LineOf(scalar),
        },
        // Aliases are resolved by YamlStream; anything else is treated as an empty value.
        _ => new ConfigScalar(string.Empty, isPlain: true) { Line = LineOf(node) },
    };

    internal static int? LineOf(YamlNode node) => node.Start.Line > 0 ? (int)node.Start.Line : null;
}

internal sealed class ConfigEntry(string key, ConfigNode value)
{
    public string Key { get; } = key;

    public ConfigNode Value { get; set; } = value;

    /// <summary>Line of the key itself (where an unknown key is reported).</summary>
    public int? KeyLine { get; init; }

    public string? Variable { get; init; }
}

internal sealed class ConfigMap : ConfigNode
{
    public List<ConfigEntry> Entries { get; } = [];

    public override string Kind => "a section";

    public ConfigEntry? Find(string key) => Entries.Find(e => e.Key == key);

    public static ConfigMap FromYaml(YamlMappingNode map)
    {
        var result = new ConfigMap { Line = LineOf(map) };
        foreach (var (key, value) in map.Children)
        {
            // A non-scalar key (`? [a, b]: x`) has no name to validate; its text still shows up as an unknown key.
            var name = key is YamlScalarNode scalar ? scalar.Value ?? string.Empty : key.ToString();
            result.Entries.Add(new ConfigEntry(name, FromYaml(value)) { KeyLine = LineOf(key) });
        }

        return result;
    }
}

internal sealed class ConfigList(IEnumerable<ConfigNode> items) : ConfigNode
{
    public List<ConfigNode> Items { get; } = [.. items];

    public override string Kind => "a list";
}

internal sealed class ConfigScalar(string value, bool isPlain) : ConfigNode
{
    public string Value { get; } = value;

    /// <summary>False for quoted text: <c>"null"</c> is the word, not an absent value.</summary>
    public bool IsPlain { get; } = isPlain;

    /// <summary>YAML's null: an empty plain value, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => IsPlain && (Value.Length == 0 || Value == "~" || Value.Equals("null", StringComparison.OrdinalIgnoreCase));

    public override string Kind => "a single value";
}
