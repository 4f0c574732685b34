using System.Text;
using System.Text.Json;
using MqttBridge.Domain;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Tests.Support;
using Xunit.Abstractions;
using static MqttBridge.Tests.Support.TestCurves;

namespace MqttBridge.Tests.Sensors;

public sealed class SiteSensorsTests(ITestOutputHelper output)
{
    private static readonly Topics Topics = new("mqttbridge", "homeassistant");

    private static Dictionary<string, string> Render(PriceCurve curve, DateTimeOffset now, bool meter = false)
    {
        var view = View(Site(meter: meter), new TariffSnapshot(curve, null, now, now.AddDays(1)), null, now);
        return SiteSensors.Render(view, now, Topics, "0.1.0").ToDictionary(m => m.Key, m => m.Value);
    }

    [Fact]
    public void Discovery_matches_the_golden_document()
    {
        var curve = Days(new DateOnly(2026, 11, 23), 2, 60, _ => 0.314m);
        var messages = Render(curve, Local(2026, 11, 23, 12));

        var actual = messages["homeassistant/device/mqttbridge_home/config"];
        var golden = Golden.Read("discovery_home.json", actual);
        Assert.Equal(Normalize(golden), Normalize(actual));
    }

    [Fact]
    public void Attributes_match_the_golden_documents()
    {
        // Two short local days would not be real; a real one (24 hourly slots, day/night prices) keeps the file readable.
        var curve = Days(new DateOnly(2026, 11, 23), 2, 60, t => TimeZoneInfo.ConvertTime(t, Oslo).Hour is >= 6 and < 22 ? 0.466m : 0.314m);
        var messages = Render(curve, Local(2026, 11, 23, 21, 30));

        foreach (var (topic, file) in new[]
        {
            ("mqttbridge/home/grid_price/attributes", "grid_price_attributes.json"),
            ("mqttbridge/home/next_hour_price/attributes", "next_hour_price_attributes.json"),
            ("mqttbridge/home/tariff_problem/attributes", "tariff_problem_attributes.json"),
        })
        {
            Assert.Equal(Normalize(Golden.Read(file, messages[topic])), Normalize(messages[topic]));
        }
    }

