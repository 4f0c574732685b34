using System.Globalization;
using System.Text.Json;
using MqttBridge.Domain;

namespace MqttBridge.Sensors;

/// <summary>
/// The sensors a meter feeds beyond the contract's two (<c>yesterday_consumption</c>, <c>month_max_hour</c>): running
/// totals, last month's basis, production, and — with a tariff that has a capacity ladder — the capacity step the
/// month max-hour selects. Pure, like <see cref="SiteSensors"/>.
/// <para>
/// Energy sensors carry no state class. The values arrive hours late and are corrected when Elvia verifies them:
/// Home Assistant's statistics would book them in the hour they arrive, and with <c>total_increasing</c> a
/// correction downwards reads as a meter reset, counting the day twice. <c>total</c> without <c>last_reset</c>
/// would book the midnight drop as negative use. The energy dashboard wants a live meter, not this.
/// </para>
/// </summary>
internal static class MeterSensors
{
    /// <summary>
    /// The meter's sensors beyond <c>month_max_hour</c> and <c>yesterday_consumption</c>, by what the meter produces;
    /// the capacity step, its price and the next step when the meter's month max falls on the tariff's ladder.
    /// </summary>
    public static IEnumerable<SensorDefinition> Definitions(SiteView site, string currency)
    {
        if (site.Meter is not { } meter)
        {
            yield break;
        }

        if (meter.Can(SourceCapabilities.MonthMax))
        {
            yield return new(SensorCatalog.LastMonthMaxHour, "Last month max hour") { DeviceClass = "power", Unit = "kW", StateClass = "measurement", Precision = 2, HasAttributes = true };
        }

        var today = !meter.Can(SourceCapabilities.PastDaysOnly);
        if (meter.Can(SourceCapabilities.Consumption))
        {
            if (today)
            {
                yield return SensorCatalog.Energy(SensorCatalog.TodayConsumption, "Consumption today");
            }

            yield return SensorCatalog.Energy(SensorCatalog.MonthConsumption, "Consumption this month");
        }

        if (meter.Can(SourceCapabilities.Production))
        {
            yield return SensorCatalog.Energy(SensorCatalog.YesterdayProduction, "Production yesterday");
            if (today)
            {
                yield return SensorCatalog.Energy(SensorCatalog.TodayProduction, "Production today");
            }

            yield return SensorCatalog.Energy(SensorCatalog.MonthProduction, "Production this month");
        }

        if (site.MeterOwnsCapacity)
        {
            yield return new(SensorCatalog.CapacityStep, "Capacity step") { Icon = "mdi:stairs-up", HasAttributes = true };
            yield return new(SensorCatalog.CapacityMonthlyPrice, "Capacity price this month") { Unit = $"{currency}/month", Precision = 0, Icon = "mdi:cash" };
            yield return new(SensorCatalog.CapacityNextStepKw, "Next capacity step at") { DeviceClass = "power", Unit = "kW", Precision = 1 };
        }
    }

