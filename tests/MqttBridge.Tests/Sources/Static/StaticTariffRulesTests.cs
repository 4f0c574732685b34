using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources.Static;

namespace MqttBridge.Tests.StaticTariffs;

/// <summary>How band, tax and level rules become slot prices, at the edges users hit: midnight, months, DST.</summary>
public sealed class StaticTariffRulesTests
{
    private static readonly TimeZoneInfo Oslo = TariffExamples.Oslo;

    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) =>
        LocalDay.LocalToInstant(new DateTime(year, month, day, hour, minute, 0), Oslo);

    private static LocalDay DayOf(int year, int month, int day) => new(new DateOnly(year, month, day), Oslo);

    private static StaticTariff Tariff(params BandOptions[] bands) => Tariff(new StaticTariffOptions { Bands = bands });

    private static StaticTariff Tariff(StaticTariffOptions options) =>
        new(options with { Currency = "NOK", Vat = 0.25m, Holidays = "NO" }, Oslo);

    [Fact]
    public void Season_band_starts_at_local_midnight_on_1_january_and_ends_at_local_midnight_on_1_april()
    {
        // Winter 1.00 * 1.25 = 1.25; otherwise 0.50 * 1.25 = 0.625.
        var tariff = Tariff(
            new BandOptions { Name = "Winter", Months = [1, 2, 3], Price = 1.00m },
            new BandOptions { Name = "Rest", Price = 0.50m });

        var newYear = tariff.CurveFor(Local(2026, 12, 31, 0), Local(2027, 1, 2, 0));
        Assert.Equal(48, newYear.Slots.Count);
        Assert.Equal(0.625m, newYear.At(Local(2026, 12, 31, 23, 59))!.Price);

        // Local midnight on 1 Jan 2027 is 23:00 UTC on 31 Dec: the local month decides, not the UTC one.
        var firstWinter = newYear.At(new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero))!;
        Assert.Equal(1.25m, firstWinter.Price);
        Assert.Equal(Local(2027, 1, 1, 0), firstWinter.Start);

        // Local midnight on 1 Apr 2027 is 22:00 UTC on 31 Mar (summer time since 28 Mar 2027).
        var spring = tariff.CurveFor(Local(2027, 3, 31, 0), Local(2027, 4, 2, 0));
        Assert.Equal(48, spring.Slots.Count);
        Assert.Equal(1.25m, spring.At(new DateTimeOffset(2027, 3, 31, 21, 59, 0, TimeSpan.Zero))!.Price);
        Assert.Equal(0.625m, spring.At(new DateTimeOffset(2027, 3, 31, 22, 0, 0, TimeSpan.Zero))!.Price);
        Assert.Equal(24, spring.Slots.Count(s => s.Price == 1.25m));
    }

    [Fact]
    public void Tax_limited_to_months_stops_at_local_midnight_on_1_april()
    {
        // Band 0.20 plus a 0.10 winter levy (Jan-Mar) and a 0.01 levy all year, then 25 % VAT.
        var tariff = Tariff(new StaticTariffOptions
        {
            Taxes =
            [
                new TaxOptions { Name = "Winter levy", PerKwh = 0.10m, Months = [1, 2, 3] },
                new TaxOptions { Name = "Levy", PerKwh = 0.01m },
            ],
            Bands = [new BandOptions { Name = "Flat", Price = 0.20m }],
        });

        var curve = tariff.CurveFor(Local(2027, 3, 31, 0), Local(2027, 4, 2, 0));

        // 31 Mar 23:00: (0.20 + 0.10 + 0.01) * 1.25 = 0.3875; 1 Apr 00:00: (0.20 + 0.01) * 1.25 = 0.2625.
        Assert.Equal(0.3875m, curve.At(Local(2027, 3, 31, 23, 0))!.Price);
        Assert.Equal(0.2625m, curve.At(Local(2027, 4, 1, 0, 0))!.Price);
    }

    [Fact]
    public void Bands_without_levels_get_the_ratio_rule_against_the_days_mean()
    {
        // First match wins: peak 17-20 0.50, shoulder 06-08 0.30, day 06-22 0.40, night 0.20 (before VAT).
        // Hours: night 8, shoulder 2, day 11, peak 3; mean = (8*0.20 + 2*0.30 + 11*0.40 + 3*0.50) / 24 = 8.1 / 24 = 0.3375.
        // Ratios: night 0.593 (<= 0.60 very cheap), shoulder 0.889 (<= 0.90 cheap), day 1.185 (expensive),
        // peak 1.481 (very expensive). VAT scales price and mean alike.
        var tariff = Tariff(
            new BandOptions { Name = "Peak", Hours = "17-20", Price = 0.50m },
            new BandOptions { Name = "Shoulder", Hours = "06-08", Price = 0.30m },
            new BandOptions { Name = "Day", Hours = "06-22", Price = 0.40m },
            new BandOptions { Name = "Night", Price = 0.20m });

        var curve = tariff.CurveFor(DayOf(2026, 11, 24));

        Assert.Equal(PriceLevel.VeryCheap, curve.At(Local(2026, 11, 24, 3))!.Level);
        Assert.Equal(PriceLevel.Cheap, curve.At(Local(2026, 11, 24, 7))!.Level);
        Assert.Equal(PriceLevel.Expensive, curve.At(Local(2026, 11, 24, 12))!.Level);
        Assert.Equal(PriceLevel.VeryExpensive, curve.At(Local(2026, 11, 24, 18))!.Level);
        Assert.Equal(PriceLevel.Expensive, curve.At(Local(2026, 11, 24, 21))!.Level);
        Assert.Equal(PriceLevel.VeryCheap, curve.At(Local(2026, 11, 24, 22))!.Level);
        Assert.Equal(0.625m, curve.At(Local(2026, 11, 24, 18))!.Price); // 0.50 * 1.25
        Assert.Equal(0.3375m * 1.25m, curve.MeanOver(DayOf(2026, 11, 24).Start, DayOf(2026, 11, 24).End));
    }

    [Fact]
    public void A_band_level_wins_over_the_ratio_and_takes_api_spellings()
    {
        var tariff = Tariff(
            new BandOptions { Name = "Day", Hours = "06-22", Price = 0.40m },
            new BandOptions { Name = "Night", Price = 0.20m, Level = "VERY_CHEAP" });

        var curve = tariff.CurveFor(DayOf(2026, 11, 24));

        // Mean (16*0.40 + 8*0.20)/24 = 0.3333; day ratio 1.2 -> expensive (computed); night fixed.
        Assert.Equal(PriceLevel.VeryCheap, curve.At(Local(2026, 11, 24, 3))!.Level);
        Assert.Equal(PriceLevel.Expensive, curve.At(Local(2026, 11, 24, 12))!.Level);
    }

    [Theory]
    [InlineData(2026, 3, 29, 23, 7, 4)]  // spring forward: 06:00 CEST is 04:00 UTC
    [InlineData(2026, 10, 25, 25, 9, 5)] // fall back: 06:00 CET is 05:00 UTC
    [InlineData(2026, 11, 24, 24, 8, 5)]
    public void Day_band_follows_local_wall_time_on_dst_days(int year, int month, int day, int hours, int nightSlots, int firstDayUtcHour)
    {
        // Every day alike: day 06-22 at 0.40, night 0.20 (before 25 % VAT).
        var tariff = Tariff(
            new BandOptions { Name = "Day", Hours = "06-22", Price = 0.40m },
            new BandOptions { Name = "Night", Price = 0.20m });

        var curve = tariff.CurveFor(DayOf(year, month, day));

        Assert.Equal(hours, curve.Slots.Count);
        Assert.Equal(16, curve.Slots.Count(s => s.Price == 0.50m));
        Assert.Equal(nightSlots, curve.Slots.Count(s => s.Price == 0.25m));
        var firstDay = curve.Slots.First(s => s.Price == 0.50m);
        Assert.Equal(new DateTimeOffset(year, month, day, firstDayUtcHour, 0, 0, TimeSpan.Zero), firstDay.Start);
        Assert.Equal(Local(year, month, day, 22), curve.Slots.Last(s => s.Price == 0.50m).End);
    }

    [Fact]
    public void Hours_wrap_midnight_take_minutes_and_24_as_the_end()
    {
        var tariff = Tariff(new StaticTariffOptions
        {
            Resolution = 15,
            Bands =
            [
                new BandOptions { Name = "Night", Hours = "22-06", Price = 0.08m },
                new BandOptions { Name = "Morning", Hours = "06:30-09:15", Price = 0.16m },
                new BandOptions { Name = "Late", Hours = "20-24", Price = 0.24m },
                new BandOptions { Name = "Rest", Price = 0.32m },
            ],
        });
        var curve = tariff.CurveFor(DayOf(2026, 11, 24));

        // Prices * 1.25: night 0.10, morning 0.20, late 0.30, rest 0.40.
        Assert.Equal(0.10m, curve.At(Local(2026, 11, 24, 0, 0))!.Price);
        Assert.Equal(0.10m, curve.At(Local(2026, 11, 24, 5, 45))!.Price);
        Assert.Equal(0.40m, curve.At(Local(2026, 11, 24, 6, 15))!.Price);
        Assert.Equal(0.20m, curve.At(Local(2026, 11, 24, 6, 30))!.Price);
        Assert.Equal(0.20m, curve.At(Local(2026, 11, 24, 9, 0))!.Price);
        Assert.Equal(0.40m, curve.At(Local(2026, 11, 24, 9, 15))!.Price);
        Assert.Equal(0.30m, curve.At(Local(2026, 11, 24, 20, 0))!.Price);
        Assert.Equal(0.30m, curve.At(Local(2026, 11, 24, 21, 45))!.Price); // "Night" is listed first but starts at 22
        Assert.Equal(0.10m, curve.At(Local(2026, 11, 24, 23, 45))!.Price);
        Assert.Equal(96, curve.Slots.Count);
    }

    [Fact]
    public void Days_match_weekday_names_weekend_and_holiday()
    {
        var tariff = Tariff(
            new BandOptions { Name = "Holiday", Days = ["holiday"], Price = 0.08m },
            new BandOptions { Name = "Sunday", Days = ["sun"], Price = 0.16m },
            new BandOptions { Name = "Weekend", Days = ["weekend"], Price = 0.24m },
            new BandOptions { Name = "Tue and Thu", Days = ["Tuesday", "thu"], Price = 0.32m },
            new BandOptions { Name = "Workday", Days = ["workday"], Price = 0.40m });

        decimal Noon(int month, int day) => tariff.CurveFor(DayOf(2026, month, day)).At(Local(2026, month, day, 12))!.Price;

        Assert.Equal(0.10m, Noon(5, 14));  // Thursday, Ascension Day: holiday first
        Assert.Equal(0.20m, Noon(11, 29)); // Sunday
        Assert.Equal(0.30m, Noon(11, 28)); // Saturday
        Assert.Equal(0.40m, Noon(11, 26)); // Thursday
        Assert.Equal(0.50m, Noon(11, 23)); // Monday
        Assert.Equal(0.50m, Noon(11, 27)); // Friday
        Assert.Equal("Holiday", tariff.BandAt(Local(2026, 5, 17, 12)));
    }

    [Fact]
    public void Hours_no_band_covers_are_a_gap_not_a_made_up_price()
    {
        var tariff = Tariff(new BandOptions { Name = "Day", Hours = "06-22", Price = 0.40m });

        var curve = tariff.CurveFor(DayOf(2026, 11, 24));

        Assert.Equal(16, curve.Slots.Count);
        Assert.Null(curve.At(Local(2026, 11, 24, 3)));
        Assert.Null(tariff.BandAt(Local(2026, 11, 24, 3)));
        Assert.All(curve.Slots, s => Assert.Equal(PriceLevel.Normal, s.Level)); // every slot is at the mean
    }

    [Fact]
    public void Curve_between_instants_covers_whole_local_days()
    {
        var tariff = Tariff(new BandOptions { Name = "Flat", Price = 0.40m });

        // 10:00 on 28 Mar to 01:00 on 30 Mar local: three days, 24 + 23 + 24 hours.
        var curve = tariff.CurveFor(Local(2026, 3, 28, 10), Local(2026, 3, 30, 1));

        Assert.Equal(71, curve.Slots.Count);
        Assert.Equal(Local(2026, 3, 28, 0), curve.Start);
        Assert.Equal(Local(2026, 3, 31, 0), curve.End);
        ElviaDefaultTariffTests.AssertContiguous(curve, TimeSpan.FromHours(1));
        Assert.Empty(tariff.CurveFor(Local(2026, 3, 28, 10), Local(2026, 3, 28, 10)).Slots);
    }

    [Fact]
    public void Capacity_can_hold_vat_already_and_a_floor_in_kw()
    {
        var tariff = Tariff(new StaticTariffOptions
        {
            Capacity = new CapacityOptions
            {
                Basis = "monthly_max_hour",
                PricesIncludeVat = true,
                MinimumKw = 2.5m,
                Steps = [new CapacityStepOptions { FromKw = 0, MonthlyPrice = 10m, PerKwMonthly = 4m }],
            },
        });

        // Included VAT is not added again: 1 kW bills the floor, 10 + 4 * 2.5 = 20.
        Assert.Equal(CapacityBasis.MonthlyMaxHour, tariff.Capacity!.Basis);
        Assert.Equal(20m, tariff.Capacity.MonthlyCost(1m));
        Assert.Null(Tariff(new BandOptions { Name = "Flat", Price = 0.1m }).Capacity);
    }

    private static readonly StaticTariffOptions[] Unreadable =
    [
        new StaticTariffOptions { Resolution = 30 },
        new StaticTariffOptions { Holidays = "XX" },
        new StaticTariffOptions { Bands = [new BandOptions { Name = "B", Hours = "6-" }] },
        new StaticTariffOptions { Bands = [new BandOptions { Name = "B", Hours = "25-06" }] },
        new StaticTariffOptions { Bands = [new BandOptions { Name = "B", Hours = "24-06" }] },
        new StaticTariffOptions { Bands = [new BandOptions { Name = "B", Hours = "06-06" }] },
        new StaticTariffOptions { Bands = [new BandOptions { Name = "B", Hours = "06:5-22" }] },
        new StaticTariffOptions { Bands = [new BandOptions { Name = "B", Days = ["funday"] }] },
        new StaticTariffOptions { Bands = [new BandOptions { Name = "B", Months = [13] }] },
        new StaticTariffOptions { Bands = [new BandOptions { Name = "B", Level = "cheapest" }] },
        new StaticTariffOptions { Taxes = [new TaxOptions { Name = "T", Months = [0] }] },
        new StaticTariffOptions { Capacity = new CapacityOptions { Basis = "yearly", Steps = [new CapacityStepOptions()] } },
    ];

    // The options records are internal, so the theory passes an index into them.
    public static TheoryData<int> UnreadableIndexes
    {
        get
        {
            var data = new TheoryData<int>();
            for (var i = 0; i < Unreadable.Length; i++)
            {
                data.Add(i);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(UnreadableIndexes))]
    public void Unreadable_rules_are_refused_when_the_tariff_is_built(int index) =>
        Assert.Throws<ArgumentException>(() => new StaticTariff(Unreadable[index], Oslo));
}
