using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MqttBridge.Addon;
using MqttBridge.Configuration;
using YamlDotNet.RepresentationModel;

namespace MqttBridge.Tests.Addon;

/// <summary>Runs the add-on loader on an options.json text with a fake Supervisor (no network).</summary>
internal static class AddonTestKit
{
    public const string Token = "test-supervisor-token";

    public static YamlMappingNode AddonConfig()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(RepoPaths.File("addon/config.yaml"))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The add-on's default options as the Supervisor writes them to /data/options.json.</summary>
    public static string DefaultOptionsJson() => ToJson(AddonConfig().Children[new YamlScalarNode("options")]);

    /// <summary>YAML → JSON as the Supervisor would store it: plain numbers and booleans stay numbers and booleans.</summary>
    public static string ToJson(YamlNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static async Task<AddonConfigResult> LoadAsync(string optionsJson, FakeSupervisor supervisor, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("mqttbridge-addon-").FullName, "options.json");
        await File.WriteAllTextAsync(path, optionsJson);
        try
        {
            using var http = new HttpClient(supervisor) { BaseAddress = new Uri("http://supervisor/") };
            var settings = new AddonSettings(path, http.BaseAddress, Token);
            return await AddonConfigLoader.LoadAsync(settings, environment ?? new Dictionary<string, string?>(), new SupervisorClient(http, Token), CancellationToken.None);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    public static IReadOnlyList<string> Problems(AddonConfigResult result) => [.. result.Config.Problems.Select(p => p.ToString())];

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value!);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode list:
                writer.WriteStartArray();
                foreach (var item in list.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when scalar.Value is "true" or "false":
                writer.WriteBooleanValue(scalar.Value == "true");
                break;
            case YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when decimal.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                writer.WriteNumberValue(number);
                break;
            case YamlScalarNode scalar:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }
}

/// <summary>The Supervisor's <c>/services/mqtt</c> as a message handler: answers what the test says and records the calls.</summary>
internal sealed class FakeSupervisor(HttpStatusCode status, string body) : HttpMessageHandler
{
    public const string Mosquitto = """{"result":"ok","data":{"addon":"core_mosquitto","host":"core-mosquitto","port":"1883","ssl":false,"protocol":"3.1.1","username":"addons","password":"s3cret"}}""";
    public const string NoService = """{"result":"error","message":"No service 'mqtt' available","data":{}}""";

    public List<(string Path, string? Authorization)> Calls { get; } = [];

    public Exception? Throw { get; init; }

    public static FakeSupervisor WithMosquitto() => new(HttpStatusCode.OK, Mosquitto);

    public static FakeSupervisor WithoutMqtt() => new(HttpStatusCode.BadRequest, NoService);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Calls.Add((request.RequestUri!.AbsolutePath, request.Headers.Authorization?.ToString()));
        if (Throw is not null)
        {
            throw Throw;
        }

        return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
