namespace MqttBridge.Domain;

/// <summary>
/// A month's capacity basis computed from metered consumption, with the rule as data (<see cref="CapacityBasis"/>), for
/// meters whose API does not state it (Öresundskraft, Eloverblik, Fluvius). Readings of any resolution; quarter-hours
/// are summed into their local clock hour for the hour rules. Local days and hours in the site's zone.
/// </summary>
internal static class MonthMaxRule
{
    /// <summary>
    /// The basis of local month <paramref name="year"/>-<paramref name="month"/> in kW, with the peaks it came from; null when
    /// the series has no reading in that month, or (for <see cref="CapacityBasis.MonthlyPeakQuarterHour"/>) no quarter-hour.
    /// <list type="bullet">
    /// <item><see cref="CapacityBasis.MonthlyMaxHour"/>: the highest clock hour's kWh (= its average kW).</item>
    /// <item><see cref="CapacityBasis.ThreeDailyMaxHours"/>: the mean of the highest hour on each of the three days with the highest hours (Norway); fewer days so far, the mean of those.</item>
    /// <item><see cref="CapacityBasis.MonthlyPeakQuarterHour"/>: the highest quarter-hour's kWh × 4 (Flanders).</item>
    /// </list>
    /// </summary>
    public static MonthMax? Of(ConsumptionSeries series, int year, int month, TimeZoneInfo zone, CapacityBasis basis)
    {
        var start = LocalDay.StartOf(new DateOnly(year, month, 1), zone);
        var end = LocalDay.StartOf(new DateOnly(year, month, 1).AddMonths(1), zone);
        var readings = series.Readings.Where(r => r.Start >= start && r.End <= end).ToList();
        if (readings.Count == 0)
        {
            return null;
        }

        switch (basis)
        {
            case CapacityBasis.MonthlyPeakQuarterHour:
                var quarters = readings.Where(r => r.End - r.Start == TimeSpan.FromMinutes(15)).ToList();
                if (quarters.Count == 0)
                {
                    return null;
                }

                var peak = quarters.MaxBy(r => r.Kwh)!;
                return new MonthMax(year, month, peak.Kwh * 4m, [peak]);

            case CapacityBasis.MonthlyMaxHour:
                var top = Hours(readings, zone).MaxBy(h => h.Kwh)!;
                return new MonthMax(year, month, top.Kwh, [top]);

            default:
                var days = Hours(readings, zone)
                    .GroupBy(h => LocalDay.Of(h.Start, zone).Date)
                    .Select(d => d.MaxBy(h => h.Kwh)!)
                    .OrderByDescending(h => h.Kwh)
                    .Take(3)
                    .OrderBy(h => h.Start)
                    .ToList();
                return new MonthMax(year, month, days.Average(h => h.Kwh), days);
        }
    }

    /// <summary>Readings summed into their local clock hours: one reading per hour, verified when all its parts are.</summary>
    private static IEnumerable<MeterReading> Hours(IEnumerable<MeterReading> readings, TimeZoneInfo zone) =>
        readings
            .GroupBy(r => LocalTime.HourStart(r.Start, zone).UtcDateTime)
            .Select(g =>
            {
                var hour = new DateTimeOffset(g.Key, TimeSpan.Zero);
                return new MeterReading(hour, hour.AddHours(1), g.Sum(r => r.Kwh), g.All(r => r.Verified));
            });
}
