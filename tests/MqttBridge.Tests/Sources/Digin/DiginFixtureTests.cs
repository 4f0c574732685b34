using MqttBridge.Domain;
using MqttBridge.Sources.Digin;
using static MqttBridge.TestSupport.DiginFixtures;

namespace MqttBridge.Tests.Digin;

/// <summary>Every example answer of the DIGIN standard parses and maps to the slots, levels and fixed prices it states.</summary>
public sealed class DiginFixtureTests
{
    private static readonly DateTimeOffset Midnight = new(2021, 9, 17, 0, 0, 0, TimeSpan.FromHours(2));

    private static Dictionary<string, DiginSiteTariff> Load(string name) =>
        DiginMapper.ByMeteringPoint(DiginMapper.Parse(DiginMapper.Decode(Bytes(name), out _), DiginJsonContext.Default.DiginMeteringPointsResult));

    [Fact]
    public void Monthlymax_maps_13_hourly_slots_with_the_api_levels_and_the_step_of_each_metering_point()
    {
        var sites = Load(MonthlyMax);

        Assert.Equal(["707057500000000000", "707057500000000001", "707057500000000002", "707057500000000003"], sites.Keys.Order());
        var curve = sites["707057500000000001"].Tariff.Curve;
        Assert.Equal("NOK", curve.Currency);
        Assert.Equal(13, curve.Slots.Count);
        Assert.Equal(Midnight, curve.Start);
        Assert.Equal(Midnight.AddHours(13), curve.End);
        Assert.All(curve.Slots, s => Assert.Equal(TimeSpan.FromHours(1), s.Duration));
        Assert.Equal(new PriceSlot(Midnight, Midnight.AddHours(1), 0.2585m, PriceLevel.Cheap), curve.Slots[0]);
        Assert.Equal(new PriceSlot(Midnight.AddHours(5), Midnight.AddHours(6), 0.2585m, PriceLevel.Cheap), curve.Slots[5]);
        Assert.Equal(new PriceSlot(Midnight.AddHours(6), Midnight.AddHours(7), 0.285m, PriceLevel.Normal), curve.Slots[6]);
        Assert.Equal(new PriceSlot(Midnight.AddHours(12), Midnight.AddHours(13), 0.285m, PriceLevel.Normal), curve.Slots[12]);

        // Sites on one tariff share one curve.
        Assert.Same(curve, sites["707057500000000003"].Tariff.Curve);
        Assert.Equal("normal_low_cons", sites["707057500000000001"].Tariff.TariffKey);
        Assert.Equal(new DateTimeOffset(2021, 9, 1, 0, 0, 0, TimeSpan.FromHours(2)), sites["707057500000000001"].Tariff.LastUpdated);

        var low = sites["707057500000000001"].Fixed!;
        Assert.Equal("monthlymax", low.Basis);
        Assert.Equal(6, low.Steps.Count);
        Assert.Equal(1, low.CurrentNumber);
        Assert.Equal(new FixedPriceStep(0m, 2m, "kWh/h", 100m), low.Current);
        Assert.Equal("0–2 kWh/h", low.Current!.Range());
        Assert.Equal("NOK", low.Currency);

        // September has 30 days: the hourId of every hour is the 30-day variant, resolved inside the step.
        Assert.Equal(13, low.PerHour.Slots.Count);
        Assert.Equal(0.1388m, low.PerHour.At(Midnight.AddHours(3))!.Price);

        var high = sites["707057500000000002"].Fixed!;
        Assert.Equal(4, high.CurrentNumber);
        Assert.Equal(new FixedPriceStep(8m, 12m, "kWh/h", 170m), high.Current);
        Assert.Equal(0.2361m, high.PerHour.At(Midnight.AddHours(12))!.Price);
        Assert.Equal("16+ kWh/h", high.Steps[^1].Range());
        Assert.Equal(350m, high.Steps[^1].MonthlyTotal);

        // levelId null: no consumption calculated yet this month; the ladder is known, the step is not.
        var unknown = sites["707057500000000000"].Fixed!;
        Assert.Null(unknown.Current);
        Assert.Null(unknown.CurrentNumber);
        Assert.Equal(6, unknown.Steps.Count);
        Assert.True(unknown.PerHour.IsEmpty);
        Assert.Null(unknown.Power);
    }

