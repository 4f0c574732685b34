using MqttBridge.TestSupport;
using MqttBridge.Tests.Support;
using System.Text.Json;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Sources.ElviaMeter;
using MqttBridge.Sources.Static;
using static MqttBridge.TestSupport.ElviaResponses;

namespace MqttBridge.Tests.ElviaMeter;

public sealed class MeterSensorsTests
{
    private static readonly Topics Topics = new("mqttbridge", "homeassistant");

    /// <summary>The shipped default site (Elvia's static tariff with its capacity ladder) plus an Elvia meter.</summary>
    private static SiteOptions Site(bool production = false)
    {
        var yaml = File.ReadAllText(RepoPaths.File("config/mqttbridge.yaml")) + $"""
                meter:
                  type: elvia
                  token: test-token
                  include_production: {(production ? "true" : "false")}
            """;
        var result = ConfigLoader.Parse(yaml, "test.yaml", new Dictionary<string, string?>());
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Options!.Sites[0];
    }

    private static Dictionary<string, string> Render(SiteOptions site, MeterSnapshot? meter, DateTimeOffset now)
    {
        var tariff = new StaticTariffSource(new StaticTariff(site.Tariff.Static()!, Oslo)).FetchAsync(now, CancellationToken.None).Result;
        var view = TestCurves.View(site, tariff, meter, now);
        return SiteSensors.Render(view, now, Topics, "0.1.0").ToDictionary(m => m.Key, m => m.Value);
    }

    private static MeterSnapshot Snapshot(string valuesJson, string maxHoursJson, DateTimeOffset now)
    {
        var values = ElviaMeterMapper.MapMeterValues(JsonSerializer.Deserialize(valuesJson, ElviaMeterJsonContext.Default.MeterValuesResponse)!, null, Oslo);
        var months = ElviaMeterMapper.MapMaxHours(JsonSerializer.Deserialize(maxHoursJson, ElviaMeterJsonContext.Default.MaxHoursResponse)!, null, now, Oslo);
        return new MeterSnapshot(values.Consumption, ElviaMeterMapper.MonthOf(months, now, Oslo), now, now.AddHours(1))
        {
            LastMonthMax = ElviaMeterMapper.MonthOf(months, now, Oslo, back: 1),
            Production = values.Production,
        };
    }

    private static readonly string NovemberMax = MaxHours(
        At(2026, 11, 23, 9, 5),
        Aggregate(0, 5.5m, (At(2026, 11, 18, 18), 6.1m, true), (At(2026, 11, 3, 7), 4.9m, true), (At(2026, 11, 11, 17), 5.5m, false)),
        Aggregate(1, 4.2m, (At(2026, 10, 2, 18), 4.0m, true), (At(2026, 10, 20, 8), 4.4m, true), (At(2026, 10, 9, 19), 4.2m, true)));

    [Fact]
    public void Publishes_yesterday_today_month_and_the_max_hours_the_answers_imply()
    {
        var now = At(2026, 11, 23, 9, 10);
        var values = MeterValues([
            .. Day(new DateOnly(2026, 11, 1), _ => 1m), // 24 kWh
            .. Day(new DateOnly(2026, 11, 22), Ramp).Select(v => v.Start.Hour >= 22 ? v with { Verified = false } : v), // 39.6 kWh
            .. Day(new DateOnly(2026, 11, 23), _ => 0.75m).Take(6), // 4.5 kWh so far, through 06:00
        ]);

        var m = Render(Site(), Snapshot(values, NovemberMax, now), now);

        Assert.Equal("39.6", m["mqttbridge/home/yesterday_consumption"]);
        Assert.Equal("""{"date":"2026-11-22","hours":24,"intervals":24,"complete":true,"verified":false}""", m["mqttbridge/home/yesterday_consumption/attributes"]);
        Assert.Equal("4.5", m["mqttbridge/home/today_consumption"]);
        Assert.Equal("""{"through":"2026-11-23T06:00:00+01:00","intervals":6,"verified":true}""", m["mqttbridge/home/today_consumption/attributes"]);
        Assert.Equal("68.1", m["mqttbridge/home/month_consumption"]);
        Assert.Equal("5.5", m["mqttbridge/home/month_max_hour"]);
        Assert.Equal(
            """{"month":"2026-11","hours":[{"start":"2026-11-03T07:00:00+01:00","end":"2026-11-03T08:00:00+01:00","value":4.9,"verified":true},{"start":"2026-11-11T17:00:00+01:00","end":"2026-11-11T18:00:00+01:00","value":5.5,"verified":false},{"start":"2026-11-18T18:00:00+01:00","end":"2026-11-18T19:00:00+01:00","value":6.1,"verified":true}],"verified":false}""",
            m["mqttbridge/home/month_max_hour/attributes"]);
        Assert.Equal("4.2", m["mqttbridge/home/last_month_max_hour"]);
        Assert.DoesNotContain(MeteringPointId, string.Concat(m.Values), StringComparison.Ordinal);
    }

