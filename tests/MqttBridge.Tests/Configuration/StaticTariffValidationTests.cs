using MqttBridge.TestSupport;
using MqttBridge.Sources.Static;
using MqttBridge.Configuration;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.Configuration;

/// <summary>Body lines passed to <see cref="ConfigTestKit.StaticTariff"/> start at line 6 of the document.</summary>
public sealed class StaticTariffValidationTests
{
    private const string FallbackBand = "  - name: Rest\n    price: 0.2";

    [Theory]
    [InlineData("06-22", 360, 1320)]
    [InlineData("6-22", 360, 1320)]
    [InlineData("22-06", 1320, 360)]
    [InlineData("06:15-21:45", 375, 1305)]
    [InlineData("17-24", 1020, 1440)]
    [InlineData("00:00-24:00", 0, 1440)]
    public void Hours_accept_whole_and_quarter_hours_and_wrap_midnight(string hours, int start, int end)
    {
        var result = Parse(StaticTariff($"bands:\n  - name: Peak\n    hours: \"{hours}\"\n    price: 1\n{FallbackBand}"));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.True(HoursRange.TryParse(hours, out var range, out _));
        Assert.Equal(new HoursRange(start, end), range);
    }

    [Theory]
    [InlineData("6 to 22", "'6 to 22' is not a range of hours; write \"HH-HH\" or \"HH:MM-HH:MM\", e.g. \"06-22\" or \"22:00-06:00\"")]
    [InlineData("06:10-22", "'06:10-22' has minutes that are not a multiple of 15 (use :00, :15, :30 or :45)")]
    [InlineData("25-06", "'25-06' is not a valid range of hours; hours run from 00 to 23 (24 only as an end, as 24 or 24:00)")]
    [InlineData("24-06", "'24-06' is not a valid range of hours; hours run from 00 to 23 (24 only as an end, as 24 or 24:00)")]
    [InlineData("08-08", "'08-08' starts and ends at the same time; leave out 'hours' for a band that lasts all day")]
    public void Bad_hours_are_reported_at_the_band(string hours, string message)
    {
        var problem = SingleProblem(StaticTariff($"bands:\n  - name: Peak\n    hours: \"{hours}\"\n    price: 1\n{FallbackBand}"));

        Assert.Equal($"sites[0].tariff.bands[0].hours (line 8): {message}", problem);
    }

    [Fact]
    public void Wrap_around_hours_contain_the_night()
    {
        Assert.True(HoursRange.TryParse("22-06", out var night, out _));

        Assert.True(night.Contains(23 * 60));
        Assert.True(night.Contains(0));
        Assert.False(night.Contains(6 * 60));
        Assert.False(night.Contains(12 * 60));
    }

    [Fact]
    public void Last_band_must_be_the_fallback_without_conditions()
    {
        var problem = SingleProblem(StaticTariff("""
            bands:
              - name: Day
                hours: "06-22"
                price: 1
              - name: Weekend
                days: [weekend]
                price: 0.5
            """));

        Assert.Equal("sites[0].tariff.bands[1] (line 10): the last band is the fallback and must have no hours, days or months; add a final band without conditions for all other times", problem);
    }

    [Fact]
    public void Only_the_last_band_may_be_without_conditions()
    {
        var problem = SingleProblem(StaticTariff("""
            bands:
              - name: Always
                price: 1
              - name: Rest
                price: 0.5
            """));

        Assert.Equal("sites[0].tariff.bands[0] (line 7): only the last band may have no hours, days or months; this band matches always, so the bands after it would never apply", problem);
    }

    [Fact]
    public void A_tariff_needs_at_least_one_band()
    {
        var problem = SingleProblem(StaticTariff("currency: NOK"));

        Assert.Equal("sites[0].tariff.bands (line 5): at least one band is required; the last band, without hours, days or months, sets the price at all other times", problem);
    }

    [Fact]
    public void Days_months_and_level_are_checked_item_by_item()
    {
        var problems = Problems(StaticTariff("""
            bands:
              - name: Winter day
                days: [mon, tues, Holiday]
                months: [1, 2, 13]
                level: expencive
                price: 1
            """ + "\n" + FallbackBand));

        Assert.Equal(
            [
                "sites[0].tariff.bands[0].days[1] (line 8): 'tues' is not a day; did you mean 'tue'?",
                "sites[0].tariff.bands[0].months[2] (line 9): 13 is not a month; use 1 (January) to 12 (December)",
                "sites[0].tariff.bands[0].level (line 10): 'expencive' is not a known price level; did you mean 'expensive'?",
            ],
            problems);
    }

    [Fact]
    public void Days_and_months_may_be_a_single_value_and_are_stored_canonically()
    {
        var result = Parse(StaticTariff("holidays: no\nbands:\n  - name: Summer workdays\n    days: Workday\n    months: 7\n    level: CHEAP\n    price: 1\n" + FallbackBand));

        var tariff = result.Options!.Sites[0].Tariff.Static()!;
        Assert.Equal("NO", tariff.Holidays);
        Assert.Equal(["workday"], tariff.Bands[0].Days);
        Assert.Equal([7], tariff.Bands[0].Months);
        Assert.Equal("cheap", tariff.Bands[0].Level);
    }

