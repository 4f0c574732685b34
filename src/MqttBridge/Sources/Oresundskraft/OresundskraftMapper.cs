using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MqttBridge.Domain;

namespace MqttBridge.Sources.Oresundskraft;

/// <summary>
/// One metering point as an answer delivered it: hourly consumption (hourly shape), monthly readings (monthly shape),
/// the subscribed power in kW where stated (&gt; 0), and which of these the answer held (<see cref="Holds"/>).
/// </summary>
internal sealed record OresundskraftPoint(string Id, ConsumptionSeries Hours, IReadOnlyList<MonthReading> Months, decimal? SubscribedKw, SourceCapabilities Holds);

/// <summary>
/// Öresundskraft's answers to Domain data. Pure: no I/O, no clock. Reads both known shapes (the hourly api-version 2.1
/// answer and the integration guide's monthly message, as one object or a list of them). Time stamps carry no offset:
/// they are Swedish local time (<see cref="Zone"/>); on the October day the repeated 02:00 is told apart by order (first
/// = summer time), a row at a time that does not exist (02:00 on the March day) is left out. An answer without data
/// (empty body, <c>{}</c>, no <c>consumptions</c>, only placeholder entries) is a <see cref="SourceException"/> saying
/// so, as is a shape it cannot read (naming the field); the last good data is kept either way.
/// </summary>
internal static partial class OresundskraftMapper
{
    public const string Api = "Öresundskraft consumption API";

    /// <summary>The API's clock: Swedish local time.</summary>
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>Every real metering point of the answer in <paramref name="body"/>, in answer order.</summary>
    /// <exception cref="SourceException">No data in the answer, or a value it cannot read.</exception>
    public static IReadOnlyList<OresundskraftPoint> Map(string body)
    {
        var text = body.Trim();
        if (text.Length == 0)
        {
            throw NoData("an empty body");
        }

        List<ConsumptionAnswer?> answers;
        try
        {
            answers = text[0] == '['
                ? [.. JsonSerializer.Deserialize(text, OresundskraftJsonContext.Default.ListConsumptionAnswer) ?? []]
                : [JsonSerializer.Deserialize(text, OresundskraftJsonContext.Default.ConsumptionAnswer)];
        }
        catch (JsonException ex)
        {
            throw new SourceException($"{Api} sent malformed JSON ({ex.Message}); keeping the last good data", null, ex);
        }

        var points = new List<OresundskraftPoint>();
        foreach (var answer in answers.OfType<ConsumptionAnswer>())
        {
            foreach (var (entry, i) in (answer.Consumptions ?? []).Select((e, i) => (e, i)))
            {
                if (IsReal(entry.MeteringPoint))
                {
                    points.Add(Hourly(entry, $"consumptions[{i}]"));
                }
            }

            if (answer.ConsumptionReadings is { } monthly && IsReal(answer.MeteringPoint))
            {
                points.Add(Monthly(answer.MeteringPoint!, monthly));
            }
        }

        if (points.Count == 0)
        {
            throw NoData(answers.Any(a => a?.Consumptions is { Count: > 0 }) ? "only placeholder entries" : "no 'consumptions'");
        }

        return points;
    }

    /// <summary>"…9640, …4567": the ids of <paramref name="points"/>, masked, for messages.</summary>
    public static string MaskedIds(IEnumerable<OresundskraftPoint> points) => string.Join(", ", points.Select(p => MeteringPoint.Masked(p.Id)));

