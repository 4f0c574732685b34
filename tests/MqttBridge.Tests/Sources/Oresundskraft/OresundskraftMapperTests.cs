using MqttBridge.Domain;
using MqttBridge.Sources;
using MqttBridge.Sources.Oresundskraft;
using static MqttBridge.TestSupport.OresundskraftAnswers;

namespace MqttBridge.Tests.Oresundskraft;

public sealed class OresundskraftMapperTests
{
    private static string Fixture(string name) => File.ReadAllText(RepoPaths.File($"tests/MqttBridge.Tests/Sources/Oresundskraft/Fixtures/{name}"));

    private static LocalDay SwedishDay(int year, int month, int day) => new(new DateOnly(year, month, day), Stockholm);

    [Fact]
    public void The_recorded_hourly_answer_is_one_metering_point_of_24_verified_hours_summing_to_62_931_kwh()
    {
        var point = Assert.Single(OresundskraftMapper.Map(Fixture("consumption-timeseries-customers.v2_1.json")));

        // The placeholder entry ("meteringPoint", 112.79 kWh) is not a meter; the real one is.
        Assert.Equal(PointA, point.Id);
        var sum = point.Hours.SumOf(SwedishDay(2023, 9, 25))!;
        Assert.Equal(62.931m, sum.Kwh);
        Assert.Equal(24, sum.Intervals);
        Assert.True(sum.AllVerified);
        Assert.Equal(At(2023, 9, 25), point.Hours.Readings[0].Start);
        Assert.Equal(new DateTimeOffset(2023, 9, 24, 22, 0, 0, TimeSpan.Zero), point.Hours.Readings[0].Start);
        Assert.Null(point.SubscribedKw); // subscribedEffect 0: none stated
        Assert.Equal(SourceCapabilities.Consumption | SourceCapabilities.MonthMax, point.Holds);
        Assert.Empty(point.Months);

        var max = MonthMaxRule.Of(point.Hours, 2023, 9, Stockholm, CapacityBasis.MonthlyMaxHour)!;
        Assert.Equal(5.03m, max.Kw);
        Assert.Equal(At(2023, 9, 25, 7), Assert.Single(max.Peaks).Start);
    }

