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

    /// <summary>
    /// The most values a document may hold once its aliases (<c>&amp;a</c> … <c>*a</c>) are expanded: 10 000 sites come to a
    /// few hundred thousand; a "billion laughs" document of nested aliases would otherwise fill a Raspberry Pi's memory.
    /// </summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>A copy of <paramref name="node"/>; throws <see cref="ConfigTooLargeException"/> past <see cref="MaxNodes"/>.</summary>
    public static ConfigNode FromYaml(YamlNode node) => FromYaml(node, new NodeBudget());

    private static ConfigNode FromYaml(YamlNode node, NodeBudget budget)
    {
        budget.Take();
        return node switch
        {
            YamlMappingNode map => ConfigMap.FromYaml(map, budget),
            YamlSequenceNode sequence => new ConfigList(sequence.Children.Select(child => FromYaml(child, budget))) { Line = LineOf(sequence) },
            YamlScalarNode scalar => new ConfigScalar(
                scalar.Value ?? string.Empty,
                scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any)
            {
                Line = LineOf(scalar),
            },

            // Aliases are resolved by YamlStream; anything else is treated as an empty value.
            _ => new ConfigScalar(string.Empty, isPlain: true) { Line = LineOf(node) },
        };
    }

    internal static int? LineOf(YamlNode node) => node.Start.Line > 0 ? (int)node.Start.Line : null;

    internal static ConfigNode FromYamlChild(YamlNode node, NodeBudget budget) => FromYaml(node, budget);

    /// <summary>Counts the nodes made from one document.</summary>
    internal sealed class NodeBudget
    {
        private int _left = MaxNodes;

        public void Take()
        {
            if (--_left < 0)
            {
                throw new ConfigTooLargeException();
            }
        }
    }
}

/// <summary>A document that expands to more than <see cref="ConfigNode.MaxNodes"/> values.</summary>
internal sealed class ConfigTooLargeException() : Exception($"it expands to more than {ConfigNode.MaxNodes:N0} values (nested YAML aliases?)");

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

    public static ConfigMap FromYaml(YamlMappingNode map, NodeBudget budget)
    {
        var result = new ConfigMap { Line = LineOf(map) };
        foreach (var (key, value) in map.Children)
        {
            // A non-scalar key (`? [a, b]: x`) has no name to validate; its text still shows up as an unknown key.
            var name = key is YamlScalarNode scalar ? scalar.Value ?? string.Empty : key.ToString();
            result.Entries.Add(new ConfigEntry(name, FromYamlChild(value, budget)) { KeyLine = LineOf(key) });
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
