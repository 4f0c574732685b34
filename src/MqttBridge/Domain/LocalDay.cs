namespace MqttBridge.Domain;

/// <summary>
/// A calendar day in a time zone, as the instants [Start, End). DST days are 23 or 25 hours long:
/// never index a day's hours 0..23 by clock.
/// </summary>
internal readonly record struct LocalDay(DateOnly Date, TimeZoneInfo Zone)
{
    public DateTimeOffset Start => StartOf(Date, Zone);

    public DateTimeOffset End => StartOf(Date.AddDays(1), Zone);

    public TimeSpan Length => End - Start;

    public LocalDay Next => new(Date.AddDays(1), Zone);

    public LocalDay Previous => new(Date.AddDays(-1), Zone);

    public static LocalDay Of(DateTimeOffset instant, TimeZoneInfo zone) =>
        new(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime), zone);

    /// <summary>The instant a local date begins (midnight, or the first valid minute after a gap at midnight).</summary>
    public static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone) => LocalToInstant(date.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>
    /// Maps a local wall-clock time to an instant. A time inside a spring-forward gap moves to the end of the gap;
    /// an ambiguous autumn time takes its first (daylight) occurrence.
    /// </summary>
    public static DateTimeOffset LocalToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}

/// <summary>How an instant is written for people and APIs that want local time: ISO 8601 with the zone's offset then.</summary>
internal static class LocalTime
{
    /// <summary>2026-10-25T02:00:00+01:00: the local wall time in <paramref name="zone"/> with its offset at that instant.</summary>
    public static string Iso8601(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The start of the local clock hour holding <paramref name="instant"/> in <paramref name="zone"/>, with that hour's
    /// offset (so the two 02:00 hours of the 25-hour day stay apart). Whole-hour offsets assumed, as in every zone served.
    /// </summary>
    public static DateTimeOffset HourStart(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.AddTicks(-(local.Ticks % TimeSpan.TicksPerHour));
    }
}
