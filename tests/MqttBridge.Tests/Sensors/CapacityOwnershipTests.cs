using MqttBridge.Sources.ElviaMeter;
using MqttBridge.Sources.Digin;
using System.Text.Json;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using static MqttBridge.Tests.Support.TestCurves;

namespace MqttBridge.Tests.Sensors;

/// <summary>A DIGIN tariff states a capacity step; a meter measures the month max-hour. One of them owns capacity_step.</summary>
public sealed class CapacityOwnershipTests
{
    private static readonly Topics Topics = new("mqttbridge", "homeassistant");

    private static readonly FixedPrice Elvia = new(
        "NOK",
        "monthlymax",
        [
            new FixedPriceStep(0m, 2m, "kWh/h", 150m),
            new FixedPriceStep(2m, 5m, "kWh/h", 250m),
            new FixedPriceStep(5m, 10m, "kWh/h", 420m),
            new FixedPriceStep(10m, null, "kWh/h", 585m),
        ],
        Current: new FixedPriceStep(2m, 5m, "kWh/h", 250m),
        PerHour: PriceCurve.Empty("NOK"));

    private static IReadOnlyList<KeyValuePair<string, string>> RenderAll(bool withMeter)
    {
        var now = Local(2026, 11, 23, 12);
        var site = new SiteOptions
        {
            Id = "home",
            Name = "Home",
            TimeZone = "Europe/Oslo",
            Tariff = new DiginTariffOptions { ApiKey = "k", MeteringPointId = "707057500000000001", BaseUrl = "https://elvia.azure-api.net/grid-tariff" },
            Meter = withMeter ? new ElviaMeterOptions { Token = "t" } : null,
        };
        var curve = Days(new DateOnly(2026, 11, 23), 2, 60, _ => 0.4m);
        var tariff = new TariffSnapshot(curve, Elvia.AsLadder(), now, now.AddDays(1)) { Fixed = Elvia };
        var peaks = new[] { new MeterReading(Local(2026, 11, 3, 18), Local(2026, 11, 3, 19), 6.1m) };
        var meter = withMeter ? new MeterSnapshot(new ConsumptionSeries([]), new MonthMax(2026, 11, 6.1m, peaks), now, now.AddHours(1)) : null;
        return SiteSensors.Render(View(site, tariff, meter, now), now, Topics, "0.1.0");
    }

    private static Dictionary<string, string> Render(bool withMeter) => RenderAll(withMeter).ToDictionary(m => m.Key, m => m.Value);

    [Fact]
    public void Without_a_meter_the_step_is_the_one_the_api_states()
    {
        var messages = Render(withMeter: false);

        Assert.Equal("2", messages["mqttbridge/home/capacity_step"]);
        Assert.Equal("250", messages["mqttbridge/home/capacity_monthly_price"]);
        Assert.Equal("None", messages["mqttbridge/home/fixed_price_per_hour"]); // the API states none per hour in this test
    }

    [Fact]
    public void With_a_meter_its_month_max_hour_picks_the_step_on_the_api_ladder_and_only_once()
    {
        var messages = Render(withMeter: true);

        // 6.1 kW falls in [5, 10): step 3 at 420 NOK, the next step from 10 kW.
        Assert.Equal("3", messages["mqttbridge/home/capacity_step"]);
        Assert.Equal("420", messages["mqttbridge/home/capacity_monthly_price"]);
        Assert.Equal("10", messages["mqttbridge/home/capacity_next_step_kw"]);

        // The fixed price per hour follows the same step: 420 NOK over November's 30 × 24 hours, not the API's 250 NOK step.
        Assert.Equal("0.583333", messages["mqttbridge/home/fixed_price_per_hour"]);
        Assert.Single(RenderAll(withMeter: true), m => m.Key == "mqttbridge/home/capacity_step");
        using var discovery = JsonDocument.Parse(messages["homeassistant/device/mqttbridge_home/config"]);
        Assert.Equal("mqttbridge_home_capacity_step", discovery.RootElement.GetProperty("components").GetProperty("capacity_step").GetProperty("unique_id").GetString());
    }
}
