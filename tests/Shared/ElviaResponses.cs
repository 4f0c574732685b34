using System.Globalization;
using System.Text;

namespace MqttBridge.TestSupport;

/// <summary>One hour (or quarter) as Elvia's v1/metervalues lists it.</summary>
internal sealed record ElviaValue(DateTimeOffset Start, decimal Kwh, bool Verified = true, bool Production = false, int Minutes = 60);

/// <summary>
/// Realistic Elvia MeterValue answers in the field shapes of the portal examples (tests/MqttBridge.Tests/Sources/ElviaMeter/Fixtures):
/// time stamps as Elvia sends them, local Norwegian time with offset.
/// </summary>
internal static class ElviaResponses
{
    public const string MeteringPointId = "707057500012345678";

    public static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    /// <summary>Every hour of the local day [date 00:00, next day 00:00): 23, 24 or 25 of them.</summary>
    public static IEnumerable<ElviaValue> Day(DateOnly date, Func<int, decimal> kwhOfHourIndex, bool verified = true, bool production = false)
    {
        var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), Oslo.GetUtcOffset(date.ToDateTime(TimeOnly.MinValue)));
        var end = new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), Oslo.GetUtcOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue)));
        var i = 0;
        for (var t = start; t < end; t = t.AddHours(1), i++)
        {
            yield return new ElviaValue(t, kwhOfHourIndex(i), verified, production);
        }
    }

    /// <summary>0.5 kWh plus 0.1 per hour of the day: 24 h sum 39.6, 23 h 36.8, 25 h 42.5.</summary>
    public static decimal Ramp(int hourIndex) => 0.5m + (0.1m * hourIndex);

    public static string MeterValues(IEnumerable<ElviaValue> values, string id = MeteringPointId)
    {
        var list = values.ToList();
        var series = string.Join(",\n", list.Select(v =>
            $$"""        { "startTime": "{{Stamp(v.Start)}}", "endTime": "{{Stamp(v.Start.AddMinutes(v.Minutes))}}", "value": {{Num(v.Kwh)}}, "uom": "kWh", "production": {{Bool(v.Production)}}, "verified": {{Bool(v.Verified)}} }"""));
        var from = list.Count > 0 ? Stamp(list.Min(v => v.Start)) : "";
        var to = list.Count > 0 ? Stamp(list.Max(v => v.Start).AddHours(1)) : "";
        return $$"""
            { "meteringpoints": [ {
                "meteringPointId": "{{id}}",
                "customerContract": { "startTime": "2019-05-01T00:00:00+02:00", "endTime": null },
                "metervalue": { "fromHour": "{{from}}", "toHour": "{{to}}", "resolutionMinutes": 60, "timeSeries": [
            {{series}}
                ] } } ] }
            """;
    }

    /// <summary>One aggregate: Elvia's average and its hours (listed in the order given: Elvia's order is not documented).</summary>
    public static string Aggregate(int monthsBack, decimal average, params (DateTimeOffset Start, decimal Kwh, bool Verified)[] hours)
    {
        var items = string.Join(", ", hours.Select(h =>
            $$"""{ "startTime": "{{Stamp(h.Start)}}", "endTime": "{{Stamp(h.Start.AddHours(1))}}", "value": {{Num(h.Kwh)}}, "uom": "kWh", "noOfMonthsBack": {{monthsBack}}, "production": false, "verified": {{Bool(h.Verified)}} }"""));
        return $$"""{ "averageValue": {{Num(average)}}, "maxHours": [ {{items}} ], "uom": "kWh/h", "noOfMonthsBack": {{monthsBack}} }""";
    }

    public static string MaxHours(DateTimeOffset calculated, params string[] aggregates) => $$"""
        { "meteringpoints": [ {
            "meteringPointId": "{{MeteringPointId}}",
            "customerContract": { "startDate": "2019-05-01", "endDate": null },
            "maxHoursCalculatedTime": "{{Stamp(calculated)}}",
            "maxHoursFromTime": "{{Stamp(calculated.AddMonths(-1))}}",
            "maxHoursToTime": "{{Stamp(calculated)}}",
            "maxHoursAggregate": [ {{string.Join(", ", aggregates)}} ] } ] }
        """;

    /// <summary>A local wall-clock time in Oslo (the first occurrence of an ambiguous autumn hour).</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour = 0, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        var offset = Oslo.IsAmbiguousTime(local) ? Oslo.GetAmbiguousTimeOffsets(local).Max() : Oslo.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    public static string Stamp(DateTimeOffset t) =>
        TimeZoneInfo.ConvertTime(t, Oslo).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Num(decimal d) => d.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool b) => b ? "true" : "false";

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
