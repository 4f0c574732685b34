using System.Globalization;
using System.Text.Json;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using static MqttBridge.TestSupport.OresundskraftAnswers;

namespace MqttBridge.IntegrationTests.Oresundskraft;

/// <summary>The real bridge with the Swedish time-tariff example and an Öresundskraft meter on a fake API, publishing to mosquitto.</summary>
public sealed class OresundskraftEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private const string Key = "e2e-subscription-key-9d1c";

    [Fact]
    public async Task Publishes_exactly_the_sums_and_max_hours_the_served_hours_imply()
    {
        using var mosquitto = await MosquittoBroker.StartAsync();
        using var fake = new FakeOresundskraft(TimeProvider.System.GetUtcNow) { ArrivesAt = TimeOnly.MinValue, SubscribedEffect = 16m };
        var now = TimeProvider.System.GetUtcNow();

        // What the served hours imply: 0.5 + 0.1 × hour index over every Swedish day before today (23, 24 or 25 hours).
        var today = LocalDay.Of(now, Stockholm).Date;
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        IEnumerable<decimal> Hours(DateOnly from, DateOnly to) =>
            Enumerable.Range(0, to.DayNumber - from.DayNumber).SelectMany(i => Day(from.AddDays(i), h => 0.5m + (0.1m * h)).Select(h => h.Kwh));
        static string Text(decimal? value) => value is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "None";
        var yesterday = Hours(today.AddDays(-1), today).ToList();
        var thisMonth = Hours(monthStart, today).ToList();
        var lastMonth = Hours(monthStart.AddMonths(-1), monthStart).ToList();

        var config = File.ReadAllText(RepoPaths.File("config/examples/sweden-time-tariff.yaml")) + $"""

                meter:
                  type: oresundskraft
                  subscription_key: {Key}
                  customer_number: "{Customer}"
                  base_url: {fake.Server.BaseUrl}
            """;
        using var bridge = BridgeProcess.Start(config, new Dictionary<string, string>
        {
            ["MQTTBRIDGE__MQTT__HOST"] = MosquittoBroker.Host,
            ["MQTTBRIDGE__MQTT__PORT"] = mosquitto.Port.ToString(CultureInfo.InvariantCulture),
        });

        var retained = await MosquittoSub.WaitUntilAsync(
            mosquitto.Port,
            r => r.ContainsKey("mqttbridge/hemma/yesterday_consumption") && r.ContainsKey("mqttbridge/hemma/subscribed_power"),
            Patience,
            "mqttbridge/#",
            "homeassistant/#");

        Assert.True(retained.ContainsKey("mqttbridge/hemma/yesterday_consumption"), bridge.Output);
        Assert.Equal(Text(yesterday.Sum()), retained["mqttbridge/hemma/yesterday_consumption"]);
        Assert.Equal(Text(thisMonth.Count == 0 ? null : thisMonth.Sum()), retained["mqttbridge/hemma/month_consumption"]);
        Assert.Equal(Text(thisMonth.Count == 0 ? null : thisMonth.Max()), retained["mqttbridge/hemma/month_max_hour"]);
        Assert.Equal(Text(lastMonth.Max()), retained["mqttbridge/hemma/last_month_max_hour"]);
        Assert.Equal("16", retained["mqttbridge/hemma/subscribed_power"]);
        using (var attributes = JsonDocument.Parse(retained["mqttbridge/hemma/yesterday_consumption/attributes"]))
        {
            Assert.Equal(yesterday.Count, attributes.RootElement.GetProperty("hours").GetInt32());
            Assert.True(attributes.RootElement.GetProperty("verified").GetBoolean());
        }

        // Data a day late: no today_consumption; no monthly readings in these answers: no last_month_consumption.
        using (var discovery = JsonDocument.Parse(retained["homeassistant/device/mqttbridge_hemma/config"]))
        {
            var components = discovery.RootElement.GetProperty("components").EnumerateObject().Select(c => c.Name).ToList();
            Assert.Contains("month_max_hour", components);
            Assert.DoesNotContain("today_consumption", components);
            Assert.DoesNotContain("last_month_consumption", components);
        }

        // One call; the key is sent, never shown; no customer or metering point number on any topic or in the log.
        var request = Assert.Single(fake.Server.Requests);
        Assert.Equal(Key, request.Header("Ocp-Apim-Subscription-Key"));
        Assert.Equal(Customer, request.QueryValue("customerNumbers"));
        Assert.DoesNotContain(Key, bridge.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(PointA, bridge.Output, StringComparison.Ordinal);
        if (fake.Server.Port.ToString(CultureInfo.InvariantCulture) != Customer && mosquitto.Port.ToString(CultureInfo.InvariantCulture) != Customer)
        {
            Assert.DoesNotContain(Customer, bridge.Output, StringComparison.Ordinal); // (unless a free port happens to be 58095)
        }
        Assert.DoesNotContain(retained, r => r.Value.Contains(Key, StringComparison.Ordinal) || r.Value.Contains(PointA, StringComparison.Ordinal) || r.Value.Contains(Customer, StringComparison.Ordinal));

        var required = "hemma:grid_price,hemma:yesterday_consumption,hemma:last_month_max_hour,hemma:subscribed_power" + (thisMonth.Count == 0 ? string.Empty : ",hemma:month_max_hour,hemma:month_consumption");
        await HaCheck.AssertAcceptsAsync(mosquitto.Port, required);
    }
}
