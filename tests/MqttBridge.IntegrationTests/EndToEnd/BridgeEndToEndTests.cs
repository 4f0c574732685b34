using MqttBridge.TestSupport;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.Mqtt;
using MqttBridge.Sources.Static;

namespace MqttBridge.IntegrationTests.EndToEnd;

/// <summary>The real bridge process, as a user runs it, against the embedded broker and a real mosquitto.</summary>
public sealed class BridgeEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly string[] SiteTopics =
    [
        "mqttbridge/status",
        "homeassistant/device/mqttbridge_home/config",
        "mqttbridge/home/grid_price",
        "mqttbridge/home/grid_price/attributes",
        "mqttbridge/home/price_level",
        "mqttbridge/home/next_hour_price",
        "mqttbridge/home/next_hour_price/attributes",
        "mqttbridge/home/prices",
        "mqttbridge/home/evcc/forecast",
        "mqttbridge/bridge/info",
    ];

    private static string DefaultConfig => File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "mqttbridge.yaml"));

    private static string ExternalBrokerConfig(int port) => DefaultConfig.Replace("host: \"\"", $"host: 127.0.0.1\n  # test broker\n", StringComparison.Ordinal)
        .Replace("  port: 1883\n  base_topic", $"  port: {port.ToString(CultureInfo.InvariantCulture)}\n  base_topic", StringComparison.Ordinal);

    private static bool HasAll(Dictionary<string, string> retained) => SiteTopics.All(retained.ContainsKey) && retained["mqttbridge/status"] == "online";

    /// <summary>What the default tariff says for now, computed independently of the running bridge.</summary>
    private static (string Price, string Level) ExpectedNow()
    {
        var options = ConfigLoader.Load(Path.Combine(RepoPaths.Root, "config", "mqttbridge.yaml"), new Dictionary<string, string?>()).Options!;
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
        var now = TimeProvider.System.GetUtcNow();
        var slot = new StaticTariff(options.Sites[0].Tariff.Static()!, zone).CurveFor(LocalDay.Of(now, zone)).At(now)!;
        return (slot.Price.ToString("0.######", CultureInfo.InvariantCulture), slot.Level!.Value.ToOption());
    }

    [Fact]
    public async Task Default_config_serves_home_assistant_discovery_and_the_tariff_on_the_embedded_broker()
    {
        var port = TestPorts.GetFree();
        using var bridge = BridgeProcess.Start(DefaultConfig, new Dictionary<string, string> { ["MQTTBRIDGE__EMBEDDED_BROKER__PORT"] = port.ToString(CultureInfo.InvariantCulture) });

        // mosquitto_sub sends an empty client id with MQTT 3.1.1: the embedded broker must accept it.
        var retained = await MosquittoSub.WaitUntilAsync(port, HasAll, Patience);
        Assert.True(HasAll(retained), $"missing topics; got {string.Join(", ", retained.Keys)}\n{bridge.Output}");

        var (price, level) = ExpectedNow();
        if (retained["mqttbridge/home/grid_price"] != price)
        {
            // A slot boundary may fall between the two readings: read both again once.
            retained = await MosquittoSub.ReadRetainedAsync(port, 1, "mqttbridge/#");
            (price, level) = ExpectedNow();
        }

        Assert.Equal(price, retained["mqttbridge/home/grid_price"]);
        Assert.Equal(level, retained["mqttbridge/home/price_level"]);
        using var discovery = JsonDocument.Parse(retained["homeassistant/device/mqttbridge_home/config"]);
        Assert.Equal("NOK/kWh", discovery.RootElement.GetProperty("components").GetProperty("grid_price").GetProperty("unit_of_measurement").GetString());
        using var info = JsonDocument.Parse(retained["mqttbridge/bridge/info"]);
        Assert.Equal("home", info.RootElement.GetProperty("sites")[0].GetProperty("id").GetString());

        await AssertHomeAssistantAcceptsAsync(port);
    }

    [Fact]
    public async Task External_broker_gets_everything_and_offline_after_sigterm()
    {
        var (mosquitto, bridge) = await RunningOnMosquittoAsync();
        using var broker = mosquitto;
        using var process = bridge;

        var stopwatch = Stopwatch.StartNew();
        bridge.Signal(BridgeProcess.SigTerm);
        var exit = await bridge.WaitForExitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, exit);
        var after = await MosquittoSub.ReadRetainedAsync(mosquitto.Port, 1, "mqttbridge/status");
        Assert.Equal("offline", after["mqttbridge/status"]);
    }

    [Fact]
    public async Task Broker_publishes_offline_as_will_when_the_process_dies()
    {
        var (mosquitto, bridge) = await RunningOnMosquittoAsync();
        using var broker = mosquitto;
        using var process = bridge;

        bridge.Signal(BridgeProcess.SigKill);
        await bridge.WaitForExitAsync(TimeSpan.FromSeconds(10));

        var after = await MosquittoSub.WaitUntilAsync(mosquitto.Port, r => r.GetValueOrDefault("mqttbridge/status") == "offline", Patience, "mqttbridge/status");
        Assert.Equal("offline", after["mqttbridge/status"]);
    }

    [Fact]
    public async Task Restarted_broker_gets_everything_back()
    {
        var (mosquitto, bridge) = await RunningOnMosquittoAsync();
        using var broker = mosquitto;
        using var process = bridge;

        // mosquitto runs without persistence: after the restart it holds nothing until the bridge re-publishes.
        mosquitto.Stop();
        await mosquitto.StartAgainAsync();

        var retained = await MosquittoSub.WaitUntilAsync(mosquitto.Port, HasAll, Patience);
        Assert.True(HasAll(retained), $"after restart got {string.Join(", ", retained.Keys)}\n{bridge.Output}");
        Assert.False(bridge.HasExited);
    }

    [Fact]
    public async Task Home_assistant_birth_message_brings_discovery_back()
    {
        var (mosquitto, bridge) = await RunningOnMosquittoAsync();
        using var broker = mosquitto;
        using var process = bridge;

        // Someone wiped the retained discovery; Home Assistant restarts and announces itself.
        await MosquittoSub.PublishAsync(mosquitto.Port, "homeassistant/device/mqttbridge_home/config", string.Empty, retain: true);
        Assert.DoesNotContain("homeassistant/device/mqttbridge_home/config", await MosquittoSub.ReadRetainedAsync(mosquitto.Port, 1, "homeassistant/#"));
        await MosquittoSub.PublishAsync(mosquitto.Port, "homeassistant/status", "online", retain: false);

        var retained = await MosquittoSub.WaitUntilAsync(mosquitto.Port, r => r.ContainsKey("homeassistant/device/mqttbridge_home/config"), Patience, "homeassistant/#");
        Assert.True(retained.ContainsKey("homeassistant/device/mqttbridge_home/config"), bridge.Output);
    }

    [Fact]
    public async Task Removed_site_is_cleared_at_start()
    {
        using var mosquitto = await MosquittoBroker.StartAsync();
        var twoSites = ExternalBrokerConfig(mosquitto.Port) + """
              - id: cabin
                name: Cabin
                tariff:
                  type: static
                  currency: NOK
                  bands:
                    - name: Flat
                      price: 0.5

            """;
        using (var first = BridgeProcess.Start(twoSites))
        {
            Assert.True((await MosquittoSub.WaitUntilAsync(mosquitto.Port, r => r.ContainsKey("mqttbridge/cabin/grid_price") && HasAll(r), Patience)).ContainsKey("mqttbridge/cabin/grid_price"), first.Output);
            first.Signal(BridgeProcess.SigTerm);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        using var second = BridgeProcess.Start(ExternalBrokerConfig(mosquitto.Port));
        // The clears go out together (several publishes in flight): wait for all of them, not for the first two.
        var retained = await MosquittoSub.WaitUntilAsync(
            mosquitto.Port,
            r => HasAll(r) && !r.ContainsKey("homeassistant/device/mqttbridge_cabin/config") && !r.Keys.Any(t => t.StartsWith("mqttbridge/cabin/", StringComparison.Ordinal)),
            Patience);
        Assert.DoesNotContain("homeassistant/device/mqttbridge_cabin/config", retained.Keys);
        Assert.DoesNotContain(retained.Keys, t => t.StartsWith("mqttbridge/cabin/", StringComparison.Ordinal));
        Assert.True(HasAll(retained), second.Output);
    }

    [Theory]
    [InlineData("  port: 1883\n  base_topic", "  port: abc\n  base_topic", "mqtt.port")]
    [InlineData("  base_topic: mqttbridge", "  base_topik: mqttbridge", "did you mean 'base_topic'")]
    [InlineData("  - id: home\n", "  - name_only: x\n", "sites[0].id")]
    public async Task Bad_config_exits_2_naming_the_key(string find, string replace, string expected)
    {
        var config = DefaultConfig.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(DefaultConfig, config);

        var (code, output) = await BridgeProcess.RunAsync(config);

        Assert.Equal(2, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_config_accepts_the_shipped_default_and_examples()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "config"), "*.yaml", SearchOption.AllDirectories))
        {
            var (code, output) = await BridgeProcess.RunAsync(null, null, "check-config", "--config", file);
            Assert.True(code == 0, $"{file}: {output}");
            Assert.Contains("is valid", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Started_outside_the_repository_it_finds_the_default_config_shipped_with_it()
    {
        // BridgeProcess runs in an empty temp folder: no config/mqttbridge.yaml there.
        var (code, output) = await BridgeProcess.RunAsync(null, null, "check-config");

        Assert.True(code == 0, output);
        Assert.Contains("is valid: 1 site(s): home (static tariff)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Busy_embedded_broker_port_exits_1_with_a_clear_message()
    {
        using var mosquitto = await MosquittoBroker.StartAsync();
        var (code, output) = await BridgeProcess.RunAsync(DefaultConfig, new Dictionary<string, string> { ["MQTTBRIDGE__EMBEDDED_BROKER__PORT"] = mosquitto.Port.ToString(CultureInfo.InvariantCulture) });

        Assert.Equal(1, code);
        Assert.Contains("embedded_broker.port", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    /// <summary>A real mosquitto on a free port and the bridge on it with the default config, once everything is retained.</summary>
    private static async Task<(MosquittoBroker Mosquitto, BridgeProcess Bridge)> RunningOnMosquittoAsync()
    {
        var mosquitto = await MosquittoBroker.StartAsync();
        var bridge = BridgeProcess.Start(ExternalBrokerConfig(mosquitto.Port));
        var retained = await MosquittoSub.WaitUntilAsync(mosquitto.Port, HasAll, Patience);
        Assert.True(HasAll(retained), $"got {string.Join(", ", retained.Keys)}\n{bridge.Output}");
        return (mosquitto, bridge);
    }

    private static Task AssertHomeAssistantAcceptsAsync(int port) => HaCheck.AssertAcceptsAsync(port, "home:grid_price,home:price_level,home:next_hour_price");
}