    [Fact]
    public void The_integration_guides_monthly_message_is_three_months_with_method_and_reason()
    {
        var point = Assert.Single(OresundskraftMapper.Map(Fixture("consumption-readings.integration-guide.json")));

        Assert.Equal("1234567891234567", point.Id); // 16 digits
        Assert.Equal(
            [(2020, 2, 26633m, "2020-02-29"), (2020, 3, 27354m, "2020-03-31"), (2020, 4, 27183m, "2020-04-30")],
            point.Months.Select(m => (m.Year, m.Month, m.Kwh, m.ReadOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.All(point.Months, m => Assert.Equal(("Fjärr", "2"), (m.Method, m.Reason)));
        Assert.Empty(point.Hours.Readings);
        Assert.Equal(SourceCapabilities.MonthlyConsumption, point.Holds);
    }

    [Fact]
    public void The_october_day_has_25_hours_and_its_two_0200_rows_are_told_apart_by_order()
    {
        var hours = Day(new DateOnly(2026, 10, 25), i => RecordedDay[Math.Min(i, 23)] + (i == 3 ? 10m : 0m)).ToList();
        Assert.Equal(2, hours.Count(h => Wall(h.Start) == "2026-10-25T02:00:00"));

        var point = Assert.Single(OresundskraftMapper.Map(Hourly(PointA, hours)));

        var sum = point.Hours.SumOf(SwedishDay(2026, 10, 25))!;
        Assert.Equal(25, sum.Intervals);
        Assert.Equal(62.931m + 1.325m + 10m, sum.Kwh);

        // The second 02:00 (index 3, +10 kWh) is winter time: 01:00 UTC, an hour after the first.
        var repeated = point.Hours.Readings.Where(r => TimeZoneInfo.ConvertTime(r.Start, Stockholm).Hour == 2).ToList();
        Assert.Equal([new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 25, 1, 0, 0, TimeSpan.Zero)], repeated.Select(r => r.Start.ToUniversalTime()));
        Assert.Equal(RecordedDay[3] + 10m, repeated[1].Kwh);
        Assert.Equal(RecordedDay[3] + 10m, MonthMaxRule.Of(point.Hours, 2026, 10, Stockholm, CapacityBasis.MonthlyMaxHour)!.Kw);
    }

    [Fact]
    public void The_march_day_has_23_hours_and_no_0200()
    {
        var hours = Day(new DateOnly(2026, 3, 29), i => RecordedDay[i]).ToList();
        Assert.DoesNotContain(hours, h => Wall(h.Start) == "2026-03-29T02:00:00");

        var point = Assert.Single(OresundskraftMapper.Map(Hourly(PointA, hours)));

        var sum = point.Hours.SumOf(SwedishDay(2026, 3, 29))!;
        Assert.Equal(23, sum.Intervals);
        Assert.Equal(62.931m - 1.325m, sum.Kwh);
    }

    [Fact]
    public void A_row_at_0200_on_the_march_day_does_not_exist_and_is_left_out()
    {
        var body = Hourly(PointA, Day(new DateOnly(2026, 3, 29), _ => 1m)).Replace(
            "\"readingDate\":\"2026-03-29T03:00:00\"", "\"readingDate\":\"2026-03-29T02:00:00\",\"value\":9,\"status\":\"Processed\",\"unit\":\"kWh\"},{\"readingDate\":\"2026-03-29T03:00:00\"", StringComparison.Ordinal);

        var sum = Assert.Single(OresundskraftMapper.Map(body)).Hours.SumOf(SwedishDay(2026, 3, 29))!;

        Assert.Equal((23m, 23), (sum.Kwh, sum.Intervals));
    }

    [Fact]
    public void Across_a_month_boundary_each_hour_counts_in_its_own_swedish_month()
    {
        // 31 October and 1 November 2026 (both +01:00): the month max of each is its own highest hour.
        var hours = Day(new DateOnly(2026, 10, 31), i => i == 23 ? 7m : 1m).Concat(Day(new DateOnly(2026, 11, 1), i => i == 0 ? 3m : 0.5m));

        var point = Assert.Single(OresundskraftMapper.Map(Hourly(PointA, hours)));

        Assert.Equal(7m, MonthMaxRule.Of(point.Hours, 2026, 10, Stockholm, CapacityBasis.MonthlyMaxHour)!.Kw);
        Assert.Equal(3m, MonthMaxRule.Of(point.Hours, 2026, 11, Stockholm, CapacityBasis.MonthlyMaxHour)!.Kw);
        Assert.Equal(30m, point.Hours.SumOf(SwedishDay(2026, 10, 31))!.Kwh);
        Assert.Equal(14.5m, point.Hours.SumOf(SwedishDay(2026, 11, 1))!.Kwh);
    }

    [Fact]
    public void A_customer_with_two_metering_points_gets_both_with_their_own_hours_and_subscribed_power()
    {
        var body = Hourly(
            (PointA, Day(new DateOnly(2026, 1, 14), i => RecordedDay[i]), 0m),
            (PointB, Day(new DateOnly(2026, 1, 14), _ => 2m, status: "Preliminary"), 16.5m));

        var points = OresundskraftMapper.Map(body);

        Assert.Equal([PointA, PointB], points.Select(p => p.Id));
        Assert.Equal(62.931m, points[0].Hours.SumOf(SwedishDay(2026, 1, 14))!.Kwh);
        var b = points[1].Hours.SumOf(SwedishDay(2026, 1, 14))!;
        Assert.Equal((48m, false), (b.Kwh, b.AllVerified));
        Assert.Null(points[0].SubscribedKw);
        Assert.Equal(16.5m, points[1].SubscribedKw);
        Assert.True(points[1].Holds.HasFlag(SourceCapabilities.SubscribedPower));
        Assert.Equal("…9640, …5555", OresundskraftMapper.MaskedIds(points));
    }

    [Theory]
    [InlineData("", "an empty body")]
    [InlineData("  ", "an empty body")]
    [InlineData("{}", "no 'consumptions'")]
    [InlineData("{\"consumptions\":[]}", "no 'consumptions'")]
    [InlineData("{\"consumptions\":[{\"customerNumber\":\"customerNumber\",\"meteringPoint\":\"meteringPoint\",\"reading\":[]}]}", "only placeholder entries")]
    public void An_answer_without_data_says_so_without_a_crash(string body, string what)
    {
        var ex = Assert.Throws<SourceException>(() => OresundskraftMapper.Map(body));

        Assert.Equal($"Öresundskraft consumption API answered with no data ({what}); keeping the last good data", ex.Message);
    }

    [Fact]
    public void A_value_it_cannot_read_names_the_field()
    {
        var ex = Assert.Throws<SourceException>(() => OresundskraftMapper.Map(
            """{"consumptions":[{"meteringPoint":"735999124000289640","reading":[{"readingDate":"yesterday","value":1}]}]}"""));

        Assert.Contains("consumptions[0].reading[0].readingDate 'yesterday' is not a date-time", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("Öresundskraft consumption API sent malformed JSON", Assert.Throws<SourceException>(() => OresundskraftMapper.Map("{\"consumptions\":")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Masking_hides_metering_points_of_any_length_and_the_customer_number()
    {
        var masked = OresundskraftMapper.Mask("""{"error":"customer 58095 has no point 735999124000289640 or 7359991240005555","code":422}""", Customer);

        Assert.Equal("""{"error":"customer …8095 has no point …9640 or …5555","code":422}""", masked);
    }
}
