using System.Net;
using System.Text;
using MqttBridge.Addon;
using YamlDotNet.RepresentationModel;

namespace MqttBridge.Tests.Addon;

/// <summary>Runs the add-on loader on an options.json text with a fake Supervisor (no network).</summary>
internal static class AddonTestKit
{
    public const string Token = "test-supervisor-token";

    public static YamlMappingNode AddonConfig() => AddonOptionsJson.Manifest();

    /// <summary>A YAML file's top-level mapping (repository.yaml, config.yaml).</summary>
    public static YamlMappingNode Yaml(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The add-on's default options as the Supervisor writes them to /data/options.json.</summary>
    public static string DefaultOptionsJson() => AddonOptionsJson.Defaults().ToJsonString();

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
