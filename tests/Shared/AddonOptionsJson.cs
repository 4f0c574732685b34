using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace MqttBridge.TestSupport;

/// <summary>addon/config.yaml's default options as the Supervisor writes them to /data/options.json. Linked into both test projects.</summary>
internal static class AddonOptionsJson
{
    public static YamlMappingNode Manifest()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(RepoPaths.File("addon/config.yaml"))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static JsonObject Defaults() => ToJson(Manifest().Children[new YamlScalarNode("options")])!.AsObject();

    /// <summary>YAML → JSON as the Supervisor stores it: plain numbers and booleans stay numbers and booleans.</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(e => KeyValuePair.Create(((YamlScalarNode)e.Key).Value!, ToJson(e.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } flag => JsonValue.Create(flag.Value == "true"),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when decimal.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };
}