    [Fact]
    public void Dailymax_example_trusts_the_basis_field_not_the_file_name()
    {
        var sites = Load(DailyMax);

        var site = sites["707057500000000006"];
        Assert.Equal("normal_low_cons_dailymax", site.Tariff.TariffKey);
        Assert.Equal("monthlymax", site.Fixed!.Basis);
        Assert.Equal(4, site.Fixed.CurrentNumber);
        Assert.Equal(170m, site.Fixed.Current!.MonthlyTotal);
        Assert.Equal(0.2585m, site.Tariff.Curve.At(Midnight)!.Price);
        Assert.Equal(PriceLevel.Cheap, site.Tariff.Curve.At(Midnight)!.Level);
        Assert.Equal(0.285m, site.Tariff.Curve.At(Midnight.AddHours(6))!.Price);
        Assert.Equal(1, sites["707057500000000005"].Fixed!.CurrentNumber);
        Assert.Null(sites["707057500000000004"].Fixed!.Current);
        Assert.Equal(["707057500000000004", "707057500000000005", "707057500000000006", "707057500000000007"], sites.Keys.Order());
    }

    [Fact]
    public void Fusesize_steps_are_amperes_with_min_equal_to_max()
    {
        var sites = Load(FuseSize);

        var small = sites["707057500000000009"].Fixed!;
        Assert.Equal("fusesize", small.Basis);
        Assert.Equal(8, small.Steps.Count);
        Assert.Equal(new FixedPriceStep(10m, 10m, "A", 100m), small.Current);
        Assert.Equal("10 A", small.Current!.Range());
        Assert.Equal(0.1388m, small.PerHour.At(Midnight)!.Price);

        var big = sites["707057500000000010"].Fixed!;
        Assert.Equal(new FixedPriceStep(35m, 35m, "A", 170m), big.Current);

        // levelInfo says "Fuse size: 88 A" for the 80 A step: the bridge never reads levelInfo.
        Assert.Equal(new FixedPriceStep(80m, 80m, "A", 500m), big.Steps[6]);
        Assert.Equal(new FixedPriceStep(99m, 99m, "A", 700m), big.Steps[7]);
        Assert.Null(sites["707057500000000008"].Fixed!.Current);
    }

    [Fact]
    public void Lsdn_example1_has_a_fixed_basis_one_step_and_a_power_price()
    {
        var site = Load(Lsdn1)["707057500000000000"];

        Assert.Equal("power_ls_dn", site.Tariff.TariffKey);
        Assert.All(site.Tariff.Curve.Slots, s => Assert.Equal((0.2585m, PriceLevel.Normal), (s.Price, s.Level!.Value)));
        Assert.Equal(13, site.Tariff.Curve.Slots.Count);
        Assert.Equal("fixed", site.Fixed!.Basis);
        Assert.Equal(1, site.Fixed.CurrentNumber);
        Assert.Equal(140m, site.Fixed.Current!.MonthlyTotal);
        Assert.Equal("all", site.Fixed.Current.Range());
        Assert.Equal(0.1944m, site.Fixed.PerHour.At(Midnight)!.Price);

        var power = site.Fixed.Power!;
        Assert.Equal("NOK/kW/month", power.Unit);
        Assert.True(power.ReactivePricing);
        var step = Assert.Single(power.Steps);
        Assert.Equal(new PowerPriceStep(null, null, null, 27.5m, 13.2625m), step);
    }

    [Fact]
    public void Lsdn_example2_has_two_power_steps()
    {
        var site = Load(Lsdn2)["707057500000000011"];

        Assert.Equal("Nettleie lavspent dn diff effektledd", site.Tariff.Title);
        Assert.Equal(
            [new PowerPriceStep(0m, 100m, "kW", 27.5m, 13.2625m), new PowerPriceStep(100m, null, "kW", 13.75m, 13.2625m)],
            site.Fixed!.Power!.Steps);
    }

