using System.Globalization;

namespace MqttBridge.TestSupport;

/// <summary>One hour as Öresundskraft's hourly answer lists it (its start as an instant; written as Swedish wall time).</summary>
internal sealed record OresundskraftHour(DateTimeOffset Start, decimal Kwh, string Status = "Processed");

/// <summary>
/// Öresundskraft answers in the shapes of the recorded fixtures (tests/MqttBridge.Tests/Sources/Oresundskraft/Fixtures):
/// the hourly api-version 2.1 answer and the integration guide's monthly message, time stamps as Swedish wall time
/// without offset, hours in time order (so the October day's two 02:00 rows come summer time first).
/// </summary>
internal static class OresundskraftAnswers
{
    public const string Customer = "58095";

    /// <summary>The recorded answer's real metering point (18 digits).</summary>
    public const string PointA = "735999124000289640";

    /// <summary>A second metering point of the same customer, 16 digits as in the integration guide.</summary>
    public const string PointB = "7359991240005555";

    public static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>The 24 hourly kWh of the recorded metering point on 2023-09-25 (sum 62.931, highest 5.03 at 07:00).</summary>
    public static readonly decimal[] RecordedDay =
    [
        1.454m, 1.373m, 1.486m, 1.429m, 1.69m, 1.555m, 3.042m, 5.03m, 4.112m, 4.273m, 4.182m, 4.455m,
        4.855m, 4.634m, 3.972m, 3.194m, 3.3m, 1.477m, 0.874m, 1.26m, 1.37m, 1.258m, 1.331m, 1.325m,
    ];

    /// <summary>An instant from Swedish wall time (the first occurrence of an ambiguous time).</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour = 0, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        var offset = Stockholm.IsAmbiguousTime(local) ? Stockholm.GetAmbiguousTimeOffsets(local).Max() : Stockholm.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>Every hour of the Swedish day [date 00:00, next day 00:00), in order: 23, 24 or 25 of them.</summary>
    public static IEnumerable<OresundskraftHour> Day(DateOnly date, Func<int, decimal> kwhOfHourIndex, string status = "Processed")
    {
        var start = At(date.Year, date.Month, date.Day);
        var end = At(date.AddDays(1).Year, date.AddDays(1).Month, date.AddDays(1).Day);
        var i = 0;
        for (var t = start; t < end; t = t.AddHours(1), i++)
        {
            yield return new OresundskraftHour(t, kwhOfHourIndex(i), status);
        }
    }

    /// <summary>The hourly answer: one <c>consumptions</c> entry per metering point.</summary>
    public static string Hourly(params (string Point, IEnumerable<OresundskraftHour> Hours, decimal SubscribedEffect)[] entries)
    {
        var items = entries.Select(e =>
        {
            var readings = string.Join(",", e.Hours.Select(h =>
                $$"""{"readingDate":"{{Wall(h.Start)}}","value":{{Num(h.Kwh)}},"status":"{{h.Status}}","unit":"kWh"}"""));
            return $$"""{"customerNumber":"{{Customer}}","meteringPoint":"{{e.Point}}","installationNumber":"61482802","deliveryCategory":"EL","microproduction":false,"settlement":"","subscribedEffect":{{Num(e.SubscribedEffect)}},"rateCode":"80A","reading":[{{readings}}]}""";
        });
        return $$"""{"consumptions":[{{string.Join(",", items)}}]}""";
    }

    /// <summary>One metering point's hourly answer without a subscribed power.</summary>
    public static string Hourly(string point, IEnumerable<OresundskraftHour> hours) => Hourly((point, hours, 0m));

    /// <summary>The integration guide's monthly message: one reading per month, dated at month end.</summary>
    public static string Monthly(string point, params (DateOnly ReadOn, decimal Kwh)[] months)
    {
        var readings = string.Join(",", months.Select(m =>
            $$"""{"DeliveryCategory":"EL-EXT","Unit":"kWh","Consumption":{{Num(m.Kwh)}},"ReadingDate":"{{m.ReadOn:yyyy-MM-dd}}T00:00:00","ReadingMethod":"Fjärr","ReadingReason":"2"}"""));
        return $$"""{"CustomerNumber":"{{Customer}}","MeteringPoint":"{{point}}","ConsumptionReadings":[{{readings}}]}""";
    }

    /// <summary>Swedish wall time without offset, as the API writes it: "2026-10-25T02:00:00" for both 02:00 hours.</summary>
    public static string Wall(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Stockholm).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Num(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