    [Fact]
    public void Discovery_uses_the_classes_home_assistant_accepts()
    {
        var messages = Render(Days(new DateOnly(2026, 11, 23), 1, 60, _ => 1m, currency: "DKK"), Local(2026, 11, 23, 12), meter: true);
        using var doc = JsonDocument.Parse(messages["homeassistant/device/mqttbridge_home/config"]);
        var c = doc.RootElement.GetProperty("components");

        Assert.False(c.GetProperty("grid_price").TryGetProperty("device_class", out _));
        Assert.Equal("DKK/kWh", c.GetProperty("grid_price").GetProperty("unit_of_measurement").GetString());
        Assert.Equal("measurement", c.GetProperty("grid_price").GetProperty("state_class").GetString());
        Assert.Equal("enum", c.GetProperty("price_level").GetProperty("device_class").GetString());
        Assert.Equal(["very_cheap", "cheap", "normal", "expensive", "very_expensive"], c.GetProperty("price_level").GetProperty("options").EnumerateArray().Select(e => e.GetString()));
        Assert.False(c.GetProperty("price_level").TryGetProperty("unit_of_measurement", out _));
        Assert.False(c.GetProperty("next_hour_price").TryGetProperty("state_class", out _));
        Assert.Equal("power", c.GetProperty("month_max_hour").GetProperty("device_class").GetString());
        Assert.Equal("kW", c.GetProperty("month_max_hour").GetProperty("unit_of_measurement").GetString());
        Assert.Equal("energy", c.GetProperty("yesterday_consumption").GetProperty("device_class").GetString());
        Assert.Equal("kWh", c.GetProperty("yesterday_consumption").GetProperty("unit_of_measurement").GetString());
        Assert.Equal("mqttbridge_home_grid_price", c.GetProperty("grid_price").GetProperty("unique_id").GetString());
        Assert.Equal("sensor.mqttbridge_home_grid_price", c.GetProperty("grid_price").GetProperty("default_entity_id").GetString());
        Assert.DoesNotContain("object_id", doc.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("mqttbridge/status", doc.RootElement.GetProperty("availability_topic").GetString());
        Assert.Equal("MqttBridge", doc.RootElement.GetProperty("origin").GetProperty("name").GetString());
    }

    [Fact]
    public void States_are_invariant_numbers_and_option_texts()
    {
        var curve = Days(new DateOnly(2026, 11, 23), 2, 60, t => TimeZoneInfo.ConvertTime(t, Oslo).Hour is >= 6 and < 22 ? 0.466m : 0.314000m);
        var messages = Render(curve, Local(2026, 11, 23, 21, 30));

        Assert.Equal("0.466", messages["mqttbridge/home/grid_price"]);
        Assert.Equal("0.314", messages["mqttbridge/home/next_hour_price"]);
        Assert.Equal("0.314", messages["mqttbridge/home/today_min_price"]);
        Assert.Equal("0.466", messages["mqttbridge/home/today_max_price"]);
        Assert.Equal("ON", messages["mqttbridge/home/tomorrow_available"]);
        Assert.Equal("OFF", messages["mqttbridge/home/tariff_problem"]);

        // Day mean = (16 × 0.466 + 8 × 0.314) / 24 = 0.415333…; 0.466 / mean = 1.12 → normal.
        Assert.Equal("0.415333", messages["mqttbridge/home/today_average_price"]);
        Assert.Equal("normal", messages["mqttbridge/home/price_level"]);
    }

    [Fact]
    public void Unknown_is_published_as_None_when_no_slot_covers_now()
    {
        var curve = Days(new DateOnly(2026, 11, 20), 1, 60, _ => 1m);
        var messages = Render(curve, Local(2026, 11, 23, 12));

        Assert.Equal("None", messages["mqttbridge/home/grid_price"]);
        Assert.Equal("None", messages["mqttbridge/home/next_hour_price"]);
        Assert.Equal("OFF", messages["mqttbridge/home/tomorrow_available"]);
    }

    [Fact]
    public void Next_hour_price_of_quarter_hours_is_the_mean_of_the_four_quarters()
    {
        var curve = Days(new DateOnly(2026, 11, 23), 2, 15, ClockPrice);
        var messages = Render(curve, Local(2026, 11, 23, 13, 50));

        // 14:00 14:15 14:30 14:45 → 14.001, 14.151, 14.301, 14.451 → mean 14.226.
        Assert.Equal("14.226", messages["mqttbridge/home/next_hour_price"]);
        Assert.Equal("13.451", messages["mqttbridge/home/grid_price"]);
        using var attrs = JsonDocument.Parse(messages["mqttbridge/home/next_hour_price/attributes"]);
        Assert.Equal("2026-11-23T14:00:00+01:00", attrs.RootElement.GetProperty("start").GetString());
        Assert.Equal("2026-11-23T15:00:00+01:00", attrs.RootElement.GetProperty("end").GetString());
    }

    [Theory]
    // 25-hour day: 02:00-03:00 happens twice. In the first (summer time) 02:xx hour, the next hour is the second 02:xx.
    [InlineData("2026-10-25T00:30:00Z", "2026-10-25T02:30:00+02:00", "2.001", "2026-10-25T02:00:00+01:00")]
    [InlineData("2026-10-25T01:30:00Z", "2026-10-25T02:30:00+01:00", "3.001", "2026-10-25T03:00:00+01:00")]
    // 23-hour day: 01:xx is followed by 03:00 summer time.
    [InlineData("2026-03-29T00:30:00Z", "2026-03-29T01:30:00+01:00", "3", "2026-03-29T03:00:00+02:00")]
    public void Next_hour_price_is_right_on_dst_days(string nowUtc, string localNow, string expectedNext, string expectedStart)
    {
        var now = DateTimeOffset.Parse(nowUtc, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(localNow, Format.Timestamp(now, Oslo));
        var curve = Days(DateOnly.FromDateTime(now.UtcDateTime), 2, 60, ClockPrice);

        var messages = Render(curve, now);

        Assert.Equal(expectedNext, messages["mqttbridge/home/next_hour_price"]);
        using var attrs = JsonDocument.Parse(messages["mqttbridge/home/next_hour_price/attributes"]);
        Assert.Equal(expectedStart, attrs.RootElement.GetProperty("start").GetString());
    }

    [Fact]
    public void Grid_price_attributes_of_a_25_hour_quarter_hour_day_plus_tomorrow_fit_the_recorder_limit()
    {
        // The worst case: 100 quarter-hours on 2026-10-25 and 96 on the 26th, prices with six decimals.
        var curve = Days(new DateOnly(2026, 10, 25), 2, 15, t => -1.234567m + (t.Minute / 1000m));
        var messages = Render(curve, Local(2026, 10, 25, 12));
        var attributes = messages["mqttbridge/home/grid_price/attributes"];

        var size = Encoding.UTF8.GetByteCount(attributes);

        // Each `"end":"2026-10-25T02:15:00+01:00",` would add 32 bytes to each of the 196 entries: the reason there is none.
        output.WriteLine($"grid_price attributes: {size} bytes; with end on every entry: {size + (196 * 32)} bytes");
        Assert.True(size < 16_384, $"attributes are {size} bytes");
        Assert.True(size + (196 * 32) > 16_384, "end would fit after all: reconsider adding it (README)");
        using var doc = JsonDocument.Parse(attributes);
        var raw = doc.RootElement.GetProperty("raw_today");
        Assert.Equal(100, raw.GetArrayLength());
        Assert.Equal(96, doc.RootElement.GetProperty("raw_tomorrow").GetArrayLength());
        Assert.Equal(100, doc.RootElement.GetProperty("today").GetArrayLength());
        Assert.True(doc.RootElement.GetProperty("tomorrow_valid").GetBoolean());
        Assert.Equal("2026-10-25T02:00:00+02:00", raw[8].GetProperty("start").GetString());
        Assert.Equal("2026-10-25T02:00:00+01:00", raw[12].GetProperty("start").GetString());
        Assert.Equal(-1.234567m, raw[0].GetProperty("value").GetDecimal());
    }

    [Theory]
    [InlineData(15)]
    [InlineData(60)]
    public void Price_payloads_rendered_once_for_a_span_are_what_a_fresh_reading_gives_at_every_instant_of_it(int resolution)
    {
        // 25-hour day, so the walk crosses the repeated hour and a midnight.
        var curve = PriceCurve.Shared(Days(new DateOnly(2026, 10, 24), 3, resolution, ClockPrice));
        for (var now = Local(2026, 10, 24, 22); now < Local(2026, 10, 25, 4); now = now.AddMinutes(5))
        {
            var parts = TariffParts.For(curve, Oslo, now);
            var fresh = new TariffReading(curve, Oslo, now);
            Assert.Equal(fresh.GridPriceAttributes(), parts.GridPriceAttributes);
            Assert.Equal(fresh.NextHourAttributes(), parts.NextHourAttributes);
            Assert.Equal(fresh.EvccForecast(), parts.EvccForecast);
            Assert.Equal(fresh.PricesDocument(), parts.Prices);
            Assert.Equal(fresh.Current is { } c ? Format.Number(c.Price) : Format.Unknown, parts.GridPrice);
            Assert.Equal(fresh.NextHourPrice is { } n ? Format.Number(n) : Format.Unknown, parts.NextHourPrice);
            Assert.Equal(fresh.Level?.ToOption() ?? Format.Unknown, parts.PriceLevel);
            Assert.Equal(fresh.TodayAverage is { } a ? Format.Number(a) : Format.Unknown, parts.TodayAverage);
        }
    }

    [Fact]
    public void Two_sites_on_one_tariff_publish_the_same_documents()
    {
        var now = Local(2026, 11, 23, 10, 20);
        var a = SiteSensors.Render(View(Site("a"), new TariffSnapshot(PriceCurve.Shared(Days(new DateOnly(2026, 11, 23), 2, 60, ClockPrice)), null, now, now.AddDays(1)), null, now), now, Topics, "0.1.0");
        var b = SiteSensors.Render(View(Site("b"), new TariffSnapshot(PriceCurve.Shared(Days(new DateOnly(2026, 11, 23), 2, 60, ClockPrice)), null, now, now.AddDays(1)), null, now), now, Topics, "0.1.0");

        // One string for every site on the tariff: the retained store keeps one copy, not one per site.
        Assert.Same(a.Single(m => m.Key == "mqttbridge/a/evcc/forecast").Value, b.Single(m => m.Key == "mqttbridge/b/evcc/forecast").Value);
        Assert.Same(a.Single(m => m.Key == "mqttbridge/a/prices").Value, b.Single(m => m.Key == "mqttbridge/b/prices").Value);
        Assert.Same(a.Single(m => m.Key == "mqttbridge/a/grid_price/attributes").Value, b.Single(m => m.Key == "mqttbridge/b/grid_price/attributes").Value);
    }

    [Fact]
    public void Prices_topic_holds_every_known_slot_and_evcc_forecast_starts_at_the_current_slot()
    {
        var curve = Days(new DateOnly(2026, 11, 23), 2, 60, ClockPrice);
        var messages = Render(curve, Local(2026, 11, 23, 10, 20));

        // Readable for Node-RED users and MQTT explorers: offsets are not escaped as \u002B.
        Assert.Contains("\"start\":\"2026-11-23T00:00:00+01:00\"", messages["mqttbridge/home/prices"], StringComparison.Ordinal);
        using var prices = JsonDocument.Parse(messages["mqttbridge/home/prices"]);
        Assert.Equal("NOK", prices.RootElement.GetProperty("currency").GetString());
        var slots = prices.RootElement.GetProperty("slots");
        Assert.Equal(48, slots.GetArrayLength());
        Assert.Equal("2026-11-23T00:00:00+01:00", slots[0].GetProperty("start").GetString());
        Assert.Equal("2026-11-23T01:00:00+01:00", slots[0].GetProperty("end").GetString());
        Assert.Equal(0.001m, slots[0].GetProperty("price").GetDecimal());

        using var evcc = JsonDocument.Parse(messages["mqttbridge/home/evcc/forecast"]);
        Assert.Equal(38, evcc.RootElement.GetArrayLength());
        Assert.Equal("2026-11-23T10:00:00+01:00", evcc.RootElement[0].GetProperty("start").GetString());
        Assert.Equal(10.001m, evcc.RootElement[0].GetProperty("value").GetDecimal());
    }

    [Fact]
    public void Stale_discovery_of_a_removed_site_is_cleared_with_its_state_topics()
    {
        var current = Render(Days(new DateOnly(2026, 11, 23), 1, 60, _ => 1m), Local(2026, 11, 23, 12));
        var oldCabin = current["homeassistant/device/mqttbridge_home/config"].Replace("mqttbridge/home/", "mqttbridge/cabin/", StringComparison.Ordinal);
        var retained = new Dictionary<string, string>
        {
            ["homeassistant/device/mqttbridge_home/config"] = current["homeassistant/device/mqttbridge_home/config"],
            ["homeassistant/device/mqttbridge_cabin/config"] = oldCabin,
            ["homeassistant/device/mqttbridge_foreign/config"] = """{"origin":{"name":"SomethingElse"},"components":{}}""",
            ["homeassistant/device/zigbee_lamp/config"] = """{"origin":{"name":"MqttBridge"}}""",
        };

        var clear = StaleDiscovery.TopicsToClear(retained, new HashSet<string> { "home" }, Topics);

        Assert.Contains("homeassistant/device/mqttbridge_cabin/config", clear);
        Assert.Contains("mqttbridge/cabin/grid_price", clear);
        Assert.Contains("mqttbridge/cabin/grid_price/attributes", clear);
        Assert.Contains("mqttbridge/cabin/prices", clear);
        Assert.Contains("mqttbridge/cabin/evcc/forecast", clear);
        Assert.DoesNotContain(clear, t => t.Contains("/home", StringComparison.Ordinal) || t.Contains("foreign", StringComparison.Ordinal) || t.Contains("zigbee", StringComparison.Ordinal));
    }

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
