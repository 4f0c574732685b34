namespace MqttBridge.Domain;

/// <summary>
/// When a meter's data is due again, as meter APIs publish yesterday some time in the morning: once yesterday is
/// complete, when the source says; before the morning (local <c>morningStart</c>), at the morning; after it while
/// yesterday is still missing, backing off by <c>backoff</c> (e.g. 1, 2, then every 4 hours), never in a tight loop.
/// One per source: it counts the tries yesterday stayed missing. Times are instants; the morning is local to the zone.
/// </summary>
internal sealed class LateDayWait(TimeOnly morningStart, FaultSchedule backoff)
{
    private int _missingTries;

    /// <summary>The morning of local <paramref name="date"/> in <paramref name="zone"/> (DST-safe).</summary>
    public DateTimeOffset MorningOf(DateOnly date, TimeZoneInfo zone) => LocalDay.LocalToInstant(date.ToDateTime(morningStart), zone);

    /// <summary>When to fetch again after a fetch at <paramref name="fetchedAt"/>.</summary>
    /// <param name="yesterdayComplete">Whether the fetch held the whole local day before <paramref name="fetchedAt"/>.</param>
    /// <param name="whenComplete">When due if it did (the next morning, or the source's own interval).</param>
    /// <param name="notAfter">Before the morning, the latest due time (a source that polls at an interval meanwhile), or null.</param>
    public DateTimeOffset Next(DateTimeOffset fetchedAt, TimeZoneInfo zone, bool yesterdayComplete, DateTimeOffset whenComplete, DateTimeOffset? notAfter = null)
    {
        if (yesterdayComplete)
        {
            _missingTries = 0;
            return whenComplete;
        }

        var morning = MorningOf(LocalDay.Of(fetchedAt, zone).Date, zone);
        if (fetchedAt < morning)
        {
            return notAfter is { } cap && cap < morning ? cap : morning;
        }

        _missingTries++;
        return fetchedAt + backoff.After(_missingTries);
    }
}
