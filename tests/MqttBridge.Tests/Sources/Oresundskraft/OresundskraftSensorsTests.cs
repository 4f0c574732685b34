using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Sources.Oresundskraft;
using MqttBridge.Sources.Static;
using MqttBridge.Tests.Support;
using static MqttBridge.TestSupport.OresundskraftAnswers;

namespace MqttBridge.Tests.Oresundskraft;

/// <summary>What a Swedish site with an Öresundskraft meter publishes, from answers in both shapes.</summary>
public sealed class OresundskraftSensorsTests
{
    private static readonly Topics Topics = new("mqttbridge", "homeassistant");

    /// <summary>The shipped Swedish time-tariff example (no capacity ladder) plus an Öresundskraft meter, or with <paramref name="capacity"/> lines.</summary>
    private static SiteOptions Site(string capacity = "")
    {
        var yaml = File.ReadAllText(RepoPaths.File("config/examples/sweden-time-tariff.yaml")) + capacity + """

                meter:
                  type: oresundskraft
                  subscription_key: test-key
                  customer_number: "58095"
            """;
        var result = ConfigLoader.Parse(yaml, "test.yaml", new Dictionary<string, string?>());
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Options!.Sites[0];
    }

    private static SiteView View(SiteOptions site, string? body, DateTimeOffset now)
    {
        var tariff = new StaticTariffSource(new StaticTariff(site.Tariff.Static()!, Stockholm)).FetchAsync(now, CancellationToken.None).Result;
        var meter = body is null ? null : OresundskraftSource.SnapshotOf(OresundskraftMapper.Map(body).Single(), now, now.AddDays(1));
        return TestCurves.View(site, tariff, meter, now, Stockholm);
    }

    private static Dictionary<string, string> Render(SiteView view, DateTimeOffset now) =>
        SiteSensors.Render(view, now, Topics, "0.1.0").ToDictionary(m => m.Key, m => m.Value);

    private static List<string> Offered(SiteView view) => [.. SensorCatalog.For(view).Select(d => d.Key)];

    /// <summary>October 2026 at 1 kWh an hour but 4.2 in the second 02:00 of the 25th; November 1–22 as the recorded day, 9.5 kWh on the 10th at 18:00.</summary>
    private static IEnumerable<OresundskraftHour> Autumn()
    {
        for (var d = new DateOnly(2026, 10, 1); d < new DateOnly(2026, 11, 1); d = d.AddDays(1))
        {
            foreach (var (hour, i) in Day(d, _ => 1m).Select((h, i) => (h, i)))
            {
                yield return d.Day == 25 && i == 3 ? hour with { Kwh = 4.2m } : hour;
            }
        }

        for (var d = new DateOnly(2026, 11, 1); d < new DateOnly(2026, 11, 23); d = d.AddDays(1))
        {
            foreach (var hour in Day(d, i => d.Day == 10 && i == 18 ? 9.5m : RecordedDay[i]))
            {
                yield return hour;
            }
        }
    }

