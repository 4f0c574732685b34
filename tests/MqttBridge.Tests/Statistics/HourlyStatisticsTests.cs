using MqttBridge.Domain;
using MqttBridge.Statistics;
using MqttBridge.Tests.Support;

namespace MqttBridge.Tests.Statistics;

public class HourlyStatisticsTests
{
    private static readonly TimeZoneInfo Oslo = TestCurves.Oslo;

    /// <summary>Readings of <paramref name="minutes"/> each over the local day, kWh = local hour + 1 spread over the hour's readings.</summary>
    private static ConsumptionSeries Day(DateOnly date, int minutes, Func<DateTimeOffset, bool>? keep = null)
    {
        var day = new LocalDay(date, Oslo);
        var readings = new List<MeterReading>();
        for (var t = day.Start; t < day.End; t = t.AddMinutes(minutes))
        {
            if (keep?.Invoke(t) ?? true)
            {
                var hour = TimeZoneInfo.ConvertTime(t, Oslo).Hour;
                readings.Add(new MeterReading(t, t.AddMinutes(minutes), (hour + 1) * minutes / 60m));
            }
        }

        return new ConsumptionSeries(readings);
    }

    [Fact]
    public void The_25_hour_day_gives_25_rows_and_the_repeated_0200_hour_twice()
    {
        var hours = HourlyValues.Energy(Day(new DateOnly(2026, 10, 25), 60));

        Assert.Equal(25, hours.Count);
        Assert.Equal(3m, hours[TestCurves.Local(2026, 10, 25, 2)]); // 02:00+02:00
        Assert.Equal(3m, hours[TestCurves.Local(2026, 10, 25, 2).AddHours(1)]); // 02:00+01:00
        Assert.Equal(Enumerable.Range(0, 24).Sum(h => h + 1) + 3, hours.Values.Sum());
    }

    [Fact]
    public void The_23_hour_day_gives_23_rows_without_0200()
    {
        var hours = HourlyValues.Energy(Day(new DateOnly(2026, 3, 29), 60));

        Assert.Equal(23, hours.Count);
        Assert.Equal(2m, hours[TestCurves.Local(2026, 3, 29, 1)]);
        Assert.Equal(4m, hours[TestCurves.Local(2026, 3, 29, 1).AddHours(1)]); // 03:00+02:00 follows 01:00+01:00
    }

    [Fact]
    public void Quarter_hours_are_summed_into_their_clock_hour()
    {
        var hours = HourlyValues.Energy(Day(new DateOnly(2026, 11, 29), 15));

        Assert.Equal(24, hours.Count);
        Assert.Equal(8m, hours[TestCurves.Local(2026, 11, 29, 7)]);
        Assert.All(hours.Keys, h => Assert.Equal(0, h.Minute));
    }

    [Fact]
    public void An_hour_with_a_missing_quarter_or_no_data_is_left_out_never_zero()
    {
        var missingQuarter = TestCurves.Local(2026, 11, 29, 10, 30);
        var missingHour = TestCurves.Local(2026, 11, 29, 14);
        var hours = HourlyValues.Energy(Day(new DateOnly(2026, 11, 29), 15, t => t != missingQuarter && (t < missingHour || t >= missingHour.AddHours(1))));

        Assert.Equal(22, hours.Count);
        Assert.False(hours.ContainsKey(TestCurves.Local(2026, 11, 29, 10)));
        Assert.False(hours.ContainsKey(missingHour));
    }

    [Fact]
    public void Cost_is_each_hours_energy_times_its_time_weighted_15_minute_price()
    {
        var date = new DateOnly(2026, 11, 29);
        var energy = HourlyValues.Energy(Day(date, 60));
        var prices = TestCurves.Days(date, 1, 15, t => TimeZoneInfo.ConvertTime(t, Oslo).Minute < 30 ? 1.00m : 0.50m);

        var cost = HourlyValues.Cost(energy, prices);

        Assert.Equal(24, cost.Count);
        Assert.Equal(8m * 0.75m, cost[TestCurves.Local(2026, 11, 29, 7)]);
    }

    [Fact]
    public void Hours_without_a_known_price_get_no_cost_row()
    {
        var date = new DateOnly(2026, 11, 29);
        var energy = HourlyValues.Energy(Day(date, 60));
        var prices = new PriceCurve("NOK", TestCurves.Days(date, 1, 60, _ => 1m).Slots.Where(s => s.Start >= TestCurves.Local(2026, 11, 29, 12)));

        var cost = HourlyValues.Cost(energy, prices);

        Assert.Equal(12, cost.Count);
        Assert.Equal(TestCurves.Local(2026, 11, 29, 12), cost.Keys.First());
    }

    [Fact]
    public void First_import_sums_from_zero_in_hour_order()
    {
        var hours = HourlyValues.Energy(Day(new DateOnly(2026, 11, 29), 60));

        var plan = StatisticLedger.Empty.Plan(hours);

        Assert.Equal(24, plan.Count);
        Assert.Equal([1m, 3m, 6m], plan.Take(3).Select(r => r.Sum));
        Assert.Equal(300m, plan[^1].Sum);
    }

    [Fact]
    public void Nothing_is_sent_again_when_nothing_changed()
    {
        var hours = HourlyValues.Energy(Day(new DateOnly(2026, 11, 29), 60));
        var ledger = StatisticLedger.Empty.With(StatisticLedger.Empty.Plan(hours));

        Assert.Empty(ledger.Plan(hours));
    }

