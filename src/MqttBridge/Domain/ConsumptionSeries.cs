namespace MqttBridge.Domain;

/// <summary>Energy used in one interval [Start, End), in kWh, and whether the meter operator has verified it.</summary>
internal sealed record MeterReading(DateTimeOffset Start, DateTimeOffset End, decimal Kwh, bool Verified = true);

/// <summary>Metered energy per interval (hourly or quarter-hourly), sorted; what meter APIs map to.</summary>
internal sealed class ConsumptionSeries
{
    private readonly MeterReading[] _readings;

    public ConsumptionSeries(IEnumerable<MeterReading> readings) => _readings = [.. readings.OrderBy(r => r.Start)];

    public IReadOnlyList<MeterReading> Readings => _readings;

    /// <summary>The sum over a local day, or null unless readings cover the whole day (23, 24 or 25 hours).</summary>
    public DaySum? SumOf(LocalDay day)
    {
        var inDay = _readings.Where(r => r.Start >= day.Start && r.End <= day.End).ToList();
        var covered = inDay.Aggregate(TimeSpan.Zero, (acc, r) => acc + (r.End - r.Start));
        return covered == day.Length
            ? new DaySum(day.Date, inDay.Sum(r => r.Kwh), inDay.Count, inDay.All(r => r.Verified))
            : null;
    }
}

internal sealed record DaySum(DateOnly Date, decimal Kwh, int Intervals, bool AllVerified);

/// <summary>A month's capacity basis (kW) with the peaks it was computed from.</summary>
internal sealed record MonthMax(int Year, int Month, decimal Kw, IReadOnlyList<MeterReading> Peaks);
