using System.Globalization;
using System.Text.Json;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using static MqttBridge.TestSupport.ElviaResponses;

namespace MqttBridge.IntegrationTests.ElviaMeter;

/// <summary>
/// A site that stops publishing entities, across restarts of the real bridge on a real mosquitto: an Elvia meter with
/// production, then without, then no meter. A subscriber keeps Home Assistant's view: it applies every discovery
/// message in order as Home Assistant does (a component with only <c>platform</c> removes it; a missing one is ignored).
/// </summary>
public sealed class DiscoveryRetractionTests : IAsyncLifetime
{
    private const string Discovery = "homeassistant/device/mqttbridge_home/config";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private static readonly string[] Production = ["yesterday_production", "today_production", "month_production"];
    private static readonly string[] Meter = ["month_max_hour", "last_month_max_hour", "yesterday_consumption", "today_consumption", "month_consumption", "meter_problem", "capacity_step", "capacity_monthly_price", "capacity_next_step_kw"];

    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-retract-").FullName;
    private MosquittoBroker _mosquitto = null!;
    private TestSubscriber _homeAssistant = null!;

    public async Task InitializeAsync()
    {
        _mosquitto = await MosquittoBroker.StartAsync();
        _homeAssistant = await TestSubscriber.ConnectAsync(MosquittoBroker.Host, _mosquitto.Port, "homeassistant/#");
    }

    public async Task DisposeAsync()
    {
        await _homeAssistant.DisposeAsync();
        _mosquitto.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task After_each_restart_home_assistant_has_exactly_the_current_entities_and_no_stale_retained_value()
    {
        using var elvia = new FakeElvia(TimeProvider.System.GetUtcNow) { Lag = TimeSpan.Zero };
        var meter = $"""
                meter:
                  type: elvia
                  token: retract-secret-token
                  metering_point_id: "{MeteringPointId}"
                  base_url: {elvia.Server.BaseUrl}
            """;

        var withProduction = await RunAsync(meter + "\n      include_production: true", e => Production.All(e.Contains));
        Assert.Superset(Production.Concat(Meter).ToHashSet(), withProduction);

        var withoutProduction = await RunAsync(meter + "\n      include_production: false", e => !e.Overlaps(Production));
        Assert.Superset(Meter.ToHashSet(), withoutProduction);
        Assert.Equal(1, _homeAssistant.Messages.Count(m => m.Topic == Discovery && IsRemoval(m.Payload, "today_production")));

        var tariffOnly = await RunAsync(string.Empty, e => !e.Overlaps(Meter));
        Assert.Contains("grid_price", tariffOnly);
        Assert.Equal(1, _homeAssistant.Messages.Count(m => m.Topic == Discovery && IsRemoval(m.Payload, "month_max_hour")));
    }

    /// <summary>
    /// Runs the bridge with the default config plus <paramref name="meter"/> until Home Assistant's view satisfies
    /// <paramref name="settled"/>, checks that view against the retained state, stops the bridge, and returns the view.
    /// </summary>
    private async Task<HashSet<string>> RunAsync(string meter, Func<HashSet<string>, bool> settled)
    {
        var config = File.ReadAllText(RepoPaths.File("config/mqttbridge.yaml")) + meter;
        using var bridge = BridgeProcess.Start(config, new Dictionary<string, string>
        {
            ["MQTTBRIDGE__MQTT__HOST"] = MosquittoBroker.Host,
            ["MQTTBRIDGE__MQTT__PORT"] = _mosquitto.Port.ToString(CultureInfo.InvariantCulture),
            ["MQTTBRIDGE__DATA_DIR"] = _dataDir,
        });
        await _homeAssistant.WaitUntilAsync(() => settled(Entities()) && Entities().Count > 0, "Home Assistant's entities to settle", Patience);

        // Exactly the current entities: those of the retained discovery, each with its state; no other retained state.
        var entities = Entities();
        var retained = await MosquittoSub.WaitUntilAsync(
            _mosquitto.Port,
            r => r.TryGetValue(Discovery, out var d) && Components(d).SetEquals(entities) && StateKeys(r).SetEquals(entities),
            Patience,
            "homeassistant/#",
            "mqttbridge/#");
        Assert.True(Components(retained[Discovery]).SetEquals(entities), $"retained discovery {retained[Discovery]}, Home Assistant has {string.Join(", ", entities)}\n{bridge.Output}");
        Assert.Equal(entities.Order(), StateKeys(retained).Order());
        await HaCheck.AssertAcceptsAsync(_mosquitto.Port, "home:grid_price");

        bridge.Signal(BridgeProcess.SigTerm);
        Assert.Equal(0, await bridge.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        return entities;
    }

    /// <summary>Home Assistant's entities of the device, from every discovery message so far, in order.</summary>
    private HashSet<string> Entities()
    {
        var entities = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in _homeAssistant.Messages.Where(m => m.Topic == Discovery))
        {
            if (message.Payload.Length == 0)
            {
                entities.Clear();
                continue;
            }

            using var doc = JsonDocument.Parse(message.Payload);
            foreach (var component in doc.RootElement.GetProperty("components").EnumerateObject())
            {
                if (component.Value.EnumerateObject().Select(p => p.Name).SequenceEqual(["platform"]))
                {
                    entities.Remove(component.Name);
                }
                else
                {
                    entities.Add(component.Name);
                }
            }
        }

        return entities;
    }

    private static HashSet<string> Components(string discovery)
    {
        using var doc = JsonDocument.Parse(discovery);
        return doc.RootElement.GetProperty("components").EnumerateObject().Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Sensor keys with a retained state under mqttbridge/home/ (not the planner topics).</summary>
    private static HashSet<string> StateKeys(Dictionary<string, string> retained) =>
        retained.Keys.Where(t => t.StartsWith("mqttbridge/home/", StringComparison.Ordinal))
            .Select(t => t["mqttbridge/home/".Length..].Split('/')[0])
            .Where(k => k is not ("prices" or "evcc"))
            .ToHashSet(StringComparer.Ordinal);

    private static bool IsRemoval(string payload, string component)
    {
        if (payload.Length == 0)
        {
            return false;
        }

        using var doc = JsonDocument.Parse(payload);
        return doc.RootElement.GetProperty("components").TryGetProperty(component, out var c)
            && c.EnumerateObject().Select(p => p.Name).SequenceEqual(["platform"]);
    }
}
