using MqttBridge.Domain;
using MqttBridge.Sources.Static;

namespace MqttBridge.Tests.StaticTariffs;

/// <summary>The shipped default (Elvia, NOK, Europe/Oslo) as a user sees it on grid_price and price_level.</summary>
public sealed class ElviaDefaultTariffTests
{
    // Night, weekend and holidays: (0.1699 + 0.0713 + 0.01) * 1.25 = 0.2512 * 1.25 = 0.314 NOK/kWh.
    private const decimal Night = 0.314m;

    // Working days 06-22: (0.2915 + 0.0713 + 0.01) * 1.25 = 0.3728 * 1.25 = 0.466 NOK/kWh.
    private const decimal Day = 0.466m;

    private static readonly TimeZoneInfo Oslo = TariffExamples.Oslo;
    private readonly StaticTariff _tariff = new(TariffExamples.Elvia, Oslo);

    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) =>
        LocalDay.LocalToInstant(new DateTime(year, month, day, hour, minute, 0), Oslo);

    private static LocalDay DayOf(int year, int month, int day) => new(new DateOnly(year, month, day), Oslo);

    private PriceSlot PriceAt(DateTimeOffset instant) =>
        _tariff.CurveFor(LocalDay.Of(instant, Oslo)).At(instant) ?? throw new InvalidOperationException($"No price at {instant:O}");

    [Fact]
    public void Working_day_switches_to_day_price_at_0600_and_back_at_2200_local()
    {
        // Monday 23 Nov 2026, CET (UTC+1).
        Assert.Equal(Night, PriceAt(Local(2026, 11, 23, 5, 59)).Price);
        Assert.Equal(PriceLevel.Cheap, PriceAt(Local(2026, 11, 23, 5, 59)).Level);
        Assert.Equal(Day, PriceAt(Local(2026, 11, 23, 6, 0)).Price);
        Assert.Equal(PriceLevel.Normal, PriceAt(Local(2026, 11, 23, 6, 0)).Level);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero), PriceAt(Local(2026, 11, 23, 6, 0)).Start);
        Assert.Equal(Day, PriceAt(Local(2026, 11, 23, 21, 59)).Price);
        Assert.Equal(Night, PriceAt(Local(2026, 11, 23, 22, 0)).Price);

        var curve = _tariff.CurveFor(DayOf(2026, 11, 23));
        Assert.Equal(24, curve.Slots.Count);
        Assert.Equal(16, curve.Slots.Count(s => s.Price == Day));
        Assert.Equal(8, curve.Slots.Count(s => s.Price == Night));
        Assert.Equal("NOK", curve.Currency);
        Assert.Equal("Day (working days 06-22)", _tariff.BandAt(Local(2026, 11, 23, 12, 0)));
    }

    [Fact]
    public void Saturday_is_night_price_all_day()
    {
        var curve = _tariff.CurveFor(DayOf(2026, 11, 28));

        Assert.Equal(24, curve.Slots.Count);
        Assert.All(curve.Slots, s => Assert.Equal(Night, s.Price));
        Assert.All(curve.Slots, s => Assert.Equal(PriceLevel.Cheap, s.Level));
    }

    [Theory]
    [InlineData(5, 14)] // Ascension Day 2026, a Thursday
    [InlineData(5, 17)] // Constitution Day
    [InlineData(5, 1)]  // 1 May 2026, a Friday
    [InlineData(4, 6)]  // Easter Monday 2026
    public void Public_holidays_are_night_price_all_day(int month, int day)
    {
        var curve = _tariff.CurveFor(DayOf(2026, month, day));

        Assert.Equal(24, curve.Slots.Count);
        Assert.All(curve.Slots, s => Assert.Equal(Night, s.Price));
    }

    [Fact]
    public void The_day_before_ascension_is_an_ordinary_working_day()
    {
        // Wednesday 13 May 2026 at 12:00 CEST.
        Assert.Equal(Day, PriceAt(Local(2026, 5, 13, 12, 0)).Price);
    }

    [Fact]
    public void Spring_forward_day_has_23_contiguous_hours_without_0200()
    {
        var curve = _tariff.CurveFor(DayOf(2026, 3, 29));

        Assert.Equal(23, curve.Slots.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), curve.Start);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), curve.End);
        AssertContiguous(curve, TimeSpan.FromHours(1));
        var localHours = curve.Slots.Select(s => TimeZoneInfo.ConvertTime(s.Start, Oslo).Hour).ToList();
        Assert.DoesNotContain(2, localHours);
        Assert.Equal([0, 1, 3, 4], localHours.Take(4));

        // A Sunday: night price throughout.
        Assert.All(curve.Slots, s => Assert.Equal(Night, s.Price));
    }

    [Fact]
    public void Fall_back_day_has_25_hours_with_0200_twice()
    {
        var curve = _tariff.CurveFor(DayOf(2026, 10, 25));

        Assert.Equal(25, curve.Slots.Count);
        Assert.Equal(new DateTimeOffset(2026, 10, 24, 22, 0, 0, TimeSpan.Zero), curve.Start);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 23, 0, 0, TimeSpan.Zero), curve.End);
        AssertContiguous(curve, TimeSpan.FromHours(1));
        var twoOClock = curve.Slots.Select(s => TimeZoneInfo.ConvertTime(s.Start, Oslo)).Where(l => l.Hour == 2).ToList();
        Assert.Equal([TimeSpan.FromHours(2), TimeSpan.FromHours(1)], twoOClock.Select(l => l.Offset));
    }

    [Fact]
    public void Quarter_hour_resolution_gives_92_96_and_100_slots()
    {
        var quarter = new StaticTariff(TariffExamples.Elvia with { Resolution = 15 }, Oslo);

        var spring = quarter.CurveFor(DayOf(2026, 3, 29));
        var normal = quarter.CurveFor(DayOf(2026, 11, 23));
        var autumn = quarter.CurveFor(DayOf(2026, 10, 25));

        Assert.Equal(92, spring.Slots.Count);
        Assert.Equal(96, normal.Slots.Count);
        Assert.Equal(100, autumn.Slots.Count);
        AssertContiguous(spring, TimeSpan.FromMinutes(15));
        AssertContiguous(autumn, TimeSpan.FromMinutes(15));

        // 05:45-06:00 is still night, 06:00-06:15 is day, on Monday 23 Nov 2026.
        Assert.Equal(Night, normal.At(Local(2026, 11, 23, 5, 45))!.Price);
        Assert.Equal(Day, normal.At(Local(2026, 11, 23, 6, 0))!.Price);
        Assert.Equal(64, normal.Slots.Count(s => s.Price == Day));
    }

    [Fact]
    public void New_years_day_after_a_working_new_years_eve_is_night_price()
    {
        // Thursday 31 Dec 2026 is a working day; Friday 1 Jan 2027 is a public holiday.
        var curve = _tariff.CurveFor(Local(2026, 12, 31, 0), Local(2027, 1, 2, 0));

        Assert.Equal(48, curve.Slots.Count);
        AssertContiguous(curve, TimeSpan.FromHours(1));
        Assert.Equal(Day, curve.At(Local(2026, 12, 31, 21, 0))!.Price);
        Assert.Equal(Night, curve.At(Local(2026, 12, 31, 23, 0))!.Price);
        Assert.All(curve.Between(Local(2027, 1, 1, 0), Local(2027, 1, 2, 0)), s => Assert.Equal(Night, s.Price));
        Assert.Equal(Day, PriceAt(Local(2027, 1, 4, 6, 0)).Price); // Monday 4 Jan 2027
    }

    [Fact]
    public void Capacity_ladder_applies_vat_to_the_steps()
    {
        var ladder = _tariff.Capacity!;

        // 4.2 kW falls on step 2 (2-5 kW): 200 NOK * 1.25 = 250 NOK/month; the next step starts at 5 kW.
        Assert.Equal(CapacityBasis.ThreeDailyMaxHours, ladder.Basis);
        Assert.Equal("NOK", ladder.Currency);
        Assert.Equal(10, ladder.Steps.Count);
        Assert.Equal(2, ladder.StepNumber(4.2m));
        Assert.Equal(250m, ladder.MonthlyCost(4.2m));
        Assert.Equal(5m, ladder.NextStepAt(4.2m));

        // Step 1: 120 * 1.25 = 150; the top step: 5440 * 1.25 = 6800, with no next step.
        Assert.Equal(150m, ladder.MonthlyCost(1.9m));
        Assert.Equal(6800m, ladder.MonthlyCost(120m));
        Assert.Null(ladder.NextStepAt(120m));
    }

    internal static void AssertContiguous(PriceCurve curve, TimeSpan resolution)
    {
        for (var i = 0; i < curve.Slots.Count; i++)
        {
            Assert.Equal(resolution, curve.Slots[i].Duration);
            if (i > 0)
            {
                Assert.Equal(curve.Slots[i - 1].End, curve.Slots[i].Start);
            }
        }
    }
}