    [Fact]
    public void A_corrected_hour_is_sent_with_every_later_row_and_their_sums_moved_by_the_difference()
    {
        var hours = HourlyValues.Energy(Day(new DateOnly(2026, 11, 29), 60));
        var ledger = StatisticLedger.Empty.With(StatisticLedger.Empty.Plan(hours));
        var corrected = new SortedDictionary<DateTimeOffset, decimal>(hours) { [TestCurves.Local(2026, 11, 29, 20)] = 25m };

        var plan = ledger.Plan(corrected);

        Assert.Equal(4, plan.Count); // 20:00 … 23:00
        Assert.Equal(new StatisticRow(TestCurves.Local(2026, 11, 29, 20).ToUniversalTime(), 25m, ledger.Rows[19].Sum + 25m), plan[0]);
        Assert.Equal(300m + 4m, plan[^1].Sum);
    }

    [Fact]
    public void A_gap_filled_later_is_inserted_and_later_sums_follow()
    {
        var gap = TestCurves.Local(2026, 11, 29, 5);
        var full = HourlyValues.Energy(Day(new DateOnly(2026, 11, 29), 60));
        var first = new SortedDictionary<DateTimeOffset, decimal>(full.Where(h => h.Key != gap).ToDictionary());
        var ledger = StatisticLedger.Empty.With(StatisticLedger.Empty.Plan(first));
        Assert.DoesNotContain(ledger.Rows, r => r.Start == gap);
        Assert.Equal(300m - 6m, ledger.Rows[^1].Sum);

        var plan = ledger.Plan(full);

        Assert.Equal(gap, plan[0].Start);
        Assert.Equal(24 - 5, plan.Count);
        Assert.Equal(300m, plan[^1].Sum);
    }

    [Fact]
    public void Hours_the_ledger_holds_and_a_thinner_answer_lacks_keep_their_value()
    {
        var hours = HourlyValues.Energy(Day(new DateOnly(2026, 11, 29), 60));
        var ledger = StatisticLedger.Empty.With(StatisticLedger.Empty.Plan(hours));
        var thin = new SortedDictionary<DateTimeOffset, decimal> { [TestCurves.Local(2026, 11, 29, 22)] = 1m };

        var plan = ledger.Plan(thin);

        Assert.Equal([1m, 24m], plan.Select(r => r.State));
        Assert.Equal(300m - 23m + 1m, plan[^1].Sum);
    }

    [Fact]
    public void A_ledger_read_back_from_home_assistant_continues_its_sums()
    {
        var stored = new[] { new StatisticRow(TestCurves.Local(2026, 11, 29, 0), 2m, 102m), new StatisticRow(TestCurves.Local(2026, 11, 29, 1), 3m, 105m) };
        var ledger = StatisticLedger.FromStored(stored);
        var hours = new SortedDictionary<DateTimeOffset, decimal> { [stored[0].Start] = 2m, [stored[1].Start] = 3m, [TestCurves.Local(2026, 11, 29, 2)] = 4m };

        var plan = ledger.Plan(hours);

        Assert.Equal(100m, ledger.Base);
        Assert.Equal([new StatisticRow(TestCurves.Local(2026, 11, 29, 2), 4m, 109m)], plan);
    }

    [Fact]
    public void Pruned_hours_are_closed_and_the_base_carries_their_total()
    {
        var hours = HourlyValues.Energy(Day(new DateOnly(2026, 11, 29), 60));
        var ledger = StatisticLedger.Empty.With(StatisticLedger.Empty.Plan(hours)).Prune(TestCurves.Local(2026, 11, 29, 12));
        var changedOld = new SortedDictionary<DateTimeOffset, decimal>(hours) { [TestCurves.Local(2026, 11, 29, 3)] = 99m };

        Assert.Equal(12, ledger.Rows.Count);
        Assert.Equal(78m, ledger.Base);
        Assert.Empty(ledger.Plan(changedOld));
    }

    [Fact]
    public void A_site_feeds_the_statistics_its_meter_offers_and_cost_only_with_a_tariff()
    {
        var now = TestCurves.Local(2026, 11, 30, 8);
        var series = Day(new DateOnly(2026, 11, 29), 60);
        var meter = new SourceReport(SourceRole.Meter, "any", SourceCapabilities.Consumption | SourceCapabilities.Production)
        {
            MeterData = new MeterSnapshot(series, null, now, now.AddHours(3)) { Production = series },
        };
        var prices = TestCurves.Days(new DateOnly(2026, 11, 29), 2, 60, _ => 2m, "SEK");
        var tariff = new SourceReport(SourceRole.Tariff, "any", SourceCapabilities.PriceCurve) { TariffData = new TariffSnapshot(prices, null, now, now.AddDays(1)) };

        var withTariff = SiteStatistics.Of(new SiteView("cabin", "Cabin", Oslo, tariff, meter), prices);
        var meterOnly = SiteStatistics.Of(new SiteView("cabin", "Cabin", Oslo, null, meter with { Capabilities = SourceCapabilities.Consumption }), prices);
        var notAnswered = SiteStatistics.Of(new SiteView("cabin", "Cabin", Oslo, tariff, meter with { MeterData = null }), prices);

        Assert.Equal(["mqttbridge:cabin_consumption", "mqttbridge:cabin_production", "mqttbridge:cabin_cost"], withTariff.Select(s => s.Definition.Id));
        Assert.Equal(new StatisticDefinition("mqttbridge:cabin_cost", "Cabin grid cost", "SEK", null), withTariff[2].Definition);
        Assert.Equal("energy", withTariff[0].Definition.UnitClass);
        Assert.Equal(600m, withTariff[2].Hours.Values.Sum());
        Assert.Equal(["mqttbridge:cabin_consumption"], meterOnly.Select(s => s.Definition.Id));
        Assert.Empty(notAnswered);
    }
}
