using System.Text.Json;
using MqttBridge.Domain;
using MqttBridge.Sources;
using MqttBridge.Sources.ElviaMeter;
using static MqttBridge.TestSupport.ElviaResponses;

namespace MqttBridge.Tests.ElviaMeter;

public sealed class ElviaMeterMapperTests
{
    private static string Fixture(string name) => File.ReadAllText(RepoPaths.File($"tests/MqttBridge.Tests/Sources/ElviaMeter/Fixtures/{name}"));

    private static MeterValuesData Values(string json, string? id = null) =>
        ElviaMeterMapper.MapMeterValues(JsonSerializer.Deserialize(json, ElviaMeterJsonContext.Default.MeterValuesResponse)!, id, Oslo);

    private static IReadOnlyList<MonthMax> Months(string json, DateTimeOffset fetchedAt) =>
        ElviaMeterMapper.MapMaxHours(JsonSerializer.Deserialize(json, ElviaMeterJsonContext.Default.MaxHoursResponse)!, null, fetchedAt, Oslo);

    [Fact]
    public void Portal_metervalues_shape_parses_with_its_lower_case_meteringpoints()
    {
        var response = JsonSerializer.Deserialize(Fixture("metervalues.json"), ElviaMeterJsonContext.Default.MeterValuesResponse)!;

        var point = Assert.Single(response.Meteringpoints!);
        Assert.Equal("string", point.MeteringPointId);
        Assert.Equal("string", point.CustomerContract!.StartTime);
        Assert.Equal(0, point.Metervalue!.ResolutionMinutes);
        var value = Assert.Single(point.Metervalue.TimeSeries!);
        Assert.Equal(0.0m, value.Value);
        Assert.Equal("string", value.Uom);
        Assert.True(value.Production);
        Assert.True(value.Verified);
    }

    [Fact]
    public void Portal_maxhours_v2_shape_parses_with_its_aggregates()
    {
        var response = JsonSerializer.Deserialize(Fixture("maxhours.json"), ElviaMeterJsonContext.Default.MaxHoursResponse)!;

        var point = Assert.Single(response.Meteringpoints!);
        Assert.Equal("string", point.CustomerContract!.StartDate);
        Assert.Equal("string", point.MaxHoursCalculatedTime);
        var aggregate = Assert.Single(point.MaxHoursAggregate!);
        Assert.Equal(0.0m, aggregate.AverageValue);
        Assert.Equal(0, aggregate.NoOfMonthsBack);
        var hour = Assert.Single(aggregate.MaxHours!);
        Assert.Equal(0, hour.NoOfMonthsBack);
        Assert.True(hour.Verified);
    }

    [Fact]
    public void Portal_example_values_are_not_dates_and_the_message_names_the_field()
    {
        var ex = Assert.Throws<SourceException>(() => Values(Fixture("metervalues.json")));

        Assert.Equal("Elvia MeterValue API sent data it cannot read: metervalue.timeSeries[0].startTime 'string' is not a date-time; keeping the last good data", ex.Message);
    }

    [Theory]
    [InlineData(2026, 11, 22, 24, "39.6")]
    [InlineData(2026, 3, 29, 23, "36.8")]
    [InlineData(2026, 10, 25, 25, "42.5")]
    public void Yesterday_is_the_local_days_sum_on_normal_and_dst_days(int year, int month, int day, int hours, string kwh)
    {
        var date = new DateOnly(year, month, day);
        var json = MeterValues([.. Day(date.AddDays(-1), _ => 9m), .. Day(date, Ramp), .. Day(date.AddDays(1), _ => 7m)]);

        var sum = Values(json).Consumption.SumOf(new LocalDay(date, Oslo))!;

        Assert.Equal(decimal.Parse(kwh, System.Globalization.CultureInfo.InvariantCulture), sum.Kwh);
        Assert.Equal(hours, sum.Intervals);
        Assert.True(sum.AllVerified);
    }

    [Fact]
    public void A_missing_hour_leaves_the_day_incomplete()
    {
        var date = new DateOnly(2026, 11, 22);
        var json = MeterValues(Day(date, Ramp).Where(v => v.Start.Hour != 13));

        Assert.Null(Values(json).Consumption.SumOf(new LocalDay(date, Oslo)));
    }

    [Fact]
    public void Unverified_hours_count_and_are_flagged()
    {
        var date = new DateOnly(2026, 11, 22);
        var json = MeterValues(Day(date, Ramp).Select(v => v.Start.Hour >= 20 ? v with { Verified = false } : v));

        var sum = Values(json).Consumption.SumOf(new LocalDay(date, Oslo))!;

        Assert.Equal(39.6m, sum.Kwh);
        Assert.False(sum.AllVerified);
    }

    [Fact]
    public void Production_entries_are_kept_apart_from_consumption()
    {
        var date = new DateOnly(2026, 6, 14);
        var json = MeterValues([.. Day(date, Ramp), .. Day(date, h => h is >= 10 and < 16 ? 1.25m : 0m, production: true)]);

        var data = Values(json);

        Assert.Equal(24, data.Consumption.Readings.Count);
        Assert.Equal(39.6m, data.Consumption.SumOf(new LocalDay(date, Oslo))!.Kwh);
        Assert.Equal(7.5m, data.Production.SumOf(new LocalDay(date, Oslo))!.Kwh);
    }

