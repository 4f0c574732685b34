namespace MqttBridge.Domain;

/// <summary>
/// Flanders' capacity rule: a month is billed on the average of the monthly peaks of the last 12 months (itself
/// included), each counted at no less than 2.5 kW (VREG, "capaciteitstarief: van kwartiervermogen tot gemiddelde
/// maandpiek"). The months and the floor are data (<see cref="CapacityLadder.AveragedMonths"/>, <see cref="CapacityLadder.MinimumKw"/>).
/// Pure: the peaks are given, keyed by local year and month.
/// </summary>
internal static class RollingCapacity
{
    /// <summary>
    /// The billed kW of local month <paramref name="year"/>-<paramref name="month"/>: the mean of the known peaks of the
    /// <paramref name="months"/> months ending with it, each at least <paramref name="minimumKw"/>. A month without a known
    /// peak is left out (a meter younger than a year, or months before the bridge kept them), so the mean is over the
    /// months known; null when none is.
    /// </summary>
    public static decimal? BilledKw(IReadOnlyDictionary<(int Year, int Month), decimal> peaks, int year, int month, int months, decimal minimumKw)
    {
        var counted = new List<decimal>();
        var at = new DateOnly(year, month, 1);
        for (var back = 0; back < Math.Max(1, months); back++)
        {
            var m = at.AddMonths(-back);
            if (peaks.TryGetValue((m.Year, m.Month), out var kw))
            {
                counted.Add(Math.Max(kw, minimumKw));
            }
        }

        return counted.Count == 0 ? null : counted.Average();
    }
}