    /// <summary>Every state and attribute document of the site's meter sensors at <paramref name="now"/>.</summary>
    public static void Render(SiteView view, DateTimeOffset now, Topics topics, Action<string, string> add)
    {
        var siteId = view.Id;
        var meter = view.Meter?.MeterData;
        var today = LocalDay.Of(now, view.Zone);
        var monthStart = LocalDay.StartOf(new DateOnly(today.Date.Year, today.Date.Month, 1), view.Zone);
        var lastMonthStart = LocalDay.StartOf(new DateOnly(today.Date.Year, today.Date.Month, 1).AddMonths(-1), view.Zone);

        void State(string key, decimal? value) => add(topics.State(siteId, key), value is { } v ? Format.Number(v) : Format.Unknown);
        void Attributes<T>(string key, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
            add(topics.Attributes(siteId, key), JsonSerializer.Serialize(value, type));

        var capabilities = view.Meter?.Capabilities ?? SourceCapabilities.None;
        var hasToday = !capabilities.HasFlag(SourceCapabilities.PastDaysOnly);
        if (capabilities.HasFlag(SourceCapabilities.Consumption))
        {
            Day(SensorCatalog.YesterdayConsumption, meter?.Consumption, today.Previous);
            if (hasToday)
            {
                Running(SensorCatalog.TodayConsumption, meter?.Consumption, today.Start, null);
            }

            Running(SensorCatalog.MonthConsumption, meter?.Consumption, monthStart, today.Date.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        }

        // Matched by month, not by slot: across a month boundary, data fetched before midnight still says which
        // month it is. This month's max from last month is unknown, not wrong; last night's "this month" is last month.
        MonthMax?[] known = [meter?.MonthMax, meter?.LastMonthMax];
        var month = known.FirstOrDefault(m => m is not null && IsMonth(m, monthStart));
        var lastMonth = known.FirstOrDefault(m => m is not null && IsMonth(m, lastMonthStart));
        if (capabilities.HasFlag(SourceCapabilities.MonthMax))
        {
            Max(SensorCatalog.MonthMaxHour, month, monthStart);
            Max(SensorCatalog.LastMonthMaxHour, lastMonth, lastMonthStart);
        }

        if (capabilities.HasFlag(SourceCapabilities.Production))
        {
            Day(SensorCatalog.YesterdayProduction, meter?.Production, today.Previous);
            if (hasToday)
            {
                Running(SensorCatalog.TodayProduction, meter?.Production, today.Start, null);
            }

            Running(SensorCatalog.MonthProduction, meter?.Production, monthStart, today.Date.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        }

        if (view.MeterOwnsCapacity)
        {
            var ladder = view.Tariff?.TariffData?.Capacity;
            var kw = month?.Kw;
            var step = ladder is not null && kw is { } k ? ladder.StepFor(k) : null;
            State(SensorCatalog.CapacityStep, ladder is not null && kw is { } s ? ladder.StepNumber(s) : null);
            Attributes(SensorCatalog.CapacityStep, new MeterCapacityAttributes(step?.FromKw, step?.ToKw, kw, ladder?.Currency), PublishedJsonContext.Relaxed.MeterCapacityAttributes);
            State(SensorCatalog.CapacityMonthlyPrice, ladder is not null && kw is { } p ? ladder.MonthlyCost(p) : null);
            State(SensorCatalog.CapacityNextStepKw, ladder is not null && kw is { } n ? ladder.NextStepAt(n) : null);
        }

        void Day(string key, ConsumptionSeries? series, LocalDay day)
        {
            var sum = series?.SumOf(day);
            var received = series?.SumBetween(day.Start, day.End);
            State(key, sum?.Kwh);
            Attributes(
                key,
                new DayAttributes(
                    day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    (int)Math.Round(day.Length.TotalHours),
                    received?.Intervals ?? 0,
                    sum is not null,
                    received?.AllVerified ?? false),
                PublishedJsonContext.Relaxed.DayAttributes);
        }

        void Running(string key, ConsumptionSeries? series, DateTimeOffset from, string? monthText)
        {
            var sum = series?.SumBetween(from, now);
            State(key, sum?.Kwh);
            Attributes(
                key,
                new RunningAttributes(monthText, sum is null ? null : Format.Timestamp(sum.Through, view.Zone), sum?.Intervals ?? 0, sum?.AllVerified ?? false),
                PublishedJsonContext.Relaxed.RunningAttributes);
        }

        void Max(string key, MonthMax? max, DateTimeOffset start)
        {
            State(key, max?.Kw);
            var hours = max?.Peaks.Select(p => new PeakHour(Format.Timestamp(p.Start, view.Zone), Format.Timestamp(p.End, view.Zone), Format.Rounded(p.Kwh), p.Verified)).ToList() ?? [];
            Attributes(
                key,
                new MaxHourAttributes(TimeZoneInfo.ConvertTime(start, view.Zone).ToString("yyyy-MM", CultureInfo.InvariantCulture), hours, hours.All(h => h.Verified) && hours.Count > 0),
                PublishedJsonContext.Relaxed.MaxHourAttributes);
        }

        static bool IsMonth(MonthMax max, DateTimeOffset localMonthStart) =>
            max.Year == localMonthStart.Year && max.Month == localMonthStart.Month;
    }
}

/// <summary><c>yesterday_*</c>: the local date, its length (23, 24 or 25 hours), intervals received, complete, all verified.</summary>
internal sealed record DayAttributes(string Date, int Hours, int Intervals, bool Complete, bool Verified);

/// <summary><c>today_*</c>, <c>month_*</c>: through when the data reaches (it lags the clock), and how much of it is verified.</summary>
internal sealed record RunningAttributes(string? Month, string? Through, int Intervals, bool Verified);

/// <summary>The peak hours behind a month max-hour, in time order.</summary>
internal sealed record MaxHourAttributes(string Month, IReadOnlyList<PeakHour> Hours, bool Verified);

internal sealed record PeakHour(string Start, string End, decimal Value, bool Verified);

internal sealed record MeterCapacityAttributes(decimal? FromKw, decimal? ToKw, decimal? MonthMaxKw, string? Currency);