    [Theory]
    [InlineData("vat: 25", "sites[0].tariff.vat (line 6): 25 is out of range; VAT is a fraction from 0 to 1 (0.25 for 25 %)")]
    [InlineData("vat: 0,25", "sites[0].tariff.vat (line 6): '0,25' is not a number (use a '.' for decimals)")]
    [InlineData("resolution: 30", "sites[0].tariff.resolution (line 6): 30 is not a supported resolution; use 15 or 60 (minutes)")]
    [InlineData("currency: nok", "sites[0].tariff.currency (line 6): 'nok' is not a currency code; use three upper-case letters such as NOK, DKK, SEK or EUR")]
    [InlineData("holidays: FI", "sites[0].tariff.holidays (line 6): 'FI' is not a known holiday calendar; use NO, DK, SE, BE, none")]
    [InlineData("taxes:\n  - name: Levy\n    per_kwh: ten", "sites[0].tariff.taxes[0].per_kwh (line 8): 'ten' is not a number (use a '.' for decimals)")]
    [InlineData("taxes:\n  - per_kwh: 0.01", "sites[0].tariff.taxes[0].name (line 7): required key is missing")]
    [InlineData("capacity:\n  basis: monthly_peak", "sites[0].tariff.capacity.basis (line 7): 'monthly_peak' is not a known capacity basis; use three_daily_max_hours, monthly_peak_quarter_hour, monthly_max_hour")]
    public void Static_tariff_values_are_checked(string body, string expected)
    {
        var yaml = StaticTariff(body + "\nbands: [ { name: All day, price: 1 } ]");
        var problems = Problems(yaml);

        Assert.Contains(expected, problems);
        if (!body.StartsWith("capacity", StringComparison.Ordinal))
        {
            Assert.Single(problems);
        }
    }

    [Fact]
    public void Capacity_steps_in_flow_style_must_be_contiguous()
    {
        var problems = Problems(StaticTariff("""
            bands: [ { name: All day, price: 1 } ]
            capacity:
              steps:
                - { from_kw: 0, to_kw: 2, monthly_price: 120 }
                - { from_kw: 3, to_kw: 5, monthly_price: 200 }
                - { from_kw: 4, to_kw: 10, monthly_price: 336 }
                - { from_kw: 10, monthly_price: 500 }
                - { from_kw: 20, to_kw: 15, monthly_price: -1 }
            """));

        Assert.Equal(
            [
                "sites[0].tariff.capacity.steps[1].from_kw (line 10): 3 leaves a gap after the previous step, which ends at to_kw 2; from_kw must equal the previous to_kw",
                "sites[0].tariff.capacity.steps[2].from_kw (line 11): 4 leaves an overlap after the previous step, which ends at to_kw 5; from_kw must equal the previous to_kw",
                "sites[0].tariff.capacity.steps[3].to_kw (line 12): required key is missing; only the last step may leave out to_kw (it is open-ended)",
                "sites[0].tariff.capacity.steps[4].monthly_price (line 13): -1 is negative; prices must be 0 or more",
                "sites[0].tariff.capacity.steps[4].to_kw (line 13): 15 must be greater than from_kw 20",
            ],
            problems);
    }

    [Fact]
    public void Capacity_reads_basis_minimum_and_per_kw_prices()
    {
        var result = Parse(StaticTariff("""
            bands: [ { name: All day, price: 1 } ]
            capacity:
              basis: monthly_peak_quarter_hour
              prices_include_vat: true
              minimum_kw: 2.5
              steps:
                - from_kw: 0
                  per_kw_monthly: 4.37
            """));

        var capacity = result.Options!.Sites[0].Tariff.Static()!.Capacity!;
        Assert.Equal("monthly_peak_quarter_hour", capacity.Basis);
        Assert.True(capacity.PricesIncludeVat);
        Assert.Equal(2.5m, capacity.MinimumKw);
        Assert.Equal(new CapacityStepOptions { FromKw = 0m, ToKw = null, PerKwMonthly = 4.37m }, Assert.Single(capacity.Steps));
    }

    [Fact]
    public void Capacity_at_threshold_says_which_step_a_value_on_a_threshold_is_billed_at()
    {
        const string Ladder = """
            bands: [ { name: All day, price: 1 } ]
            capacity:
              at_threshold: AT
              steps:
                - { from_kw: 0, to_kw: 2, monthly_price: 120 }
                - { from_kw: 2, monthly_price: 200 }
            """;
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

        MqttBridge.Domain.CapacityLadder LadderOf(string side) =>
            new MqttBridge.Sources.Static.StaticTariff(Parse(StaticTariff(Ladder.Replace("AT", side, StringComparison.Ordinal))).Options!.Sites[0].Tariff.Static()!, zone).Capacity!;

        Assert.Equal(1, LadderOf("step_below").StepNumber(2m));
        Assert.Equal(2, LadderOf("step_above").StepNumber(2m));
        Assert.Equal(2, new MqttBridge.Sources.Static.StaticTariff(Parse(StaticTariff(Ladder.Replace("  at_threshold: AT\n", "", StringComparison.Ordinal))).Options!.Sites[0].Tariff.Static()!, zone).Capacity!.StepNumber(2m));
        Assert.Equal(
            "sites[0].tariff.capacity.at_threshold (line 8): 'below' is not a known threshold side; use step_above, step_below",
            SingleProblem(StaticTariff(Ladder.Replace("AT", "below", StringComparison.Ordinal))));
    }
}
