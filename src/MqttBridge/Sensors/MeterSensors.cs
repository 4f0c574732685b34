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

        // A meter whose data comes a day late has nothing for today: no today_* sensor that would stay unknown.
        var intraday = meter.Can(SourceCapabilities.Intraday);
        if (meter.Can(SourceCapabilities.Consumption))
        {
            if (intraday)
            {
                yield return SensorCatalog.Energy(SensorCatalog.TodayConsumption, "Consumption today");
            }

            yield return SensorCatalog.Energy(SensorCatalog.MonthConsumption, "Consumption this month");
        }

        if (meter.Can(SourceCapabilities.Production))
        {
            yield return SensorCatalog.Energy(SensorCatalog.YesterdayProduction, "Production yesterday");
            if (intraday)
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

        // A contract figure, not a measurement: no state class (statistics of a constant help no one).
        if (meter.Can(SourceCapabilities.SubscribedPower))
        {
            yield return new(SensorCatalog.SubscribedPower, "Subscribed power") { DeviceClass = "power", Unit = "kW", Precision = 1, Icon = "mdi:gauge" };
        }

        if (meter.Can(SourceCapabilities.MonthlyConsumption))
        {
            yield return SensorCatalog.Energy(SensorCatalog.LastMonthConsumption, "Consumption last month");
        }

        // A gas EAN: its own sensors, never capacity ones (no month max is offered for gas).
        if (meter.Can(SourceCapabilities.Gas))
        {
            yield return SensorCatalog.GasVolume(SensorCatalog.YesterdayGas, "Gas yesterday");
            yield return SensorCatalog.GasVolume(SensorCatalog.MonthGas, "Gas this month");
        }

        if (meter.Can(SourceCapabilities.GasEnergy))
        {
            yield return SensorCatalog.Energy(SensorCatalog.YesterdayGasEnergy, "Gas energy yesterday");
            yield return SensorCatalog.Energy(SensorCatalog.MonthGasEnergy, "Gas energy this month");
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

        bool Can(SourceCapabilities capability) => view.Meter?.Can(capability) == true;
        var intraday = Can(SourceCapabilities.Intraday);
        if (Can(SourceCapabilities.Consumption))
        {
            Day(SensorCatalog.YesterdayConsumption, meter?.Consumption, today.Previous, meter?.ConsumptionRegisters);
            if (intraday)
            {
                Running(SensorCatalog.TodayConsumption, meter?.Consumption, today.Start, null, meter?.ConsumptionRegisters);
            }

            Running(SensorCatalog.MonthConsumption, meter?.Consumption, monthStart, today.Date.ToString("yyyy-MM", CultureInfo.InvariantCulture), meter?.ConsumptionRegisters);
        }

        // This month's max from last month's data is unknown, not wrong; last night's "this month" is last month.
        var month = view.MonthMaxOf(monthStart.Year, monthStart.Month);
        var lastMonth = view.MonthMaxOf(lastMonthStart.Year, lastMonthStart.Month);
        if (Can(SourceCapabilities.MonthMax))
        {
            Max(SensorCatalog.MonthMaxHour, month, monthStart);
            Max(SensorCatalog.LastMonthMaxHour, lastMonth, lastMonthStart);
        }

        if (Can(SourceCapabilities.Production))
        {
            Day(SensorCatalog.YesterdayProduction, meter?.Production, today.Previous, meter?.ProductionRegisters);
            if (intraday)
            {
                Running(SensorCatalog.TodayProduction, meter?.Production, today.Start, null, meter?.ProductionRegisters);
            }

            Running(SensorCatalog.MonthProduction, meter?.Production, monthStart, today.Date.ToString("yyyy-MM", CultureInfo.InvariantCulture), meter?.ProductionRegisters);
        }

        if (view.MeterOwnsCapacity)
        {
            var ladder = view.Tariff?.TariffData?.Capacity;
            var kw = view.BilledKw(monthStart.Year, monthStart.Month);
            var step = ladder is not null && kw is { } k ? ladder.StepFor(k) : null;
            State(SensorCatalog.CapacityStep, ladder is not null && kw is { } s ? ladder.StepNumber(s) : null);
            Attributes(
                SensorCatalog.CapacityStep,
                new MeterCapacityAttributes(step?.FromKw, step?.ToKw, month?.Kw, ladder?.Currency) { BilledKw = ladder is { AveragedMonths: > 1 } && kw is { } b ? Format.Rounded(b) : null },
                PublishedJsonContext.Relaxed.MeterCapacityAttributes);
            State(SensorCatalog.CapacityMonthlyPrice, view.MeterCapacityMonthlyCost(now));
            State(SensorCatalog.CapacityNextStepKw, ladder is not null && kw is { } n ? ladder.NextStepAt(n) : null);
        }

        if (Can(SourceCapabilities.SubscribedPower))
        {
            State(SensorCatalog.SubscribedPower, meter?.SubscribedPowerKw);
        }

        if (Can(SourceCapabilities.MonthlyConsumption))
        {
            var reading = meter?.Months.FirstOrDefault(m => m.Year == lastMonthStart.Year && m.Month == lastMonthStart.Month);
            State(SensorCatalog.LastMonthConsumption, reading?.Kwh);
            Attributes(
                SensorCatalog.LastMonthConsumption,
                new MonthReadingAttributes(
                    lastMonthStart.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                    reading?.ReadOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    reading?.Method,
                    reading?.Reason),
                PublishedJsonContext.Relaxed.MonthReadingAttributes);
        }

        if (Can(SourceCapabilities.Gas))
        {
            Day(SensorCatalog.YesterdayGas, meter?.Gas, today.Previous);
            Running(SensorCatalog.MonthGas, meter?.Gas, monthStart, today.Date.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        }

        if (Can(SourceCapabilities.GasEnergy))
        {
            Day(SensorCatalog.YesterdayGasEnergy, meter?.GasEnergy, today.Previous);
            Running(SensorCatalog.MonthGasEnergy, meter?.GasEnergy, monthStart, today.Date.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        }

        void Day(string key, ConsumptionSeries? series, LocalDay day, DayNightRegisters? registers = null)
        {
            var sum = series?.SumOf(day);
            var received = series?.SumBetween(day.Start, day.End);
            var split = sum is null ? null : registers?.Between(day.Start, day.End);
            State(key, sum?.Kwh);
            Attributes(
                key,
                new DayAttributes(
                    day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    (int)Math.Round(day.Length.TotalHours),
                    received?.Intervals ?? 0,
                    sum is not null,
                    received?.AllVerified ?? false)
                {
                    DayKwh = split is { } d ? Format.Rounded(d.Day) : null,
                    NightKwh = split is { } n ? Format.Rounded(n.Night) : null,
                },
                PublishedJsonContext.Relaxed.DayAttributes);
        }

        void Running(string key, ConsumptionSeries? series, DateTimeOffset from, string? monthText, DayNightRegisters? registers = null)
        {
            var sum = series?.SumBetween(from, now);
            var split = sum is null ? null : registers?.Between(from, now);
            State(key, sum?.Kwh);
            Attributes(
                key,
                new RunningAttributes(monthText, sum is null ? null : Format.Timestamp(sum.Through, view.Zone), sum?.Intervals ?? 0, sum?.AllVerified ?? false)
                {
                    DayKwh = split is { } d ? Format.Rounded(d.Day) : null,
                    NightKwh = split is { } n ? Format.Rounded(n.Night) : null,
                },
                PublishedJsonContext.Relaxed.RunningAttributes);
        }

        void Max(string key, MonthMax? max, DateTimeOffset start)
        {
            State(key, max?.Kw);
            // Each peak as its average power (kWh ÷ hours): a quarter-hour's 0.9 kWh is 3.6 kW, an hour's kWh its kW.
            var hours = max?.Peaks.Select(p => new PeakHour(Format.Timestamp(p.Start, view.Zone), Format.Timestamp(p.End, view.Zone), Format.Rounded(p.Kwh / (decimal)(p.End - p.Start).TotalHours), p.Verified)).ToList() ?? [];
            Attributes(
                key,
                new MaxHourAttributes(TimeZoneInfo.ConvertTime(start, view.Zone).ToString("yyyy-MM", CultureInfo.InvariantCulture), hours, hours.All(h => h.Verified) && hours.Count > 0)
                {
                    Basis = max?.Basis?.Name(),
                },
                PublishedJsonContext.Relaxed.MaxHourAttributes);
        }
    }
}

/// <summary>
/// <c>yesterday_*</c>: the local date, its length (23, 24 or 25 hours), intervals received, complete, all verified; for a
/// dual-tariff meter whose API gives the registers, the complete day's kWh on the day and night registers.
/// </summary>
internal sealed record DayAttributes(string Date, int Hours, int Intervals, bool Complete, bool Verified)
{
    public decimal? DayKwh { get; init; }

    public decimal? NightKwh { get; init; }
}

/// <summary>
/// <c>today_*</c>, <c>month_*</c>: through when the data reaches (it lags the clock), and how much of it is verified; the
/// day and night registers' kWh so far where the API gives them.
/// </summary>
internal sealed record RunningAttributes(string? Month, string? Through, int Intervals, bool Verified)
{
    public decimal? DayKwh { get; init; }

    public decimal? NightKwh { get; init; }
}

/// <summary>The peaks behind a month max-hour, in time order; the rule (<c>monthly_peak_quarter_hour</c>…) where the source names it.</summary>
internal sealed record MaxHourAttributes(string Month, IReadOnlyList<PeakHour> Hours, bool Verified)
{
    public string? Basis { get; init; }
}

/// <summary>One peak: its interval and its average power in kW.</summary>
internal sealed record PeakHour(string Start, string End, decimal Value, bool Verified);

/// <summary><c>last_month_consumption</c>: the month, and the reading's date, method and reason as the API gives them (null where not).</summary>
internal sealed record MonthReadingAttributes(string Month, string? ReadingDate, string? Method, string? Reason);

internal sealed record MeterCapacityAttributes(decimal? FromKw, decimal? ToKw, decimal? MonthMaxKw, string? Currency)
{
    /// <summary>For a ladder billed on several months (Flanders): the averaged kW the month is billed on.</summary>
    public decimal? BilledKw { get; init; }
}
