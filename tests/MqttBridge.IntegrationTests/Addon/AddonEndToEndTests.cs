using System.Net;
using System.Text.Json.Nodes;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.ElviaMeter;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using static MqttBridge.TestSupport.ElviaResponses;

namespace MqttBridge.IntegrationTests.Addon;

/// <summary>The real bridge in add-on mode: an options.json, a fake Supervisor on 127.0.0.1, a real mosquitto or the embedded broker.</summary>
public sealed class AddonEndToEndTests : IDisposable
{
    private const string Token = "e2e-supervisor-token";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string[] SiteTopics = ["mqttbridge/status", "homeassistant/device/mqttbridge_home/config", "mqttbridge/home/grid_price", "mqttbridge/home/price_level", "mqttbridge/home/prices"];

    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-addon-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool HasAll(Dictionary<string, string> retained) => SiteTopics.All(retained.ContainsKey) && retained["mqttbridge/status"] == "online";

    /// <summary>addon/config.yaml's default options, as the Supervisor writes them, with <paramref name="edit"/> applied.</summary>
    private string WriteOptions(Action<JsonObject>? edit = null)
    {
        var json = AddonOptionsJson.Defaults();
        edit?.Invoke(json);
        var path = Path.Combine(_dir, "options.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private Dictionary<string, string> AddonEnvironment(string optionsPath, string supervisorUrl) => new()
    {
        ["SUPERVISOR_TOKEN"] = Token,
        ["MQTTBRIDGE_OPTIONS_PATH"] = optionsPath,
        ["MQTTBRIDGE_SUPERVISOR_URL"] = supervisorUrl,
        ["MQTTBRIDGE__DATA_DIR"] = Path.Combine(_dir, "data"),
    };

    [Fact]
    public async Task Publishes_on_the_broker_the_supervisor_names()
    {
        using var mosquitto = await MosquittoBroker.StartAsync();
        using var supervisor = FakeSupervisorServer.WithBroker(mosquitto.Port);
        var environment = AddonEnvironment(WriteOptions(), supervisor.Url());
        using var bridge = BridgeProcess.Start(null, environment);

        var retained = await MosquittoSub.WaitUntilAsync(mosquitto.Port, HasAll, Patience);
        Assert.True(HasAll(retained), $"missing topics; got {string.Join(", ", retained.Keys)}\n{bridge.Output}");
        Assert.Equal([("/services/mqtt", "Bearer " + Token)], supervisor.Requests.Select(r => (r.Path, r.Header("Authorization"))));
        Assert.Contains($"broker 127.0.0.1:{mosquitto.Port}", bridge.Output, StringComparison.Ordinal);

        // The container's HEALTHCHECK: healthy while connected.
        await bridge.WaitForOutputAsync("Connected to MQTT broker", Patience);
        var health = await WaitForHealthAsync(environment);
        Assert.True(health.ExitCode == 0, health.Output);
    }

    [Fact]
    public async Task Without_an_mqtt_service_serves_the_sensors_on_the_embedded_broker_and_says_how_to_reach_it()
    {
        using var supervisor = FakeSupervisorServer.WithoutMqtt();
        var port = TestPorts.GetFree();
        var options = WriteOptions(o => o["embedded_broker"] = new JsonObject { ["port"] = port });
        using var bridge = BridgeProcess.Start(null, AddonEnvironment(options, supervisor.Url()));

        var retained = await MosquittoSub.WaitUntilAsync(port, HasAll, Patience);
        Assert.True(HasAll(retained), $"missing topics; got {string.Join(", ", retained.Keys)}\n{bridge.Output}");
        Assert.Contains($"No MQTT service from the Supervisor (GET {supervisor.Url()}/services/mqtt answered HTTP 400: No service 'mqtt' available); using the embedded broker", bridge.Output, StringComparison.Ordinal);
        Assert.Contains($"Embedded MQTT broker listening on 0.0.0.0:{port}", bridge.Output, StringComparison.Ordinal);
        Assert.Contains($"with broker {Dns.GetHostName()} and port {port} (no username or password)", bridge.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stores_the_meters_hours_in_home_assistant_through_the_supervisors_proxy_with_the_supervisor_token()
    {
        using var elvia = new FakeElvia(TimeProvider.System.GetUtcNow) { Lag = TimeSpan.Zero };
        using var supervisor = FakeSupervisorServer.WithHomeAssistant(Token);
        var port = TestPorts.GetFree();
        var options = WriteOptions(o =>
        {
            o["embedded_broker"] = new JsonObject { ["port"] = port };
            var site = o["sites"]![0]!.AsObject();
            site["meter_type"] = "elvia";
            site["token"] = "addon-meter-token";
            site["metering_point_id"] = MeteringPointId;
            site["meter_base_url"] = elvia.Server.BaseUrl;
        });
        var yesterday = LocalDay.Of(TimeProvider.System.GetUtcNow(), Oslo).Previous;
        var hours = (int)yesterday.Length.TotalHours;
        bool Stored(string id) => supervisor.Rows(id).Count(r => r.Start >= yesterday.Start && r.Start < yesterday.End) == hours;

        using (var bridge = BridgeProcess.Start(null, AddonEnvironment(options, supervisor.Url)))
        {
            var deadline = TimeProvider.System.GetUtcNow() + Patience;
            while (!(Stored("mqttbridge:home_consumption") && Stored("mqttbridge:home_cost")))
            {
                Assert.True(TimeProvider.System.GetUtcNow() < deadline && !bridge.HasExited, $"no statistics through the proxy:\n{bridge.Output}");
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            }

            Assert.Contains($"Home Assistant 2025.11.2 at ws://127.0.0.1:{supervisor.Port}/core/websocket: connected", bridge.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, bridge.Output, StringComparison.Ordinal);
            bridge.Signal(BridgeProcess.SigTerm);
            await bridge.WaitForExitAsync(TimeSpan.FromSeconds(15));
        }

        // The add-on's token, sent as the proxy reads it, on the Supervisor's REST API and on its WebSocket proxy alike.
        Assert.Equal([("/services/mqtt", "Bearer " + Token)], supervisor.HttpRequests);
        Assert.Equal(["auth"], supervisor.AuthTypes);
        var consumption = supervisor.Rows("mqttbridge:home_consumption").Where(r => r.Start >= yesterday.Start && r.Start < yesterday.End).ToList();
        Assert.Equal(Enumerable.Range(0, hours).Select(i => (double)Ramp(i)), consumption.Select(r => Math.Round(r.State, 6)));
        Assert.Empty(supervisor.Errors);
    }

    [Fact]
    public async Task Bad_options_stop_with_exit_code_2_and_name_the_option()
    {
        using var supervisor = FakeSupervisorServer.WithoutMqtt();
        var options = WriteOptions(o => o["sites"]![0]!["preset"] = "elvia_houshold");
        var (code, output) = await BridgeProcess.RunAsync(null, AddonEnvironment(options, supervisor.Url()), "check-config");

        Assert.Equal(2, code);
        Assert.Contains($"Configuration {options} has 1 problem:", output, StringComparison.Ordinal);
        Assert.Contains("  - sites[0].preset: 'elvia_houshold' is not a known preset; did you mean 'elvia_household'?", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_stop_the_start_with_exit_code_2_before_any_broker_is_announced()
    {
        using var supervisor = FakeSupervisorServer.WithoutMqtt();
        var options = WriteOptions(o => o["sites"]![0]!["preset"] = "elvia_houshold");
        var (code, output) = await BridgeProcess.RunAsync(null, AddonEnvironment(options, supervisor.Url()));

        Assert.Equal(2, code);
        Assert.Contains("  - sites[0].preset: 'elvia_houshold' is not a known preset", output, StringComparison.Ordinal);
        Assert.DoesNotContain("embedded broker", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_config_in_add_on_mode_does_not_contact_the_supervisor()
    {
        using var supervisor = FakeSupervisorServer.WithoutMqtt();
        var (code, output) = await BridgeProcess.RunAsync(null, AddonEnvironment(WriteOptions(), supervisor.Url()), "check-config");

        Assert.True(code == 0, output);
        Assert.Contains("is valid: 1 site(s): home (static tariff)", output, StringComparison.Ordinal);
        Assert.Empty(supervisor.Requests);
    }

    private static async Task<(int ExitCode, string Output)> WaitForHealthAsync(Dictionary<string, string> environment)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while (true)
        {
            var result = await BridgeProcess.RunAsync(null, environment, "health");
            if (result.ExitCode == 0 || TimeProvider.System.GetUtcNow() > deadline)
            {
                return result;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System);
        }
    }
}
