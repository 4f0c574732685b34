using System.Globalization;
using System.Text;

namespace MqttBridge.TestSupport;

/// <summary>
/// Eloverblik answers built the way the recorded ones are shaped (../shared/fixtures/eloverblik/): list envelopes,
/// UTC period boundaries at Danish local midnight, positions, string quantities and quality codes.
/// </summary>
internal static class EloverblikResponses
{
    public const string MeteringPointId = "571313180400012345";

    public const string ProductionPointId = "571313180400067890";

    public static TimeZoneInfo Copenhagen { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    /// <summary>A local Danish wall time as an instant.</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour = 0, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Copenhagen.GetUtcOffset(local));
    }

    /// <summary>A JWT-shaped token (unsigned) whose payload carries <c>exp</c>: what the bridge reads of Energinet's tokens.</summary>
    public static string Jwt(DateTimeOffset expires, string subject = "test")
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{B64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")}.{B64($"{{\"sub\":\"{subject}\",\"exp\":{expires.ToUnixTimeSeconds()}}}")}.c2lnbmF0dXJl";
    }

    public static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>One point: position, quantity (null = left out, as A02 sends it) and quality.</summary>
    public sealed record Point(int Position, decimal? Kwh, string Quality = "A04");

    /// <summary>A Period of <paramref name="resolution"/> from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static string Period(DateTimeOffset start, DateTimeOffset end, string resolution, IEnumerable<Point> points)
    {
        var list = string.Join(",", points.Select(p =>
            $"{{\"position\":\"{p.Position}\"{(p.Kwh is { } k ? $",\"out_Quantity.quantity\":\"{k.ToString(CultureInfo.InvariantCulture)}\"" : string.Empty)},\"out_Quantity.quality\":\"{p.Quality}\"}}"));
        return $"{{\"resolution\":\"{resolution}\",\"timeInterval\":{{\"start\":\"{Utc(start)}\",\"end\":\"{Utc(end)}\"}},\"Point\":[{list}]}}";
    }

    /// <summary>A local day as one Period: one point per <paramref name="minutes"/> of its real length (23, 24 or 25 hours).</summary>
    public static string Day(DateOnly date, Func<DateTimeOffset, decimal?> kwh, int minutes = 60, Func<DateTimeOffset, string>? quality = null)
    {
        var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), Copenhagen.GetUtcOffset(date.ToDateTime(TimeOnly.MinValue)));
        var nextLocal = date.AddDays(1).ToDateTime(TimeOnly.MinValue);
        var end = new DateTimeOffset(nextLocal, Copenhagen.GetUtcOffset(nextLocal));
        var count = (int)((end - start).TotalMinutes / minutes);
        var points = Enumerable.Range(0, count).Select(i =>
        {
            var at = start.AddMinutes(i * minutes);
            var q = quality?.Invoke(at) ?? "A04";
            return new Point(i + 1, q == "A02" ? null : kwh(at), q);
        });
        return Period(start, end, minutes == 60 ? "PT1H" : "PT15M", points);
    }

    /// <summary>One TimeSeries of <paramref name="businessType"/> (A04 consumption, A01 production).</summary>
    public static string Series(string id, string businessType, params string[] periods) =>
        $"{{\"mRID\":\"{id}\",\"businessType\":\"{businessType}\",\"curveType\":\"A01\",\"measurement_Unit.name\":\"KWH\",\"MarketEvaluationPoint\":{{\"mRID\":{{\"codingScheme\":\"A10\",\"name\":\"{id}\"}}}},\"Period\":[{string.Join(",", periods)}]}}";

    /// <summary>One envelope item with its MarketDocument.</summary>
    public static string Document(string id, params string[] series) =>
        $"{{\"MyEnergyData_MarketDocument\":{{\"mRID\":\"doc\",\"createdDateTime\":\"2026-01-01T00:00:00Z\",\"sender_MarketParticipant.name\":\"\",\"sender_MarketParticipant.mRID\":{{\"codingScheme\":null,\"name\":null}},\"period.timeInterval\":{{\"start\":\"x\",\"end\":\"y\"}},\"TimeSeries\":[{string.Join(",", series)}]}},\"success\":true,\"errorCode\":10000,\"errorText\":\"NoError\",\"id\":\"{id}\",\"stackTrace\":null}}";

    /// <summary>A failed envelope item (HTTP 200 all the same).</summary>
    public static string Failed(string id, int code, string text, string payload = "MyEnergyData_MarketDocument") =>
        $"{{\"{payload}\":null,\"success\":false,\"errorCode\":{code},\"errorText\":\"{text}\",\"id\":\"{id}\",\"stackTrace\":null}}";

    public static string Envelope(params string[] items) => $"{{\"result\":[{string.Join(",", items)}]}}";

    /// <summary>A tariff of getcharges: <paramref name="periodType"/> PT1H (24 prices), P1D (one) or PT15M (96).</summary>
    public static string Tariff(string name, string periodType, DateTimeOffset from, DateTimeOffset? to, params decimal[] prices) =>
        $"{{\"tariffId\":\"{name}\",\"name\":\"{name}\",\"description\":\"\",\"owner\":\"5790000705689\",\"periodType\":\"{periodType}\",\"validFromDate\":\"{Utc(from)}\",\"validToDate\":{(to is { } t ? $"\"{Utc(t)}\"" : "null")},\"prices\":[{string.Join(",", prices.Select((p, i) => $"{{\"position\":\"{i + 1}\",\"price\":{p.ToString(CultureInfo.InvariantCulture)}}}"))}]}}";

    public static string Subscription(string name, decimal price, DateTimeOffset from, DateTimeOffset? to = null, int quantity = 1) =>
        $"{{\"subscriptionId\":\"{name}\",\"name\":\"{name}\",\"description\":\"\",\"owner\":\"5790000705689\",\"validFromDate\":\"{Utc(from)}\",\"validToDate\":{(to is { } t ? $"\"{Utc(t)}\"" : "null")},\"price\":{price.ToString(CultureInfo.InvariantCulture)},\"quantity\":{quantity}}}";

    /// <summary>A getcharges answer for <paramref name="id"/>.</summary>
    public static string Charges(string id, IEnumerable<string> tariffs, IEnumerable<string>? subscriptions = null) =>
        Envelope($"{{\"result\":{{\"meteringPointId\":\"{id}\",\"subscriptions\":[{string.Join(",", subscriptions ?? [])}],\"fees\":[],\"tariffs\":[{string.Join(",", tariffs)}]}},\"success\":true,\"errorCode\":10000,\"errorText\":\"NoError\",\"id\":\"{id}\",\"stackTrace\":null}}");

    /// <summary>
    /// Radius-like charges from 2026-01-01: a net tariff per clock hour (0.10 at night, 0.30 from 17 to 21, 0.15 else),
    /// Energinet's transmission (0.049) and system (0.061) tariffs and the electricity tax (0.72) per day, and a
    /// 25.00 DKK/month subscription. Every hour's price before VAT is the net tariff + 0.83.
    /// </summary>
    public static string RadiusCharges(string id = MeteringPointId) => Charges(
        id,
        [
            Tariff("Nettarif C time", "PT1H", At(2026, 1, 1), null, NetTariff()),
            Tariff("Transmissions nettarif", "P1D", At(2026, 1, 1), null, 0.049m),
            Tariff("Systemtarif", "P1D", At(2026, 1, 1), null, 0.061m),
            Tariff("Elafgift", "P1D", At(2026, 1, 1), null, 0.72m),
        ],
        [Subscription("Nettarif C abonnement", 25.00m, At(2026, 1, 1))]);

    /// <summary>The net tariff per clock hour 0..23 (positions 1..24).</summary>
    public static decimal[] NetTariff() => [.. Enumerable.Range(0, 24).Select(h => h < 6 ? 0.10m : h is >= 17 and < 21 ? 0.30m : 0.15m)];

    /// <summary>The metering point list: <paramref name="points"/> as (id, typeOfMP, resolution), with personal fields as the API sends them.</summary>
    public static string MeteringPoints(params (string Id, string Type, string Resolution)[] points) =>
        $"{{\"result\":[{string.Join(",", points.Select(p => $"{{\"meteringPointId\":\"{p.Id}\",\"typeOfMP\":\"{p.Type}\",\"balanceSupplierName\":\"Edison EL ApS\",\"streetName\":\"Secret Street\",\"buildingNumber\":\"1A\",\"postcode\":\"1450\",\"cityName\":\"København K\",\"firstConsumerPartyName\":\"John Doe\",\"consumerCVR\":\"\",\"meterReadingOccurrence\":\"{p.Resolution}\",\"hasRelation\":true,\"childMeteringPoints\":[]}}"))}]}}";
}
