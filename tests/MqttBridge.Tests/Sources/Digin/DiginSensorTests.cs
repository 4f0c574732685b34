using MqttBridge.Domain;
using MqttBridge.Tests.Support;
using System.Text.Json;
using MqttBridge.Configuration;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Sources.Digin;
using static MqttBridge.TestSupport.DiginFixtures;

namespace MqttBridge.Tests.Digin;

/// <summary>What a digin site publishes: the fixture's prices for the slot now, its level, and the capacity step.</summary>
public sealed class DiginSensorTests
{
    private static readonly Topics Topics = new("mqttbridge", "homeassistant");

    private static Dictionary<string, string> Render(string fixture, string meteringPoint, DateTimeOffset now, DateOnly day)
    {
        var site = DiginMapper.ByMeteringPoint(DiginMapper.Parse(Around(fixture, day), DiginJsonContext.Default.DiginMeteringPointsResult))[meteringPoint];
        var options = new SiteOptions
        {
            Id = "home",
            Name = "Home",
            TimeZone = "Europe/Oslo",
            Tariff = new DiginTariffOptions { ApiKey = "k", MeteringPointId = meteringPoint, BaseUrl = "http://127.0.0.1/" },
        };
        var view = TestCurves.View(options, new TariffSnapshot(site.Tariff.Curve, null, now, now.AddDays(1)) { Fixed = site.Fixed }, null, now);
        return SiteSensors.Render(view, now, Topics, "0.1.0").ToDictionary(m => m.Key, m => m.Value);
    }

    [Fact]
    public void Publishes_the_price_level_next_hour_and_capacity_step_of_the_slot_now()
    {
        var day = new DateOnly(2026, 11, 23);
        var now = StartOf(day).AddHours(5).AddMinutes(30);

        var m = Render(MonthlyMax, "707057500000000002", now, day);

        Assert.Equal("0.2585", m["mqttbridge/home/grid_price"]);
        Assert.Equal("cheap", m["mqttbridge/home/price_level"]);
        Assert.Equal("0.285", m["mqttbridge/home/next_hour_price"]);
        Assert.Equal("4", m["mqttbridge/home/capacity_step"]);
        Assert.Equal("170", m["mqttbridge/home/capacity_monthly_price"]);
        Assert.Equal("0.2361", m["mqttbridge/home/fixed_price_per_hour"]);
        Assert.False(m.ContainsKey("mqttbridge/home/power_price"));
        Assert.Equal(
            """{"basis":"monthlymax","range":"8–12 kWh/h","value_min":8,"value_max":12,"unit":"kWh/h","monthly_price":170,"currency":"NOK","steps":6,"ladder":["0–2 kWh/h","2–4 kWh/h","4–8 kWh/h","8–12 kWh/h","12–16 kWh/h","16+ kWh/h"]}""",
            m["mqttbridge/home/capacity_step/attributes"]);

        using var discovery = JsonDocument.Parse(m["homeassistant/device/mqttbridge_home/config"]);
        var components = discovery.RootElement.GetProperty("components");
        Assert.Equal("NOK/month", components.GetProperty("capacity_monthly_price").GetProperty("unit_of_measurement").GetString());
        Assert.Equal("NOK/h", components.GetProperty("fixed_price_per_hour").GetProperty("unit_of_measurement").GetString());
        Assert.False(components.GetProperty("capacity_monthly_price").TryGetProperty("device_class", out _));
        Assert.False(components.GetProperty("capacity_monthly_price").TryGetProperty("state_class", out _));
        Assert.False(components.GetProperty("capacity_step").TryGetProperty("unit_of_measurement", out _));
        Assert.False(components.TryGetProperty("power_price", out _));
    }

    [Fact]
    public void An_unknown_step_is_None_and_a_power_tariff_publishes_its_power_price()
    {
        var day = new DateOnly(2026, 11, 23);
        var now = StartOf(day).AddHours(12);

        var unknown = Render(MonthlyMax, "707057500000000000", now, day);
        Assert.Equal("None", unknown["mqttbridge/home/capacity_step"]);
        Assert.Equal("None", unknown["mqttbridge/home/capacity_monthly_price"]);
        Assert.Equal("None", unknown["mqttbridge/home/fixed_price_per_hour"]);
        Assert.Equal("0.285", unknown["mqttbridge/home/grid_price"]);
        Assert.Equal("normal", unknown["mqttbridge/home/price_level"]);

        var power = Render(Lsdn2, "707057500000000010", now, day);
        Assert.Equal("27.5", power["mqttbridge/home/power_price"]);
        Assert.Equal("1", power["mqttbridge/home/capacity_step"]);
        Assert.Equal("140", power["mqttbridge/home/capacity_monthly_price"]);
        Assert.Equal("0.1944", power["mqttbridge/home/fixed_price_per_hour"]);
        Assert.Equal(
            """{"currency":"NOK","unit":"NOK/kW/month","reactive_monthly":13.2625,"reactive_pricing":true,"steps":[{"value_min":0,"value_max":100,"unit":"kW","active_monthly":27.5,"reactive_monthly":13.2625},{"value_min":100,"unit":"kW","active_monthly":13.75,"reactive_monthly":13.2625}]}""",
            power["mqttbridge/home/power_price/attributes"]);
        using var discovery = JsonDocument.Parse(power["homeassistant/device/mqttbridge_home/config"]);
        Assert.Equal("NOK/kW/month", discovery.RootElement.GetProperty("components").GetProperty("power_price").GetProperty("unit_of_measurement").GetString());
    }
}