    [Fact]
    public void Hsdn_example_is_latin1_and_is_read_as_such()
    {
        var bytes = Bytes(Hsdn);
        Assert.Equal(0xF8, bytes[269]);

        var text = DiginMapper.Decode(bytes, out var latin1);
        var sites = DiginMapper.ByMeteringPoint(DiginMapper.Parse(text, DiginJsonContext.Default.DiginMeteringPointsResult));

        Assert.True(latin1);
        Assert.Equal("Nettleie høyspent dn", sites["707057500000000012"].Tariff.Title);
        Assert.Equal("power_hs_dn", sites["707057500000000013"].Tariff.TariffKey);
        Assert.Equal(0.2585m, sites["707057500000000014"].Tariff.Curve.At(Midnight.AddHours(12))!.Price);
        Assert.Equal(27.5m, sites["707057500000000014"].Fixed!.Power!.Steps[0].ActiveMonthly);
        Assert.Equal(140m, sites["707057500000000014"].Fixed!.Current!.MonthlyTotal);
    }

    [Fact]
    public void Utf8_fixtures_are_not_mistaken_for_latin1()
    {
        DiginMapper.Decode(Bytes(MonthlyMax), out var latin1);
        Assert.False(latin1);
    }

    [Fact]
    public void Legacy_v09_answers_are_reported_as_such()
    {
        const string legacy = """{"gridTariffCollections":[{"gridTariff":{},"meteringPointsAndPriceLevels":[{"priceLevel":"x","meteringPointIds":["707057500000000001"]}]}]}""";

        var ex = Assert.Throws<FormatException>(() => DiginMapper.Parse(legacy, DiginJsonContext.Default.DiginMeteringPointsResult));

        Assert.Contains("pre-1.0 DIGIN format", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_a_format_exception_with_a_line()
    {
        var ex = Assert.Throws<FormatException>(() => DiginMapper.Parse("{\"gridTariffCollections\": [ {\n\"gridTariff\": ", DiginJsonContext.Default.DiginMeteringPointsResult));

        Assert.StartsWith("the answer is not valid DIGIN JSON at line 2", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, "2026-10-25", 25)]
    [InlineData(15, "2026-10-25", 100)]
    [InlineData(60, "2026-03-29", 23)]
    [InlineData(15, "2026-03-29", 92)]
    [InlineData(15, "2026-11-23", 96)]
    public void Dst_days_and_quarter_hours_map_to_their_real_slots(int resolution, string day, int slots)
    {
        var date = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        var text = Around(MonthlyMax, date, days: 1, resolution: resolution);

        var site = DiginMapper.ByMeteringPoint(DiginMapper.Parse(text, DiginJsonContext.Default.DiginMeteringPointsResult))["707057500000000002"];

        var curve = site.Tariff.Curve;
        var localDay = new LocalDay(date, Oslo);
        Assert.Equal(slots, curve.Slots.Count);
        Assert.Equal(localDay.Start, curve.Start);
        Assert.Equal(localDay.End, curve.End);
        Assert.All(curve.Slots, s => Assert.Equal(TimeSpan.FromMinutes(resolution), s.Duration));
        Assert.Equal(slots, site.Fixed!.PerHour.Slots.Count);
    }

    [Fact]
    public void On_the_25_hour_day_both_0200_hours_have_their_own_slot()
    {
        var site = DiginMapper.ByMeteringPoint(DiginMapper.Parse(Around(MonthlyMax, new DateOnly(2026, 10, 25), days: 1), DiginJsonContext.Default.DiginMeteringPointsResult))["707057500000000001"];

        var summer = new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2));
        var winter = new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(1));
        Assert.NotEqual(site.Tariff.Curve.At(summer)!.Start, site.Tariff.Curve.At(winter)!.Start);

        // October has 31 days: the 31-day variant of step 1.
        Assert.Equal(0.1344m, site.Fixed!.PerHour.At(winter)!.Price);
    }
}
