using System.Globalization;
using MqttBridge.Domain;

namespace MqttBridge.Sources.ElviaMeter;

/// <summary>The metering point's values as the API delivered them, split into consumption and production.</summary>
internal sealed record MeterValuesData(string MeteringPointId, ConsumptionSeries Consumption, ConsumptionSeries Production);

/// <summary>
/// Elvia's MeterValue answers to Domain data. Pure: no I/O, no clock (the instants it needs are arguments).
/// A shape it cannot read is a <see cref="SourceException"/> naming the field, so the last good data is kept.
/// </summary>
internal static class ElviaMeterMapper
{
    public const string Api = "Elvia MeterValue API";

    /// <summary>The metering point's hourly (or quarter-hourly) values; <c>production: true</c> entries go to production.</summary>
    public static MeterValuesData MapMeterValues(MeterValuesResponse response, string? meteringPointId, TimeZoneInfo zone)
    {
        var point = Pick(response.Meteringpoints, p => p.MeteringPointId, meteringPointId);
        var block = point.Metervalue;
        var step = TimeSpan.FromMinutes(block?.ResolutionMinutes is > 0 and var minutes ? minutes : 60);
        var consumption = new Dictionary<DateTimeOffset, MeterReading>();
        var production = new Dictionary<DateTimeOffset, MeterReading>();
        var series = block?.TimeSeries ?? [];
        for (var i = 0; i < series.Count; i++)
        {
            var entry = series[i];
            var field = $"metervalue.timeSeries[{i}]";
            if (entry.Value is not { } kwh)
            {
                continue; // A missing value is a missing hour: the day stays incomplete and is fetched again.
            }

            var start = Instant(entry.StartTime, field + ".startTime", zone);
            var end = entry.EndTime is null ? start + step : Instant(entry.EndTime, field + ".endTime", zone);
            if (end <= start)
            {
                throw Malformed($"{field} ends ({entry.EndTime}) before it starts ({entry.StartTime})");
            }

            // A later entry for the same interval replaces an earlier one, so a day never counts an hour twice.
            var target = entry.Production == true ? production : consumption;
            target[start] = new MeterReading(start, end, kwh, entry.Verified ?? false);
        }

        return new MeterValuesData(point.MeteringPointId ?? string.Empty, new ConsumptionSeries(consumption.Values), new ConsumptionSeries(production.Values));
    }

    /// <summary>
    /// Each month's capacity basis: Elvia's <c>averageValue</c> with its peak hours, sorted by time. The month is
    /// the one the peak hours fall in; for an aggregate without hours, <c>maxHoursCalculatedTime</c> (else
    /// <paramref name="fetchedAt"/>) minus <c>noOfMonthsBack</c>. So an answer calculated before a month boundary
    /// never passes for the new month, whatever its <c>noOfMonthsBack</c> says.
    /// </summary>
    public static IReadOnlyList<MonthMax> MapMaxHours(MaxHoursResponse response, string? meteringPointId, DateTimeOffset fetchedAt, TimeZoneInfo zone)
    {
        var point = Pick(response.Meteringpoints, p => p.MeteringPointId, meteringPointId);
        var reference = point.MaxHoursCalculatedTime is { } calculated && TryInstant(calculated, zone, out var at) ? at : fetchedAt;
        var referenceLocal = TimeZoneInfo.ConvertTime(reference, zone);
        var months = new List<MonthMax>();
        var aggregates = point.MaxHoursAggregate ?? [];
        for (var i = 0; i < aggregates.Count; i++)
        {
            var aggregate = aggregates[i];
            var field = $"maxHoursAggregate[{i}]";
            var peaks = new List<MeterReading>();
            var hours = aggregate.MaxHours ?? [];
            for (var j = 0; j < hours.Count; j++)
            {
                var hour = hours[j];
                if (hour.Value is not { } value)
                {
                    continue;
                }

                var start = Instant(hour.StartTime, $"{field}.maxHours[{j}].startTime", zone);
                var end = hour.EndTime is null ? start.AddHours(1) : Instant(hour.EndTime, $"{field}.maxHours[{j}].endTime", zone);
                peaks.Add(new MeterReading(start, end, value, hour.Verified ?? false));
            }

            peaks.Sort((a, b) => a.Start.CompareTo(b.Start));
            var kw = aggregate.AverageValue ?? (peaks.Count > 0 ? peaks.Average(p => p.Kwh) : (decimal?)null);
            if (kw is null)
            {
                continue;
            }

            var month = peaks.Count > 0
                ? TimeZoneInfo.ConvertTime(peaks[0].Start, zone)
                : referenceLocal.AddMonths(-(aggregate.NoOfMonthsBack ?? 0));
            if (!months.Any(m => m.Year == month.Year && m.Month == month.Month))
            {
                months.Add(new MonthMax(month.Year, month.Month, kw.Value, peaks));
            }
        }

        return months;
    }

    /// <summary>The month of <paramref name="now"/> (local) minus <paramref name="back"/> months, if known.</summary>
    public static MonthMax? MonthOf(IReadOnlyList<MonthMax> months, DateTimeOffset now, TimeZoneInfo zone, int back = 0)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var wanted = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(-back);
        return months.FirstOrDefault(m => m.Year == wanted.Year && m.Month == wanted.Month);
    }


    /// <summary>The configured metering point, or the token's first one.</summary>
    private static T Pick<T>(IReadOnlyList<T>? points, Func<T, string?> idOf, string? wanted)
    {
        if (points is null || points.Count == 0)
        {
            throw new SourceException(
                $"{Api}: the token covers no metering points (empty 'meteringpoints'); create a token on Elvia's Min side (TILGANGER, Opprett token) and choose your meter there");
        }

        if (wanted is null)
        {
            return points[0];
        }

        return points.FirstOrDefault(p => idOf(p) == wanted)
            ?? throw new SourceException(
                $"{Api}: the token does not cover metering point {MeteringPoint.Masked(wanted)} (it covers {string.Join(", ", points.Select(p => MeteringPoint.Masked(idOf(p))))}); check meter.metering_point_id or create a token for that meter");
    }

    private static DateTimeOffset Instant(string? text, string field, TimeZoneInfo zone) =>
        TryInstant(text, zone, out var instant) ? instant : throw Malformed($"{field} '{text}' is not a date-time");

    /// <summary>ISO 8601 with offset as sent; a time without one is Norwegian time, as Elvia computes in.</summary>
    private static bool TryInstant(string? text, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        instant = default;
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            return false;
        }

        instant = parsed.Kind == DateTimeKind.Unspecified
            ? LocalDay.LocalToInstant(parsed, zone)
            : DateTimeOffset.Parse(text!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return true;
    }

    private static SourceException Malformed(string detail) => new($"{Api} sent data it cannot read: {detail}; keeping the last good data");
}
