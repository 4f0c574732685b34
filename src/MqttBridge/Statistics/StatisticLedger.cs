namespace MqttBridge.Statistics;

/// <summary>One hourly row of a statistic as Home Assistant stores it: hour start (UTC), the hour's value, the running total.</summary>
internal sealed record StatisticRow(DateTimeOffset Start, decimal State, decimal Sum);

/// <summary>
/// What Home Assistant holds of one statistic, as far as the bridge knows: the rows imported (sorted by start) and
/// <see cref="Base"/>, the running total before the first of them. Pure and immutable; <see cref="Plan"/> decides what to
/// (re)send when new hourly values arrive.
/// </summary>
internal sealed class StatisticLedger
{
    private readonly StatisticRow[] _rows;

    public StatisticLedger(decimal @base, IEnumerable<StatisticRow> rows, DateTimeOffset? closedBefore = null)
    {
        Base = @base;
        _rows = [.. rows.OrderBy(r => r.Start)];
        ClosedBefore = closedBefore;
    }

    public static StatisticLedger Empty { get; } = new(0, []);

    /// <summary>The running total before the first row (0 for a statistic the bridge started itself).</summary>
    public decimal Base { get; }

    public IReadOnlyList<StatisticRow> Rows => _rows;

    /// <summary>Rows before this instant were dropped from the ledger (<see cref="Prune"/>); hours before it are never sent again.</summary>
    public DateTimeOffset? ClosedBefore { get; }

    /// <summary>
    /// The ledger Home Assistant's own rows imply (read back with <c>recorder/statistics_during_period</c> when the
    /// bridge's record is lost): the base is the first row's sum less its state.
    /// </summary>
    public static StatisticLedger FromStored(IEnumerable<StatisticRow> stored)
    {
        var rows = stored.OrderBy(r => r.Start).ToList();
        return rows.Count == 0 ? Empty : new StatisticLedger(rows[0].Sum - rows[0].State, rows);
    }

    /// <summary>
    /// The rows to send so that Home Assistant holds <paramref name="hours"/> (hour start → value): every hour that is new
    /// or whose value changed, and every known row after the earliest of them with its running total recomputed, so the
    /// sums stay continuous and the Energy dashboard shows the change in its own hour, never as a jump. Hours the ledger
    /// holds and <paramref name="hours"/> lacks keep their value (a thinner answer erases nothing). Empty when nothing changed.
    /// </summary>
    public IReadOnlyList<StatisticRow> Plan(IReadOnlyDictionary<DateTimeOffset, decimal> hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var known = _rows.ToDictionary(r => r.Start, r => r.State);
        DateTimeOffset? first = null;
        foreach (var (start, value) in hours)
        {
            if (start < ClosedBefore || (known.TryGetValue(start, out var state) && state == value))
            {
                continue;
            }

            if (first is null || start < first)
            {
                first = start;
            }
        }

        if (first is not { } from)
        {
            return [];
        }

        var merged = new SortedDictionary<DateTimeOffset, decimal>();
        foreach (var row in _rows.Where(r => r.Start >= from))
        {
            merged[row.Start] = row.State;
        }

        foreach (var (start, value) in hours.Where(h => h.Key >= from))
        {
            merged[start] = value;
        }

        var sum = _rows.LastOrDefault(r => r.Start < from)?.Sum ?? Base;
        var plan = new List<StatisticRow>(merged.Count);
        foreach (var (start, state) in merged)
        {
            sum += state;
            plan.Add(new StatisticRow(start, state, sum));
        }

        return plan;
    }

    /// <summary>This ledger once Home Assistant has accepted <paramref name="sent"/>: those rows replace the ones at their hours.</summary>
    public StatisticLedger With(IReadOnlyList<StatisticRow> sent)
    {
        var starts = sent.Select(r => r.Start).ToHashSet();
        return new StatisticLedger(Base, _rows.Where(r => !starts.Contains(r.Start)).Concat(sent), ClosedBefore);
    }

    /// <summary>
    /// Drops rows before <paramref name="before"/> (the base moves up to the last dropped row's sum), so the record
    /// does not grow; hours before it are closed: meter data that old is never re-sent.
    /// </summary>
    public StatisticLedger Prune(DateTimeOffset before)
    {
        var dropped = _rows.Where(r => r.Start < before).ToList();
        return dropped.Count == 0
            ? this
            : new StatisticLedger(dropped[^1].Sum, _rows.Where(r => r.Start >= before), ClosedBefore > before ? ClosedBefore : before);
    }
}
