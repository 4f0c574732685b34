using MqttBridge.Configuration;
using MqttBridge.Mqtt;
using MqttBridge.Sensors;
using Microsoft.Extensions.Logging.Abstractions;

namespace MqttBridge.Tests.Sensors;

/// <summary>Ids and clean-up when several bridges share one broker, and what a site that drops entities retracts.</summary>
public sealed class DiscoveryOwnershipTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-ids-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Config(string baseTopic, string device, params (string Key, string Platform, bool Attributes)[] components)
    {
        var parts = components.Select(c =>
            "\"" + c.Key + "\":{\"platform\":\"" + c.Platform + "\",\"unique_id\":\"" + device + "_" + c.Key + "\",\"state_topic\":\"" + baseTopic + "/" + device.Split('_')[^1] + "/" + c.Key + "\""
            + (c.Attributes ? ",\"json_attributes_topic\":\"" + baseTopic + "/" + device.Split('_')[^1] + "/" + c.Key + "/attributes\"" : string.Empty) + "}");
        return "{\"device\":{\"identifiers\":[\"" + device + "\"],\"name\":\"Home\"},\"origin\":{\"name\":\"MqttBridge\",\"sw_version\":\"1\"},\"availability_topic\":\""
            + baseTopic + "/status\",\"components\":{" + string.Join(",", parts) + "}}";
    }

    [Theory]
    [InlineData("mqttbridge", "mqttbridge_home", "homeassistant/device/mqttbridge_home/config")]
    [InlineData("bridge_a", "mqttbridge_bridge_a_home", "homeassistant/device/mqttbridge_bridge_a_home/config")]
    [InlineData("House-B/mqtt", "mqttbridge_house_b_mqtt_home", "homeassistant/device/mqttbridge_house_b_mqtt_home/config")]
    public void The_default_base_topic_keeps_todays_ids_and_others_carry_their_base_topic(string baseTopic, string device, string discovery)
    {
        var topics = new Topics(baseTopic, "homeassistant");

        Assert.Equal(device, topics.DeviceId("home"));
        Assert.Equal(discovery, topics.Discovery("home"));
    }

    [Fact]
    public void Start_up_clean_up_never_touches_another_bridges_sites_and_clears_its_own_removed_ones()
    {
        var topics = new Topics("mqttbridge", "homeassistant");
        var retained = new Dictionary<string, string>
        {
            ["homeassistant/device/mqttbridge_home/config"] = Config("mqttbridge", "mqttbridge_home", ("grid_price", "sensor", true)),
            ["homeassistant/device/mqttbridge_cabin/config"] = Config("mqttbridge", "mqttbridge_cabin", ("grid_price", "sensor", true)),
            ["homeassistant/device/mqttbridge_bridge_b_home/config"] = Config("bridge_b", "mqttbridge_bridge_b_home", ("grid_price", "sensor", true)),
        };

        var clear = StaleDiscovery.TopicsToClear(retained, new HashSet<string> { "home" }, topics);

        Assert.Equal(
            ["homeassistant/device/mqttbridge_cabin/config", "mqttbridge/cabin/grid_price", "mqttbridge/cabin/prices", "mqttbridge/cabin/evcc/forecast", "mqttbridge/cabin/grid_price/attributes"],
            clear);
    }

    [Fact]
    public void A_dropped_component_is_retracted_in_home_assistants_removal_form_and_its_topics_cleared()
    {
        var topics = new Topics("mqttbridge", "homeassistant");
        var before = Config("mqttbridge", "mqttbridge_home", ("grid_price", "sensor", true), ("month_max_hour", "sensor", true), ("meter_problem", "binary_sensor", true));
        var after = Config("mqttbridge", "mqttbridge_home", ("grid_price", "sensor", true));

        var retraction = StaleDiscovery.Retract(before, after, topics)!;

        using var removal = System.Text.Json.JsonDocument.Parse(retraction.RemovalPayload);
        var components = removal.RootElement.GetProperty("components");
        Assert.Equal("""{"platform":"sensor"}""", components.GetProperty("month_max_hour").GetRawText());
        Assert.Equal("""{"platform":"binary_sensor"}""", components.GetProperty("meter_problem").GetRawText());
        Assert.Equal("mqttbridge_home_grid_price", components.GetProperty("grid_price").GetProperty("unique_id").GetString());
        Assert.Equal(["month_max_hour", "meter_problem"], retraction.Removed);
        Assert.Equal(["mqttbridge/home/month_max_hour", "mqttbridge/home/month_max_hour/attributes", "mqttbridge/home/meter_problem", "mqttbridge/home/meter_problem/attributes"], retraction.TopicsToClear);
        Assert.Null(StaleDiscovery.Retract(after, before, topics));
        Assert.Null(StaleDiscovery.Retract(Config("bridge_b", "mqttbridge_home", ("x", "sensor", false)), after, topics));
    }

    [Fact]
    public void The_client_id_is_the_configured_one_or_this_installations_own_kept_across_restarts()
    {
        var a = Path.Combine(_dir, "a");
        var b = Path.Combine(_dir, "b");

        var first = ClientIdentity.Resolve(new MqttOptions(), a, NullLogger.Instance);
        var again = ClientIdentity.Resolve(new MqttOptions(), a, NullLogger.Instance);
        var other = ClientIdentity.Resolve(new MqttOptions(), b, NullLogger.Instance);

        Assert.Matches("^mqttbridge-[0-9a-f]{12}$", first);
        Assert.Equal(first, again);
        Assert.Equal(first, File.ReadAllText(Path.Combine(a, ClientIdentity.FileName)).Trim());
        Assert.NotEqual(first, other);
        Assert.Equal("garage", ClientIdentity.Resolve(new MqttOptions { ClientId = "garage" }, a, NullLogger.Instance));
    }

    [Fact]
    public void Three_short_connections_in_a_row_are_told_once_until_one_lasts()
    {
        var watch = new TakeoverWatch();
        var told = new List<bool>();
        foreach (var seconds in (int[])[2, 1, 3, 2, 1, 600, 2, 2, 2])
        {
            told.Add(watch.Ended(TimeSpan.FromSeconds(seconds)));
        }

        Assert.Equal([false, false, true, false, false, false, false, false, true], told);
    }
}