    /// <summary>
    /// <paramref name="text"/> (an error body, a message) with every metering-point-like number (8 digits or more) and the
    /// customer number masked to their last four digits: error text reaches logs and the problem sensor.
    /// </summary>
    public static string Mask(string text, string customerNumber)
    {
        var masked = LongNumber().Replace(text, m => MeteringPoint.Masked(m.Value));
        return customerNumber.Length == 0
            ? masked
            : Regex.Replace(masked, $@"(?<!\d){Regex.Escape(customerNumber)}(?!\d)", MeteringPoint.Masked(customerNumber), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>The recorded answer's first entry has the literal placeholders "meteringPoint"/"customerNumber": not a meter.</summary>
    private static bool IsReal(string? meteringPoint) =>
        meteringPoint is { Length: > 0 } id && id.All(char.IsAsciiDigit);

    private static OresundskraftPoint Hourly(ConsumptionEntry entry, string field)
    {
        var readings = new Dictionary<DateTimeOffset, MeterReading>();
        var seen = new HashSet<DateTime>();
        var rows = entry.Reading ?? [];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var at = $"{field}.reading[{i}]";
            if (row.Value is not { } value)
            {
                continue; // A missing value is a missing hour: the day stays incomplete and is fetched again.
            }

            var local = Local(row.ReadingDate, at + ".readingDate");
            if (Zone.IsInvalidTime(local))
            {
                continue;
            }

            // The 25-hour day lists 02:00 twice: the first is summer time (+02:00), the second winter time (+01:00).
            var offset = Zone.IsAmbiguousTime(local)
                ? seen.Contains(local) ? Zone.GetAmbiguousTimeOffsets(local).Min() : Zone.GetAmbiguousTimeOffsets(local).Max()
                : Zone.GetUtcOffset(local);
            seen.Add(local);
            var start = new DateTimeOffset(local, offset);
            readings[start] = new MeterReading(start, start.AddHours(1), Kwh(value, row.Unit, at), IsVerified(row.Status));
        }

        decimal? subscribed = entry.SubscribedEffect is > 0m and var kw ? kw : null;
        var holds = (readings.Count > 0 ? SourceCapabilities.Consumption | SourceCapabilities.MonthMax : SourceCapabilities.None)
            | (subscribed is null ? SourceCapabilities.None : SourceCapabilities.SubscribedPower);
        return new OresundskraftPoint(entry.MeteringPoint!, new ConsumptionSeries(readings.Values), [], subscribed, holds);
    }

    /// <summary>Each reading is its month's consumption, dated at month end: the month is the reading date's.</summary>
    private static OresundskraftPoint Monthly(string meteringPoint, IReadOnlyList<MonthlyReading> rows)
    {
        var months = new Dictionary<(int, int), MonthReading>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var at = $"ConsumptionReadings[{i}]";
            if (row.Consumption is not { } value)
            {
                continue;
            }

            var date = DateOnly.FromDateTime(Local(row.ReadingDate, at + ".ReadingDate"));
            months[(date.Year, date.Month)] = new MonthReading(date.Year, date.Month, Kwh(value, row.Unit, at), date, row.ReadingMethod, row.ReadingReason);
        }

        return new OresundskraftPoint(
            meteringPoint,
            new ConsumptionSeries([]),
            [.. months.Values.OrderBy(m => m.ReadOn)],
            null,
            months.Count > 0 ? SourceCapabilities.MonthlyConsumption : SourceCapabilities.None);
    }

    /// <summary>Status <c>Processed</c> is the settled value; anything else (preliminary, estimated) is not verified yet.</summary>
    private static bool IsVerified(string? status) => string.Equals(status, "Processed", StringComparison.OrdinalIgnoreCase);

    private static decimal Kwh(decimal value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "kwh" => value,
        "mwh" => value * 1000m,
        "wh" => value / 1000m,
        _ => throw Malformed($"{field}.unit '{unit}' is not an energy unit (kWh, MWh or Wh)"),
    };

    private static DateTime Local(string? text, string field)
    {
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            throw Malformed($"{field} '{text}' is not a date-time");
        }

        // A stamp with an offset or 'Z' (not seen so far) is placed by it; one without is Swedish wall time.
        return parsed.Kind == DateTimeKind.Unspecified
            ? parsed
            : TimeZoneInfo.ConvertTime(DateTimeOffset.Parse(text!, CultureInfo.InvariantCulture), Zone).DateTime;
    }

    private static SourceException NoData(string what) =>
        new($"{Api} answered with no data ({what}); keeping the last good data");

    private static SourceException Malformed(string detail) => new($"{Api} sent data it cannot read: {detail}; keeping the last good data");

    [GeneratedRegex(@"\d{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex LongNumber();
}
