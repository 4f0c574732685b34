using System.Globalization;
using System.Text.Json;
using MqttBridge.Domain;

namespace MqttBridge.Sources.Fluvius;

/// <summary>
/// The read-back of earlier monthly peaks at first start, for Flanders' capacity rule (the average of the last
/// <see cref="Months"/> monthly peaks): the daily window holds only this and last month, so the months before it are
/// planned once, when the first approved quarter-hour mandate is seen, and read one month per call, one call per
/// <see cref="Spacing"/>, newest first. Only months the mandate's data period covers from their first local day (and
/// to their end) are planned: a partial month's peak would understate the month. Once the plan is done no further call
/// is made, whatever the date: later months come through the daily window. Pure state; <see cref="FluviusSource"/>
/// makes the calls and keeps the state in data_dir (<see cref="Store"/>, <see cref="Restore"/>).
/// </summary>
internal sealed class FluviusBackfill
{
    /// <summary>The months the capacity average spans (this month included).</summary>
    public const int Months = 12;

    /// <summary>
    /// One backfill call per EAN an hour: ten months take ten hours of the first day, and a company starting many
    /// customers at once stays well inside its calls per hour (<see cref="FluviusClient.DefaultPolicy"/>).
    /// </summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromHours(1);

    /// <summary>A month whose call fails this often is given up (its peak stays unknown, the average leaves it out).</summary>
    public const int MaxAttempts = 3;

    private readonly List<DateOnly> _pending;
    private readonly SortedDictionary<DateOnly, MeterReading?> _done;
    private int _attempts;

    private FluviusBackfill(List<DateOnly> pending, SortedDictionary<DateOnly, MeterReading?> done, int attempts, DateTimeOffset due)
    {
        _pending = pending;
        _done = done;
        _attempts = attempts;
        Due = due;
    }

    /// <summary>When the next month is read (UTC instant); meaningless once <see cref="Next"/> is null.</summary>
    public DateTimeOffset Due { get; private set; }

    /// <summary>The first day of the next month to read, or null when the plan is done.</summary>
    public DateOnly? Next => _pending.Count > 0 ? _pending[0] : null;

    /// <summary>Months still to read.</summary>
    public int Remaining => _pending.Count;

    /// <summary>
    /// The plan for a first start on local day <paramref name="today"/>: the <see cref="Months"/> − 2 months before last
    /// month that <paramref name="mandate"/>'s data period covers wholly, newest first. Empty for gas and for mandates
    /// without quarter-hours (no peak to read).
    /// </summary>
    public static FluviusBackfill Plan(FluviusMandate mandate, DateOnly today, TimeZoneInfo zone, DateTimeOffset now)
    {
        var pending = new List<DateOnly>();
        if (!mandate.IsGas && FluviusMandates.Fineness(mandate.DataServiceType) == 0)
        {
            var thisMonth = new DateOnly(today.Year, today.Month, 1);
            for (var back = 2; back < Months; back++)
            {
                var month = thisMonth.AddMonths(-back);
                var start = LocalDay.StartOf(month, zone);
                var end = LocalDay.StartOf(month.AddMonths(1), zone);
                var coveredFrom = mandate.PeriodFrom is not { } from || LocalDay.Of(from, zone).Date <= month;
                var coveredTo = mandate.PeriodTo is not { } to || to >= end;
                if (coveredFrom && coveredTo && start < now)
                {
                    pending.Add(month);
                }
            }
        }

        return new FluviusBackfill(pending, [], 0, now);
    }

    /// <summary>The read-back months' peaks (quarter-hour × 4, kW, by the Flanders rule), oldest first.</summary>
    public IReadOnlyList<MonthMax> Peaks =>
        [.. _done.Where(d => d.Value is not null).Select(d => new MonthMax(d.Key.Year, d.Key.Month, d.Value!.Kwh * 4m, [d.Value]) { Basis = CapacityBasis.MonthlyPeakQuarterHour })];

    /// <summary>Month <paramref name="month"/> was read at <paramref name="now"/>: its peak quarter-hour, or null when it had none.</summary>
    public void Read(DateOnly month, MeterReading? peak, DateTimeOffset now)
    {
        _pending.Remove(month);
        _done[month] = peak;
        _attempts = 0;
        Due = now + Spacing;
    }

    /// <summary>The call for <paramref name="month"/> failed: asked again after a spacing (or the API's time), given up after <see cref="MaxAttempts"/>.</summary>
    /// <returns>True when the month was given up.</returns>
    public bool Failed(DateOnly month, DateTimeOffset now, DateTimeOffset? retryAt)
    {
        _attempts++;
        Due = retryAt is { } at && at > now + Spacing ? at : now + Spacing;
        if (_attempts < MaxAttempts)
        {
            return false;
        }

        _pending.Remove(month);
        _done[month] = null;
        _attempts = 0;
        return true;
    }

    /// <summary>The state as kept in data_dir (the bridge's own shape).</summary>
    public string Store() => JsonSerializer.Serialize(
        new StoredFluviusBackfill(
            [.. _pending.Select(Key)],
            [.. _done.Select(d => new StoredBackfillMonth(Key(d.Key), d.Value is { } p ? new StoredFluviusReading(p.Start, p.End, p.Kwh, p.Verified) : null))],
            _attempts),
        FluviusJsonContext.Default.StoredFluviusBackfill);

    /// <summary>The state <see cref="Store"/> wrote at <paramref name="fetchedAt"/>; the next month is due a spacing after it.</summary>
    /// <exception cref="FormatException">Not a backfill record.</exception>
    public static FluviusBackfill Restore(string body, DateTimeOffset fetchedAt)
    {
        var stored = JsonSerializer.Deserialize(body, FluviusJsonContext.Default.StoredFluviusBackfill) ?? throw new FormatException("empty backfill record");
        var done = new SortedDictionary<DateOnly, MeterReading?>();
        foreach (var month in stored.Done ?? [])
        {
            done[Month(month.Month)] = month.Peak is { } p ? new MeterReading(p.Start, p.End, p.Value, p.Verified) : null;
        }

        return new FluviusBackfill([.. (stored.Pending ?? []).Select(Month)], done, stored.Attempts, fetchedAt + Spacing);
    }

    private static string Key(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static DateOnly Month(string text) =>
        DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month
            : throw new FormatException($"'{text}' is not a month");
}
