using System.Text.Json;
using MqttBridge.Domain;
using MqttBridge.Sensors;
using MqttBridge.Sources.Eloverblik;
using static MqttBridge.TestSupport.EloverblikResponses;

namespace MqttBridge.Tests.Eloverblik;

/// <summary>What a Danish site publishes, from what the Eloverblik modules declare and hand over (no type name asked).</summary>
public sealed class EloverblikSensorTests
{
    private static readonly Topics Topics = new("mqttbridge", "homeassistant");
    private static readonly DiagnosticDefinition TokenExpires = new("token_expires", "Eloverblik token expires", DiagnosticKind.Timestamp);

    private static Dictionary<string, string> Render(DateTimeOffset now)
    {
        var charges = EloverblikMapper.MapCharges(EloverblikMapper.Item(JsonSerializer.Deserialize(RadiusCharges(), EloverblikJsonContext.Default.EnvelopeChargesDto)!, MeteringPointId, "getcharges")!.Result);
        var diagnostics = new Dictionary<string, DiagnosticValue> { ["token_expires"] = new(At: At(2027, 2, 1, 12)) };
        var tariff = new SourceReport(SourceRole.Tariff, "eloverblik", SourceCapabilities.PriceCurve | SourceCapabilities.SubscriptionPrice)
        {
            Currency = "DKK",
            Diagnostics = [TokenExpires],
            TariffData = new TariffSnapshot(EloverblikMapper.Curve(charges, LocalDay.Of(now, Copenhagen), 3, 0.25m), null, now, now.AddHours(1))
            {
                SubscriptionMonthly = EloverblikMapper.MonthlyAt(charges, now, 0.25m),
                Diagnostics = diagnostics,
            },
            LastGoodFetch = now,
        };
        var yesterday = LocalDay.Of(now, Copenhagen).Previous;
        var readings = Enumerable.Range(0, 24).Select(h => new MeterReading(yesterday.Start.AddHours(h), yesterday.Start.AddHours(h + 1), 0.5m));
        var meter = new SourceReport(SourceRole.Meter, "eloverblik", SourceCapabilities.Consumption | SourceCapabilities.MonthMax)
        {
            Diagnostics = [TokenExpires],
            MeterData = new MeterSnapshot(new ConsumptionSeries(readings), null, now, now.AddHours(1)) { Diagnostics = diagnostics },
            LastGoodFetch = now,
        };
        var view = new SiteView("home", "Home", Copenhagen, tariff, meter);
        return SiteSensors.Render(view, now, Topics, "0.1.0").ToDictionary(m => m.Key, m => m.Value);
    }

    [Fact]
    public void A_danish_site_has_the_grid_price_in_dkk_the_monthly_subscription_and_no_today_consumption()
    {
        var messages = Render(At(2026, 11, 23, 18, 10));

        Assert.Equal("1.4125", messages["mqttbridge/home/grid_price"]); // (0.30 + 0.83) × 1.25
        Assert.Equal("31.25", messages["mqttbridge/home/subscription_monthly_price"]);
        Assert.Equal("12", messages["mqttbridge/home/yesterday_consumption"]);
        Assert.Equal("ON", messages["mqttbridge/home/tomorrow_available"]);
        Assert.False(messages.ContainsKey("mqttbridge/home/today_consumption"));
        Assert.Equal("2027-02-01T12:00:00+01:00", messages["mqttbridge/home/token_expires"]);

        using var discovery = JsonDocument.Parse(messages["homeassistant/device/mqttbridge_home/config"]);
        var components = discovery.RootElement.GetProperty("components");
        Assert.Equal("DKK/kWh", components.GetProperty("grid_price").GetProperty("unit_of_measurement").GetString());
        Assert.Equal("DKK/month", components.GetProperty("subscription_monthly_price").GetProperty("unit_of_measurement").GetString());
        Assert.False(components.TryGetProperty("today_consumption", out _));
        Assert.True(components.TryGetProperty("month_consumption", out _));
        Assert.Equal("timestamp", components.GetProperty("token_expires").GetProperty("device_class").GetString());
        Assert.Single(components.EnumerateObject(), c => c.Name == "token_expires");
    }
}