    [Fact]
    public void Hourly_answers_give_yesterday_the_month_and_the_months_highest_hours_and_no_today()
    {
        var now = At(2026, 11, 23, 12);
        var view = View(Site(), Hourly(PointA, Autumn()), now);

        var m = Render(view, now);

        Assert.Equal("62.931", m["mqttbridge/hemma/yesterday_consumption"]);
        Assert.Equal("""{"date":"2026-11-22","hours":24,"intervals":24,"complete":true,"verified":true}""", m["mqttbridge/hemma/yesterday_consumption/attributes"]);
        Assert.Equal(((22 * 62.931m) + 9.5m - 0.874m).ToString(System.Globalization.CultureInfo.InvariantCulture), m["mqttbridge/hemma/month_consumption"]);
        Assert.Equal("9.5", m["mqttbridge/hemma/month_max_hour"]);
        Assert.Equal(
            """{"month":"2026-11","hours":[{"start":"2026-11-10T18:00:00+01:00","end":"2026-11-10T19:00:00+01:00","value":9.5,"verified":true}],"verified":true}""",
            m["mqttbridge/hemma/month_max_hour/attributes"]);

        // Last month's highest hour is the second 02:00 of the 25-hour day: winter time.
        Assert.Equal("4.2", m["mqttbridge/hemma/last_month_max_hour"]);
        Assert.Contains("\"start\":\"2026-10-25T02:00:00+01:00\"", m["mqttbridge/hemma/last_month_max_hour/attributes"], StringComparison.Ordinal);

        // Data comes a day late: no today_*; no subscribed power stated (0) and no monthly readings: not offered.
        Assert.Equal(
            ["month_max_hour", "yesterday_consumption", "meter_problem", "last_month_max_hour", "month_consumption"],
            Offered(view).SkipWhile(k => k != "month_max_hour"));
        Assert.DoesNotContain(m.Keys, k => k.Contains("today_consumption", StringComparison.Ordinal) || k.Contains("subscribed_power", StringComparison.Ordinal) || k.Contains("last_month_consumption", StringComparison.Ordinal));
        Assert.DoesNotContain(m.Values, v => v.Contains(PointA, StringComparison.Ordinal) || v.Contains(Customer, StringComparison.Ordinal));
    }

    [Fact]
    public void A_stated_subscribed_power_is_offered_in_kw()
    {
        var now = At(2026, 1, 15, 12);
        var view = View(Site(), Hourly((PointA, Day(new DateOnly(2026, 1, 14), i => RecordedDay[i]), 16m)), now);

        Assert.Contains("subscribed_power", Offered(view));
        Assert.Equal("16", Render(view, now)["mqttbridge/hemma/subscribed_power"]);
        var definition = SensorCatalog.For(view).Single(d => d.Key == "subscribed_power");
        Assert.Equal(("power", "kW", null), (definition.DeviceClass, definition.Unit, definition.StateClass));
    }

    [Fact]
    public void Monthly_readings_give_last_months_consumption_with_its_reading_and_nothing_they_do_not_hold()
    {
        var now = At(2020, 5, 10, 12);
        var view = View(Site(), File.ReadAllText(RepoPaths.File("tests/MqttBridge.Tests/Sources/Oresundskraft/Fixtures/consumption-readings.integration-guide.json")), now);

        var m = Render(view, now);

        Assert.Equal("27183", m["mqttbridge/hemma/last_month_consumption"]);
        Assert.Equal("""{"month":"2020-04","reading_date":"2020-04-30","method":"Fjärr","reason":"2"}""", m["mqttbridge/hemma/last_month_consumption/attributes"]);
        Assert.Equal(["meter_problem", "last_month_consumption"], Offered(view).SkipWhile(k => k != "meter_problem"));
        Assert.DoesNotContain("yesterday_consumption", Offered(view));
        Assert.DoesNotContain("month_max_hour", Offered(view));
    }

    [Fact]
    public void Before_any_answer_the_meter_offers_only_its_problem_sensor()
    {
        var view = View(Site(), null, At(2026, 11, 23, 12));

        Assert.Equal(["meter_problem"], Offered(view).SkipWhile(k => k != "meter_problem"));
        Assert.DoesNotContain("month_max_hour", Offered(view));
    }

    [Fact]
    public void A_tariff_whose_ladder_bills_by_three_daily_max_hours_gets_that_basis_and_its_capacity_step()
    {
        const string Capacity = """

                  capacity:
                    basis: three_daily_max_hours
                    steps:
                      - { from_kw: 0, to_kw: 5, monthly_price: 100 }
                      - { from_kw: 5, monthly_price: 300 }
            """;
        var now = At(2026, 11, 23, 12);

        var m = Render(View(Site(Capacity), Hourly(PointA, Autumn()), now), now);

        // Daily maxima: 9.5 on the 10th, 5.03 (07:00) on every other day: the mean of the three highest days.
        var expected = (9.5m + 5.03m + 5.03m) / 3;
        Assert.Equal(Format.Number(expected), m["mqttbridge/hemma/month_max_hour"]);
        Assert.Equal("2", m["mqttbridge/hemma/capacity_step"]);
    }
}
