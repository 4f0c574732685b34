using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace MqttBridge.TestSupport;

/// <summary>
/// The DIGIN standard's example answers (tests/fixtures/digin, byte-for-byte copies), and answers built from their shape
/// around a chosen day: the examples are dated 2021-09-17, a running bridge needs today's and tomorrow's slots.
/// </summary>
internal static class DiginFixtures
{
    public const string MonthlyMax = "DiginGridTariffAPI.v1_0_meteringpointsgridtariffs_json_output_monthlymax_example1.json";
    public const string DailyMax = "DiginGridTariffAPI.v1_0_meteringpointsgridtariffs_json_output_dailymax_example1.json";
    public const string FuseSize = "DiginGridTariffAPI.v1_0_meteringpointsgridtariffs_json_output_fusesize_example1.json";
    public const string Lsdn1 = "DiginGridTariffAPI.v1_0_meteringpointsgridtariffs_json_output_LSDN_example1.json";
    public const string Lsdn2 = "DiginGridTariffAPI.v1_0_meteringpointsgridtariffs_json_output_LSDN_example2.json";
    public const string Hsdn = "DiginGridTariffAPI.v1_0_meteringpointsgridtariffs_json_output_HSDN_example1.json";
    public const string Mapping = "DiginGridTariffAPI.gridcompany-mapping.json";

    public static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    public static string PathOf(string name) => RepoPaths.File(Path.Combine("tests", "fixtures", "digin", name));

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    /// <summary>A fixture read as the bridge reads it (UTF-8, Latin-1 for the HSDN example).</summary>
    public static string Text(string name)
    {
        var bytes = Bytes(name);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>
    /// The fixture with its <c>hours</c> replaced by <paramref name="days"/> local days from <paramref name="first"/> in
    /// slots of <paramref name="resolution"/> minutes. A slot starting in local hour h copies the fixture's hour
    /// min(h, 12) (its energy price and level), so <see cref="TemplateHour"/> says what each slot must cost.
    /// The fixed price hourId is the level's variant for the month's number of days.
    /// </summary>
    public static string Around(string name, DateOnly first, int days = 2, int resolution = 60)
    {
        var root = JsonNode.Parse(Text(name))!;
        foreach (var collection in root["gridTariffCollections"]!.AsArray())
        {
            var tariff = collection!["gridTariff"]!;
            tariff["tariffType"]!["resolution"] = resolution;
            var template = tariff["tariffPrice"]!["hours"]!.AsArray();
            var levels = tariff["tariffPrice"]!["priceInfo"]!["fixedPrices"]![0]!["priceLevels"]![0]!["hourPrices"]!.AsArray();
            var hours = new JsonArray();
            var start = StartOf(first);
            var end = StartOf(first.AddDays(days));
            for (var t = start; t < end; t = t.AddMinutes(resolution))
            {
                var local = TimeZoneInfo.ConvertTime(t, Oslo);
                var hour = template[TemplateHour(t)]!.DeepClone();
                hour["startTime"] = Stamp(t);
                hour["expiredAt"] = Stamp(t.AddMinutes(resolution));
                hour["shortName"] = $"{local:HHmm}-{TimeZoneInfo.ConvertTime(t.AddMinutes(resolution), Oslo):HHmm}";
                var daysInMonth = DateTime.DaysInMonth(local.Year, local.Month);
                var variant = levels.First(h => (int)h!["numberOfDaysInMonth"]! == daysInMonth)!["id"]!.GetValue<string>();
                if (hour["fixedPrice"] is JsonObject fixedPrice)
                {
                    fixedPrice["hourId"] = variant;
                }

                hours.Add(hour);
            }

            tariff["tariffPrice"]!["hours"] = hours;
        }

        return root.ToJsonString();
    }

    /// <summary>Which of the fixture's 13 hours a slot at <paramref name="instant"/> copies.</summary>
    public static int TemplateHour(DateTimeOffset instant) => Math.Min(TimeZoneInfo.ConvertTime(instant, Oslo).Hour, 12);

    /// <summary>The energy price (total) the fixture gives its hour <paramref name="index"/>.</summary>
    public static decimal PriceOfHour(string name, int index) =>
        JsonNode.Parse(Text(name))!["gridTariffCollections"]![0]!["gridTariff"]!["tariffPrice"]!["hours"]![index]!["energyPrice"]!["total"]!.GetValue<decimal>();

    public static DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Oslo.GetUtcOffset(local));
    }

    public static string Stamp(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Oslo).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
