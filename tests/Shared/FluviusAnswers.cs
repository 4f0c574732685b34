using System.Globalization;
using System.Text;

namespace MqttBridge.TestSupport;

/// <summary>
/// Fluvius energy-service API answers in the v2 and v3 shapes of ../shared/fixtures/fluvius/ (field names and nesting as
/// there), built for the days a test needs: DST days, a headpoint with meters, gas in m³ and kWh, mandate lists.
/// </summary>
internal static class FluviusAnswers
{
    public static readonly TimeZoneInfo Brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    /// <summary>An electricity EAN in the sandbox's encoding (offtake and injection, quarter-hourly).</summary>
    public const string Ean = "541440110000000123";

    /// <summary>A gas EAN in the sandbox's encoding (gas, offtake only, daily/hourly).</summary>
    public const string GasEan = "541441000000000456";

    public const string Reference = "mqttbridgeCustomer42";

    /// <summary>One slice: start, length, offtake kWh (or m³), injection kWh (null: none), validation state.</summary>
    public sealed record Slice(DateTimeOffset Start, TimeSpan Length, decimal Offtake, decimal? Injection = null, string State = "READ");

    /// <summary>The quarter-hours of a local Brussels day (92, 96 or 100), each with <paramref name="kwh"/>(index).</summary>
    public static List<Slice> QuartersOf(DateOnly day, Func<int, decimal> kwh, Func<int, decimal?>? injection = null, Func<int, string>? state = null)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Brussels.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue)));
        var nextLocal = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        var end = new DateTimeOffset(nextLocal, Brussels.GetUtcOffset(nextLocal));
        var list = new List<Slice>();
        var i = 0;
        for (var t = start.ToUniversalTime(); t < end; t = t.AddMinutes(15), i++)
        {
            list.Add(new Slice(t, TimeSpan.FromMinutes(15), kwh(i), injection?.Invoke(i), state?.Invoke(i) ?? "READ"));
        }

        return list;
    }

    /// <summary>
    /// A v3 GetEnergy answer: <paramref name="kind"/> decides where the slices sit (headpoint, meter, or both). With
    /// <paramref name="night"/> each value sits on the <c>day</c> or <c>night</c> register (a dual-tariff meter), not <c>total</c>.
    /// </summary>
    public static string V3Energy(string kind, IEnumerable<Slice> slices, string ean = Ean, string energyType = "E", string unit = "kWh", string list = "quarterHourlyEnergy", Func<DateTimeOffset, bool>? night = null)
    {
        var json = Slices(slices, unit, night);
        var headpoint = kind is "metering-on-meter" ? string.Empty : $"\"{list}\": {json},";
        var meters = kind is "metering-on-headpoint" ? "[]" : $"[{{\"seqNumber\": \"1\", \"meterID\": \"1SAG1100000001\", \"{list}\": {json}}}]";
        // A PV sub-headpoint with large values: counted anywhere, it would show.
        var pv = "[{\"$type\": \"submetering-auxiliary\", \"ean\": \"001\", \"seqNumber\": \"1\", \"vregId\": \"1\", \"type\": \"PV\", \"" + list + "\": "
            + Slices(slices.Select(s => s with { Offtake = 9.99m, Injection = 9.99m }), unit) + "}]";
        return $$"""
            {"data": {"headpoint": {"$type": "{{kind}}", "ean": "{{ean}}", "energyType": "{{energyType}}", {{headpoint}}
              "physicalMeters": {{meters}},
              "subHeadpoints": {{pv}} } },
             "_meta": {"fetchTime": "2026-05-28T09:37:08Z"} }
            """;
    }

    private static string Slices(IEnumerable<Slice> slices, string unit, Func<DateTimeOffset, bool>? night = null)
    {
        var builder = new StringBuilder("[");
        foreach (var s in slices)
        {
            if (builder.Length > 1)
            {
                builder.Append(',');
            }

            var register = night is null ? "total" : night(s.Start) ? "night" : "day";
            builder.Append(CultureInfo.InvariantCulture, $"{{\"start\": \"{Utc(s.Start)}\", \"end\": \"{Utc(s.Start + s.Length)}\", \"measurements\": [{{\"offtake\": {{\"{register}\": {{\"value\": {s.Offtake.ToString(CultureInfo.InvariantCulture)}, \"unit\": \"{unit}\", \"validationState\": \"{s.State}\"}}}}");
            if (s.Injection is { } injection)
            {
                builder.Append(CultureInfo.InvariantCulture, $", \"injection\": {{\"{register}\": {{\"value\": {injection.ToString(CultureInfo.InvariantCulture)}, \"unit\": \"{unit}\", \"validationState\": \"{s.State}\"}}}}");
            }

            builder.Append("}]}");
        }

        return builder.Append(']').ToString();
    }

    /// <summary>A mandate as GET Mandate lists it (v3 <c>ean</c>; v2 spells it <c>eanNumber</c>).</summary>
    public sealed record Mandate(string Status, string Ean = Ean, string EnergyType = "E", string Service = "VH_kwartier_uur", string? Renewal = null, string Reference = Reference, string From = "2025-01-01T00:00:00Z", string Expires = "2029-01-01T00:00:00Z");

    public static string Mandates(IEnumerable<Mandate> mandates, bool v2 = false)
    {
        var items = mandates.Select(m =>
            $"{{\"referenceNumber\": \"{m.Reference}\", \"status\": \"{m.Status}\", \"{(v2 ? "eanNumber" : "ean")}\": \"{m.Ean}\", \"energyType\": \"{m.EnergyType}\", " +
            $"\"dataPeriodFrom\": \"{m.From}\", \"dataPeriodTo\": null, \"dataServiceType\": \"{m.Service}\", \"mandateExpirationDate\": \"{m.Expires}\"" +
            (m.Renewal is null ? string.Empty : $", \"renewalStatus\": \"{m.Renewal}\"") + "}");
        var envelope = v2 ? "\"metaData\": {\"version\": \"2.0\"}" : "\"_meta\": {\"fetchTime\": \"2026-05-28T09:37:08Z\"}";
        return $"{{{envelope}, \"data\": {{\"fetchTime\": \"2026-05-28T09:37:08Z\", \"mandates\": [{string.Join(',', items)}]}}}}";
    }

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