    [Fact]
    public void Capacity_step_price_and_next_threshold_follow_the_static_ladder()
    {
        var now = At(2026, 11, 23, 9, 10);

        var m = Render(Site(), Snapshot(MeterValues([]), NovemberMax, now), now);

        // 5.5 kW is in step 3 (5–10 kW): 336 NOK before VAT, 420 with 25 % VAT; the next step starts at 10 kW.
        Assert.Equal("3", m["mqttbridge/home/capacity_step"]);
        Assert.Equal("420", m["mqttbridge/home/capacity_monthly_price"]);
        Assert.Equal("10", m["mqttbridge/home/capacity_next_step_kw"]);
        Assert.Equal("""{"from_kw":5,"to_kw":10,"month_max_kw":5.5,"currency":"NOK"}""", m["mqttbridge/home/capacity_step/attributes"]);
    }

    [Fact]
    public void Incomplete_yesterday_is_unknown_and_says_how_much_arrived()
    {
        var now = At(2026, 3, 30, 7);
        var values = MeterValues(Day(new DateOnly(2026, 3, 29), Ramp).Take(20));

        var m = Render(Site(), Snapshot(values, NovemberMax, now), now);

        Assert.Equal("None", m["mqttbridge/home/yesterday_consumption"]);
        Assert.Equal("""{"date":"2026-03-29","hours":23,"intervals":20,"complete":false,"verified":true}""", m["mqttbridge/home/yesterday_consumption/attributes"]);
    }

    [Fact]
    public void A_max_hour_of_last_month_is_not_shown_as_this_months_after_midnight_on_the_first()
    {
        // Fetched on 30 November; rendered on 1 December before the next answer.
        var snapshot = Snapshot(MeterValues([]), NovemberMax, At(2026, 11, 30, 23, 5));

        var m = Render(Site(), snapshot, At(2026, 12, 1, 0, 1));

        Assert.Equal("None", m["mqttbridge/home/month_max_hour"]);
        Assert.Equal("None", m["mqttbridge/home/capacity_step"]);
        Assert.Equal("5.5", m["mqttbridge/home/last_month_max_hour"]);
    }

    [Fact]
    public void Production_sensors_appear_only_with_include_production()
    {
        var now = At(2026, 6, 15, 9);
        var values = MeterValues([.. Day(new DateOnly(2026, 6, 14), Ramp), .. Day(new DateOnly(2026, 6, 14), h => h is >= 10 and < 16 ? 1.25m : 0m, production: true)]);
        var snapshot = Snapshot(values, NovemberMax, now);

        var with = Render(Site(production: true), snapshot, now);
        var without = Render(Site(), snapshot with { Production = null }, now);

        Assert.Equal("7.5", with["mqttbridge/home/yesterday_production"]);
        Assert.Equal("39.6", with["mqttbridge/home/yesterday_consumption"]);
        Assert.False(without.ContainsKey("mqttbridge/home/yesterday_production"));
        using var doc = JsonDocument.Parse(with["homeassistant/device/mqttbridge_home/config"]);
        Assert.Equal("energy", doc.RootElement.GetProperty("components").GetProperty("month_production").GetProperty("device_class").GetString());
    }

    [Fact]
    public void Discovery_classes_are_ones_home_assistant_accepts()
    {
        var now = At(2026, 11, 23, 9, 10);
        var m = Render(Site(production: true), null, now);
        using var doc = JsonDocument.Parse(m["homeassistant/device/mqttbridge_home/config"]);
        var c = doc.RootElement.GetProperty("components");

        foreach (var key in (string[])["yesterday_consumption", "today_consumption", "month_consumption", "yesterday_production", "today_production", "month_production"])
        {
            Assert.Equal("energy", c.GetProperty(key).GetProperty("device_class").GetString());
            Assert.Equal("kWh", c.GetProperty(key).GetProperty("unit_of_measurement").GetString());
            Assert.False(c.GetProperty(key).TryGetProperty("state_class", out _), key);
        }

        Assert.Equal("measurement", c.GetProperty("last_month_max_hour").GetProperty("state_class").GetString());
        Assert.Equal("NOK/month", c.GetProperty("capacity_monthly_price").GetProperty("unit_of_measurement").GetString());
        Assert.False(c.GetProperty("capacity_monthly_price").TryGetProperty("device_class", out _));
        Assert.False(c.GetProperty("capacity_monthly_price").TryGetProperty("state_class", out _));
        Assert.Equal("power", c.GetProperty("capacity_next_step_kw").GetProperty("device_class").GetString());
        Assert.False(c.GetProperty("capacity_step").TryGetProperty("unit_of_measurement", out _));
        Assert.Equal("None", m["mqttbridge/home/yesterday_consumption"]);
        Assert.Equal("None", m["mqttbridge/home/month_max_hour"]);
    }
}
