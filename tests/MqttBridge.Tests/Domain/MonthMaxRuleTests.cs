using MqttBridge.Domain;
using static MqttBridge.Tests.Support.TestCurves;

namespace MqttBridge.Tests.Domain;

/// <summary>The month max from metered consumption, by the rule the tariff names (Norway, Flanders, plain max hour).</summary>
public sealed class MonthMaxRuleTests
{
    private static MeterReading Hour(int month, int day, int hour, decimal kwh) =>
        new(Local(2026, month, day, hour), Local(2026, month, day, hour).AddHours(1), kwh);

    private static IEnumerable<MeterReading> Quarters(int month, int day, int hour, params decimal[] kwh) =>
        kwh.Select((k, i) => new MeterReading(Local(2026, month, day, hour).AddMinutes(15 * i), Local(2026, month, day, hour).AddMinutes(15 * (i + 1)), k));

    [Fact]
    public void Norway_averages_the_highest_hour_of_the_three_highest_days()
    {
        var series = new ConsumptionSeries(
        [
            Hour(11, 3, 18, 6.1m), Hour(11, 3, 19, 2m),
            Hour(11, 10, 7, 5.0m),
            Hour(11, 11, 8, 4.0m),
            Hour(11, 12, 17, 7.0m), Hour(11, 12, 18, 6.5m), // one day counts once, with its highest hour
        ]);

        var max = MonthMaxRule.Of(series, 2026, 11, Oslo, CapacityBasis.ThreeDailyMaxHours)!;

        Assert.Equal(6.0333m, Math.Round(max.Kw, 4));
        Assert.Equal([Local(2026, 11, 3, 18), Local(2026, 11, 10, 7), Local(2026, 11, 12, 17)], max.Peaks.Select(p => p.Start));
    }

    [Fact]
    public void Quarter_hours_are_summed_into_their_clock_hour_and_the_peak_quarter_is_four_times_its_energy()
    {
        var series = new ConsumptionSeries([.. Quarters(11, 5, 18, 1.0m, 1.5m, 2.0m, 0.5m), .. Quarters(11, 6, 9, 1.2m, 1.2m, 1.2m, 1.2m)]);

        Assert.Equal(5.0m, MonthMaxRule.Of(series, 2026, 11, Oslo, CapacityBasis.MonthlyMaxHour)!.Kw);
        Assert.Equal(8.0m, MonthMaxRule.Of(series, 2026, 11, Oslo, CapacityBasis.MonthlyPeakQuarterHour)!.Kw);
        Assert.Equal((5.0m + 4.8m) / 2, MonthMaxRule.Of(series, 2026, 11, Oslo, CapacityBasis.ThreeDailyMaxHours)!.Kw);
    }

    [Fact]
    public void The_two_0200_hours_of_the_25_hour_day_stay_apart()
    {
        // 2026-10-25: 02:00-03:00 happens in CEST (00:00Z) and again in CET (01:00Z).
        var first = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero);
        var series = new ConsumptionSeries([new(first, first.AddHours(1), 3m), new(first.AddHours(1), first.AddHours(2), 3m)]);

        var max = MonthMaxRule.Of(series, 2026, 10, Oslo, CapacityBasis.MonthlyMaxHour)!;

        Assert.Equal(3m, max.Kw);
    }

    [Fact]
    public void A_reading_belongs_to_the_local_month_it_starts_in()
    {
        var series = new ConsumptionSeries([Hour(11, 30, 23, 9m), Hour(12, 1, 0, 4m)]);

        Assert.Equal(9m, MonthMaxRule.Of(series, 2026, 11, Oslo, CapacityBasis.MonthlyMaxHour)!.Kw);
        Assert.Equal(4m, MonthMaxRule.Of(series, 2026, 12, Oslo, CapacityBasis.MonthlyMaxHour)!.Kw);
        Assert.Null(MonthMaxRule.Of(series, 2027, 1, Oslo, CapacityBasis.MonthlyMaxHour));
    }

    [Fact]
    public void Hourly_data_cannot_give_a_peak_quarter_hour()
    {
        Assert.Null(MonthMaxRule.Of(new ConsumptionSeries([Hour(11, 5, 18, 5m)]), 2026, 11, Oslo, CapacityBasis.MonthlyPeakQuarterHour));
    }
}
