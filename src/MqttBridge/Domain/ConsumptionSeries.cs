namespace MqttBridge.Domain;

/// <summary>Energy used in one interval [Start, End), in kWh, and whether the meter operator has verified it.</summary>
internal sealed record MeterReading(DateTimeOffset Start, DateTimeOffset End, decimal Kwh, bool Verified = true);

/// <summary>Metered energy per interval (hourly or quarter-hourly), sorted; what meter APIs map to.</summary>
internal sealed class ConsumptionSeries
{
    private readonly MeterReading[] _readings;

    public ConsumptionSeries(IEnumerable<MeterReading> readings) => _readings = [.. readings.OrderBy(r => r.Start)];

    public IReadOnlyList<MeterReading> Readings => _readings;

    /// <summary>
    /// This series with <paramref name="newer"/> laid over it: a newer reading replaces every known one it overlaps (a
    /// verified value over an unverified one, a correction over the first figure); a known reading the newer answer
    /// does not hold stays. So a thinner answer never erases a known past reading.
    /// </summary>
    public ConsumptionSeries Merge(ConsumptionSeries newer)
    {
        if (newer._readings.Length == 0)
        {
            return this;
        }

        var kept = _readings.Where(r => !newer._readings.Any(n => n.Start < r.End && r.Start < n.End));
        return new ConsumptionSeries(kept.Concat(newer._readings));
    }

    /// <summary>Only the readings that end after <paramref name="instant"/>, so a long-running bridge does not grow.</summary>
    public ConsumptionSeries Since(DateTimeOffset instant) =>
        _readings.Length == 0 || _readings[0].End > instant ? this : new ConsumptionSeries(_readings.Where(r => r.End > instant));

    /// <summary>The starts of known readings inside [from, to) that <paramref name="newer"/> has no reading for.</summary>
    public IReadOnlyList<DateTimeOffset> MissingFrom(ConsumptionSeries newer, DateTimeOffset from, DateTimeOffset to) =>
        [.. _readings.Where(r => r.Start >= from && r.End <= to && !newer._readings.Any(n => n.Start < r.End && r.Start < n.End)).Select(r => r.Start)];

    /// <summary>The sum over a local day, or null unless readings cover the whole day (23, 24 or 25 hours).</summary>
    public DaySum? SumOf(LocalDay day)
    {
        var inDay = _readings.Where(r => r.Start >= day.Start && r.End <= day.End).ToList();
        var covered = inDay.Aggregate(TimeSpan.Zero, (acc, r) => acc + (r.End - r.Start));
        return covered == day.Length
            ? new DaySum(day.Date, inDay.Sum(r => r.Kwh), inDay.Count, inDay.All(r => r.Verified))
            : null;
    }

    /// <summary>
    /// The energy of the readings inside [<paramref name="from"/>, <paramref name="to"/>): a running total such as
    /// "today so far". Null when no reading falls inside (unknown, not zero).
    /// </summary>
    public RangeSum? SumBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var inRange = _readings.Where(r => r.Start >= from && r.End <= to).ToList();
        return inRange.Count == 0
            ? null
            : new RangeSum(inRange.Sum(r => r.Kwh), inRange.Count, inRange.All(r => r.Verified), inRange[^1].End);
    }
}

/// <summary>A running total: its energy, how many intervals, whether all are verified, and the end of the last one.</summary>
internal sealed record RangeSum(decimal Kwh, int Intervals, bool AllVerified, DateTimeOffset Through);

internal sealed record DaySum(DateOnly Date, decimal Kwh, int Intervals, bool AllVerified);

/// <summary>A month's capacity basis (kW) with the peaks it was computed from.</summary>
internal sealed record MonthMax(int Year, int Month, decimal Kw, IReadOnlyList<MeterReading> Peaks)
{
    /// <summary>The rule it was computed by, where the source names it (published in the attributes); null when the API states the max.</summary>
    public CapacityBasis? Basis { get; init; }
}
