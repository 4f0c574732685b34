using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources.Static;

namespace MqttBridge.Tests.StaticTariffs;

/// <summary>
/// The shipped default and the example configs: same shape as config/mqttbridge.yaml, same figures as the records in
/// <see cref="TariffExamples"/>, and the prices a user of each country would see.
/// </summary>
public sealed class ExampleConfigTests
{
    private static readonly string[] Examples =
    [
        "config/mqttbridge.yaml",
        "config/examples/denmark-radius.yaml",
        "config/examples/sweden-time-tariff.yaml",
        "config/examples/flanders-fluvius.yaml",
    ];

    /// <summary>Examples of API sources, tested with their source (Digin/DiginConfigTests).</summary>
    private static readonly string[] TestedElsewhere = ["config/examples/norway-digin-elvia.yaml"];

    public static TheoryData<string> ExampleFiles
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var file in Examples)
            {
                data.Add(file);
            }

            return data;
        }
    }

    private static StaticTariffOptions RecordFor(string file) => file switch
    {
        "config/mqttbridge.yaml" => TariffExamples.Elvia,
        "config/examples/denmark-radius.yaml" => TariffExamples.DenmarkRadius,
        "config/examples/sweden-time-tariff.yaml" => TariffExamples.SwedenTimeTariff,
        "config/examples/flanders-fluvius.yaml" => TariffExamples.FlandersFluvius,
        _ => throw new ArgumentException(file, nameof(file)),
    };

    private static DateTimeOffset Local(TimeZoneInfo zone, int year, int month, int day, int hour, int minute = 0) =>
        LocalDay.LocalToInstant(new DateTime(year, month, day, hour, minute, 0), zone);

    private static PriceSlot At(StaticTariff tariff, DateTimeOffset instant) =>
        tariff.CurveFor(LocalDay.Of(instant, tariff.Zone)).At(instant) ?? throw new InvalidOperationException($"No price at {instant:O}");

    [Fact]
    public void Every_yaml_under_config_examples_is_tested()
    {
        var onDisk = Directory.GetFiles(RepoPaths.File("config/examples"), "*.yaml")
            .Select(f => "config/examples/" + Path.GetFileName(f))
            .Order();

        Assert.Equal(Examples.Skip(1).Concat(TestedElsewhere).Order(), onDisk);
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Yaml_has_the_shape_of_the_default_config_and_the_figures_of_its_record(string file)
    {
        var yaml = ExampleConfigYaml.Load(RepoPaths.File(file));

        Assert.Matches("^[a-z0-9_]+$", yaml.SiteId);
        Assert.NotEqual("bridge", yaml.SiteId);
        Assert.Equal(ExampleConfigYaml.Describe(RecordFor(file)), ExampleConfigYaml.Describe(yaml.Tariff));
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Yaml_figures_give_a_full_normal_day_of_slots(string file)
    {
        var yaml = ExampleConfigYaml.Load(RepoPaths.File(file));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(yaml.TimeZone);
        var tariff = new StaticTariff(yaml.Tariff, zone);

        // Tuesday 24 Nov 2026: 24 hours, so 24 hourly or 96 quarter-hour slots, each priced.
        var curve = tariff.CurveFor(new LocalDay(new DateOnly(2026, 11, 24), zone));

        Assert.Equal(24 * 60 / yaml.Tariff.Resolution, curve.Slots.Count);
        Assert.Equal(TimeSpan.FromHours(24), curve.End - curve.Start);
        Assert.All(curve.Slots, s => Assert.True(s.Price > 0));
        Assert.All(curve.Slots, s => Assert.NotNull(s.Level));
    }

    [Fact]
    public void Denmark_radius_prices_winter_peak_and_summer_night_with_computed_levels()
    {
        var tariff = new StaticTariff(TariffExamples.DenmarkRadius, TariffExamples.Copenhagen);
        var zone = tariff.Zone;

        // Taxes 0.008 + 0.1130 = 0.121 DKK/kWh. Winter spidslast 18:00: (1.1649 + 0.121) * 1.25 = 1.2859 * 1.25 = 1.607375.
        Assert.Equal(1.607375m, At(tariff, Local(zone, 2026, 11, 24, 18)).Price);

        // Winter højlast 21:00 (21-24 is højlast again): (0.3883 + 0.121) * 1.25 = 0.5093 * 1.25 = 0.636625.
        Assert.Equal(0.636625m, At(tariff, Local(zone, 2026, 11, 24, 21)).Price);

        // Summer lavlast 03:00: (0.1294 + 0.121) * 1.25 = 0.313; summer spidslast 17:00: (0.5048 + 0.121) * 1.25 = 0.78225.
        Assert.Equal(0.313m, At(tariff, Local(zone, 2026, 7, 15, 3)).Price);
        Assert.Equal(0.78225m, At(tariff, Local(zone, 2026, 7, 15, 17)).Price);

        // Weekends cost the same as weekdays in Tarifmodel 3.0: Saturday 28 Nov 18:00.
        Assert.Equal(1.607375m, At(tariff, Local(zone, 2026, 11, 28, 18)).Price);

        // Levels (no band sets one), winter day before VAT: lavlast 6 h 0.2504, højlast 14 h 0.5093, spidslast 4 h 1.2859;
        // mean (1.5024 + 7.1302 + 5.1436) / 24 = 0.5740. Ratios 0.436 very cheap, 0.887 cheap, 2.240 very expensive.
        Assert.Equal(PriceLevel.VeryCheap, At(tariff, Local(zone, 2026, 11, 24, 3)).Level);
        Assert.Equal(PriceLevel.Cheap, At(tariff, Local(zone, 2026, 11, 24, 12)).Level);
        Assert.Equal(PriceLevel.VeryExpensive, At(tariff, Local(zone, 2026, 11, 24, 18)).Level);

        // Quarter-hours: 92 on the spring-forward day, 100 on the fall-back day.
        Assert.Equal(92, tariff.CurveFor(new LocalDay(new DateOnly(2026, 3, 29), zone)).Slots.Count);
        Assert.Equal(100, tariff.CurveFor(new LocalDay(new DateOnly(2026, 10, 25), zone)).Slots.Count);
        Assert.Null(tariff.Capacity);
    }

    [Fact]
    public void Sweden_high_load_is_winter_working_days_only()
    {
        var tariff = new StaticTariff(TariffExamples.SwedenTimeTariff, TariffExamples.Stockholm);
        var zone = tariff.Zone;

        // Höglast: (0.612 + 0.360) * 1.25 = 1.215 SEK/kWh; låglast: (0.244 + 0.360) * 1.25 = 0.755 SEK/kWh.
        Assert.Equal(1.215m, At(tariff, Local(zone, 2026, 11, 24, 6)).Price);
        Assert.Equal(PriceLevel.Expensive, At(tariff, Local(zone, 2026, 11, 24, 6)).Level);
        Assert.Equal(0.755m, At(tariff, Local(zone, 2026, 11, 24, 5)).Price);
        Assert.Equal(0.755m, At(tariff, Local(zone, 2026, 11, 24, 22)).Price);
        Assert.Equal(0.755m, At(tariff, Local(zone, 2026, 11, 28, 12)).Price); // Saturday
        Assert.Equal(0.755m, At(tariff, Local(zone, 2026, 7, 15, 12)).Price);  // July: no high load
        Assert.Equal(1.215m, At(tariff, Local(zone, 2026, 3, 31, 12)).Price);  // last day of the season
        Assert.Equal(0.755m, At(tariff, Local(zone, 2026, 4, 1, 12)).Price);
        Assert.Equal(0.755m, At(tariff, Local(zone, 2026, 12, 24, 12)).Price); // Christmas Eve, a Thursday
        Assert.Equal(0.755m, At(tariff, Local(zone, 2026, 1, 6, 12)).Price);   // Epiphany, a Tuesday
    }

    [Fact]
    public void Flanders_day_rate_capacity_floor_and_holidays()
    {
        var tariff = new StaticTariff(TariffExamples.FlandersFluvius, TariffExamples.Brussels);
        var zone = tariff.Zone;

        // Levies 0.0503 + 0.0020 = 0.0523 EUR/kWh. Day: (0.0612 + 0.0523) * 1.06 = 0.1135 * 1.06 = 0.12031;
        // night: (0.0459 + 0.0523) * 1.06 = 0.0982 * 1.06 = 0.104092.
        Assert.Equal(0.104092m, At(tariff, Local(zone, 2026, 11, 24, 6, 45)).Price);
        Assert.Equal(0.12031m, At(tariff, Local(zone, 2026, 11, 24, 7, 0)).Price);
        Assert.Equal(0.12031m, At(tariff, Local(zone, 2026, 11, 24, 21, 45)).Price);
        Assert.Equal(0.104092m, At(tariff, Local(zone, 2026, 11, 24, 22, 0)).Price);
        Assert.Equal(0.104092m, At(tariff, Local(zone, 2026, 11, 11, 12)).Price); // Wapenstilstand, a Wednesday
        Assert.Equal(0.104092m, At(tariff, Local(zone, 2026, 7, 21, 12)).Price);  // national day, a Tuesday

        // Capacity: 4.37 EUR/kW/month * 1.06 = 4.6322. 1.8 kW bills the 2.5 kW floor: 11.5805; 5 kW: 23.161.
        var ladder = tariff.Capacity!;
        Assert.Equal(CapacityBasis.MonthlyPeakQuarterHour, ladder.Basis);
        Assert.Equal(2.5m, ladder.MinimumKw);
        Assert.Equal(11.5805m, ladder.MonthlyCost(1.8m));
        Assert.Equal(23.161m, ladder.MonthlyCost(5m));
        Assert.Equal("EUR", ladder.Currency);
    }
}