    [Fact]
    public void Quarter_hour_values_sum_the_same_way()
    {
        var date = new DateOnly(2026, 11, 22);
        var quarters = Day(date, _ => 0m).SelectMany(h => Enumerable.Range(0, 4).Select(q => new ElviaValue(h.Start.AddMinutes(15 * q), 0.25m, Minutes: 15)));

        var sum = Values(MeterValues(quarters)).Consumption.SumOf(new LocalDay(date, Oslo))!;

        Assert.Equal(24m, sum.Kwh);
        Assert.Equal(96, sum.Intervals);
    }

    [Theory]
    [InlineData("""{ "meteringpoints": [] }""")]
    [InlineData("{}")]
    public void No_metering_points_is_a_clear_message(string json)
    {
        var ex = Assert.Throws<SourceException>(() => Values(json));

        Assert.StartsWith("Elvia MeterValue API: the token covers no metering points (empty 'meteringpoints')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_metering_point_the_token_does_not_cover_is_named_without_publishing_the_whole_id()
    {
        var json = MeterValues(Day(new DateOnly(2026, 11, 22), Ramp));

        var ex = Assert.Throws<SourceException>(() => Values(json, "707057500099990001"));

        Assert.Equal(
            "Elvia MeterValue API: the token does not cover metering point …0001 (it covers …5678); check meter.metering_point_id or create a token for that meter",
            ex.Message);
    }

    [Fact]
    public void Month_max_is_elvias_average_with_its_hours_sorted()
    {
        var json = MaxHours(
            At(2026, 11, 23, 9, 5),
            Aggregate(0, 4.2m, (At(2026, 11, 18, 18), 4.6m, true), (At(2026, 11, 3, 7), 3.9m, true), (At(2026, 11, 11, 17), 4.1m, false)),
            Aggregate(1, 5.1m, (At(2026, 10, 2, 18), 5.0m, true), (At(2026, 10, 20, 8), 5.3m, true), (At(2026, 10, 9, 19), 5.0m, true)));

        var months = Months(json, At(2026, 11, 23, 9, 5));
        var now = ElviaMeterMapper.MonthOf(months, At(2026, 11, 23, 9, 5), Oslo)!;
        var last = ElviaMeterMapper.MonthOf(months, At(2026, 11, 23, 9, 5), Oslo, back: 1)!;

        Assert.Equal((2026, 11, 4.2m), (now.Year, now.Month, now.Kw));
        Assert.Equal([At(2026, 11, 3, 7), At(2026, 11, 11, 17), At(2026, 11, 18, 18)], now.Peaks.Select(p => p.Start));
        Assert.Equal([3.9m, 4.1m, 4.6m], now.Peaks.Select(p => p.Kwh));
        Assert.False(now.Peaks[1].Verified);
        Assert.Equal((2026, 10, 5.1m), (last.Year, last.Month, last.Kw));
    }

    [Fact]
    public void On_the_first_an_answer_still_holding_last_months_hours_as_month_zero_is_last_month()
    {
        // Calculated just before midnight: "noOfMonthsBack 0" is November, which is last month by now.
        var json = MaxHours(At(2026, 11, 30, 23, 5), Aggregate(0, 4.2m, (At(2026, 11, 18, 18), 4.6m, true), (At(2026, 11, 3, 7), 3.9m, true), (At(2026, 11, 11, 17), 4.1m, true)));
        var firstOfDecember = At(2026, 12, 1, 0, 30);

        var months = Months(json, firstOfDecember);

        Assert.Null(ElviaMeterMapper.MonthOf(months, firstOfDecember, Oslo));
        Assert.Equal(4.2m, ElviaMeterMapper.MonthOf(months, firstOfDecember, Oslo, back: 1)!.Kw);
    }

    [Fact]
    public void On_the_first_a_missing_month_zero_leaves_this_month_unknown()
    {
        var json = MaxHours(At(2026, 12, 1, 0, 5), Aggregate(1, 4.2m, (At(2026, 11, 18, 18), 4.6m, true), (At(2026, 11, 3, 7), 3.9m, true), (At(2026, 11, 11, 17), 4.1m, true)));

        var months = Months(json, At(2026, 12, 1, 0, 10));

        Assert.Null(ElviaMeterMapper.MonthOf(months, At(2026, 12, 1, 0, 10), Oslo));
        Assert.Equal((2026, 11), (ElviaMeterMapper.MonthOf(months, At(2026, 12, 1, 0, 10), Oslo, back: 1)!.Year, 11));
    }

    [Fact]
    public void An_empty_month_zero_counts_from_the_calculation_time()
    {
        var json = MaxHours(At(2026, 12, 1, 1, 5), """{ "averageValue": 0.0, "maxHours": [], "uom": "kWh/h", "noOfMonthsBack": 0 }""");

        var months = Months(json, At(2026, 12, 1, 1, 6));

        Assert.Equal(0m, ElviaMeterMapper.MonthOf(months, At(2026, 12, 1, 1, 6), Oslo)!.Kw);
    }
}
