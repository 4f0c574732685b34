using System.Text.Json;
using MqttBridge.Domain;
using MqttBridge.Sources;
using MqttBridge.Sources.Eloverblik;
using static MqttBridge.TestSupport.EloverblikResponses;

namespace MqttBridge.Tests.Eloverblik;

public sealed class EloverblikMapperTests
{
    private static string Fixture(string name) => File.ReadAllText(RepoPaths.File($"tests/MqttBridge.Tests/Sources/Eloverblik/Fixtures/{name}"));

    private static MeterSeries Map(string json, string id) =>
        EloverblikMapper.MapDocument(EloverblikMapper.Item(JsonSerializer.Deserialize(json, EloverblikJsonContext.Default.EnvelopeMarketDocument)!, id, "gettimeseries")?.MarketDocument, Copenhagen);

    [Fact]
    public void The_recorded_two_day_document_maps_its_consumption_and_production_series_by_business_type()
    {
        var series = Map(Fixture("MyEnergyDataMarketDocumentResponseListApiResponse.json"), "571313179100066516");

        var feb12 = series.Consumption.SumOf(new LocalDay(new DateOnly(2024, 2, 12), Copenhagen))!;
        var feb13 = series.Consumption.SumOf(new LocalDay(new DateOnly(2024, 2, 13), Copenhagen))!;
        Assert.Equal((3.10m, 24, true), (feb12.Kwh, feb12.Intervals, feb12.AllVerified));
        Assert.Equal((3.50m, 24), (feb13.Kwh, feb13.Intervals));
        Assert.Equal(48, series.Consumption.Readings.Count);
        Assert.Equal((new DateTimeOffset(2024, 2, 11, 23, 0, 0, TimeSpan.Zero), 0.13m), (series.Consumption.Readings[0].Start, series.Consumption.Readings[0].Kwh));
        Assert.Equal(0.73m, series.Consumption.Readings.Max(r => r.Kwh));

        // The A01 series is production: never added to consumption.
        Assert.Equal(3.03m, series.Production.SumOf(new LocalDay(new DateOnly(2024, 2, 13), Copenhagen))!.Kwh);
        Assert.Equal(3.54m, series.Production.SumOf(new LocalDay(new DateOnly(2024, 2, 14), Copenhagen))!.Kwh);
        Assert.Null(series.Production.SumOf(new LocalDay(new DateOnly(2024, 2, 12), Copenhagen)));
    }

    [Fact]
    public void The_month_max_hour_of_the_recording_is_its_highest_clock_hour()
    {
        var series = Map(Fixture("MyEnergyDataMarketDocumentResponseListApiResponse.json"), "571313179100066516");

        var max = MonthMaxRule.Of(series.Consumption, 2024, 2, Copenhagen, CapacityBasis.MonthlyMaxHour)!;

        Assert.Equal(0.73m, max.Kw);
        Assert.Equal(2024, TimeZoneInfo.ConvertTime(max.Peaks[0].Start, Copenhagen).Year);
    }

    [Fact]
    public void The_recorded_details_parse_and_only_non_personal_fields_are_read()
    {
        var json = Fixture("MeteringPointDetailsCustomerDtoResponseListApiResponse.json");
        var answer = JsonSerializer.Deserialize(json, EloverblikJsonContext.Default.EnvelopeMeteringPointDetailsDto)!;

        var details = EloverblikMapper.Item(answer, "5713131XXXXXXXXXXX", "getdetails")!.Result!;

        Assert.Equal(("E17", "Radius Elnet A/S", "PT1H", "D01", "E22"), (details.TypeOfMP, details.GridOperatorName, details.MeterReadingOccurrence, details.SettlementMethod, details.PhysicalStatusOfMP));
        Assert.DoesNotContain("John Doe", details.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_documented_placeholder_shapes_parse_and_their_placeholders_are_named()
    {
        var charges = JsonSerializer.Deserialize(Fixture("metering-point-price-data.json"), EloverblikJsonContext.Default.EnvelopeChargesDto)!;
        var item = EloverblikMapper.Item(charges, "string", "getcharges")!;
        var ex = Assert.Throws<SourceException>(() => EloverblikMapper.MapCharges(item.Result));
        Assert.Equal("Eloverblik sent data the bridge cannot read: tariffs[0] (string).periodType 'STRING' is not PT1H, P1D or PT15M; keeping the last good data", ex.Message);

        var details = JsonSerializer.Deserialize(Fixture("metering-point-details-response.json"), EloverblikJsonContext.Default.EnvelopeMeteringPointDetailsDto)!;
        Assert.Equal("string", EloverblikMapper.Item(details, "string", "getdetails")!.Result!.GridOperatorName);

        var series = JsonSerializer.Deserialize(Fixture("MyEnergyDataMarketDocumentResponse.json"), EloverblikJsonContext.Default.EnvelopeMarketDocument)!;
        Assert.Null(EloverblikMapper.Code(series.Result![0].ErrorCode)); // "errorCode": "string"
        var doc = Assert.Throws<SourceException>(() => EloverblikMapper.MapDocument(series.Result[0].MarketDocument, Copenhagen));
        Assert.Contains("TimeSeries[0].businessType 'string'", doc.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2026, 3, 29, 60, 23)]
    [InlineData(2026, 10, 25, 60, 25)]
    [InlineData(2026, 3, 29, 15, 92)]
    [InlineData(2026, 10, 25, 15, 100)]
    [InlineData(2026, 11, 23, 15, 96)]
    public void Points_are_placed_by_position_so_dst_days_have_their_real_length(int year, int month, int day, int minutes, int points)
    {
        var date = new DateOnly(year, month, day);
        var json = Envelope(Document(MeteringPointId, Series(MeteringPointId, "A04", Day(date, _ => 0.25m, minutes))));

        var series = Map(json, MeteringPointId);

        var sum = series.Consumption.SumOf(new LocalDay(date, Copenhagen))!;
        Assert.Equal((points, points * 0.25m), (sum.Intervals, sum.Kwh));
        Assert.All(series.Consumption.Readings, r => Assert.Equal(TimeSpan.FromMinutes(minutes), r.End - r.Start));
        if (month == 10 && minutes == 60)
        {
            // Positions 3 and 4 are both 02:00 local: the first at +02:00, the second at +01:00.
            Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero), series.Consumption.Readings[2].Start);
            Assert.Equal(new DateTimeOffset(2026, 10, 25, 1, 0, 0, TimeSpan.Zero), series.Consumption.Readings[3].Start);
        }
    }

    [Fact]
    public void Quarter_hours_are_summed_into_their_clock_hour_for_the_month_max()
    {
        var date = new DateOnly(2026, 11, 23);
        var json = Envelope(Document(MeteringPointId, Series(MeteringPointId, "A04", Day(date, t => FourteenOClock(t) ? 1.2m : 0.1m, 15))));

        var max = MonthMaxRule.Of(Map(json, MeteringPointId).Consumption, 2026, 11, Copenhagen, CapacityBasis.MonthlyMaxHour)!;

        Assert.Equal(4.8m, max.Kw);
        Assert.Equal(At(2026, 11, 23, 14), max.Peaks[0].Start);

        static bool FourteenOClock(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Copenhagen).Hour == 14;
    }

    [Fact]
    public void Quality_codes_decide_verified_and_not_available_is_a_gap_never_a_zero()
    {
        var date = new DateOnly(2026, 11, 23);
        string Quality(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Copenhagen).Hour switch { 1 => "A01", 2 => "A03", 3 => "A05", 4 => "A02", _ => "A04" };
        var json = Envelope(Document(MeteringPointId, Series(MeteringPointId, "A04", Day(date, _ => 1m, 60, Quality))));

        var readings = Map(json, MeteringPointId).Consumption.Readings;

        Assert.Equal(23, readings.Count);
        Assert.DoesNotContain(readings, r => r.Start == At(2026, 11, 23, 4));
        Assert.Equal([true, true, false, false, true], readings.Take(5).Select(r => r.Verified));
        Assert.Null(Map(json, MeteringPointId).Consumption.SumOf(new LocalDay(date, Copenhagen)));
    }

    [Fact]
    public void An_item_with_an_error_code_names_it_and_no_data_is_not_an_error()
    {
        var failed = JsonSerializer.Deserialize(Envelope(Failed(MeteringPointId, 20008, "MeteringPointNotFound")), EloverblikJsonContext.Default.EnvelopeMarketDocument)!;
        var ex = Assert.Throws<SourceException>(() => EloverblikMapper.Item(failed, MeteringPointId, "gettimeseries"));
        Assert.Contains("error 20008 MeteringPointNotFound", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MeteringPointId, ex.Message, StringComparison.Ordinal);

        var empty = JsonSerializer.Deserialize(Envelope(Failed(MeteringPointId, 30007, "NoMeteringPointDataAvailable").Replace("30007", "\"30007\"", StringComparison.Ordinal)), EloverblikJsonContext.Default.EnvelopeMarketDocument)!;
        Assert.Empty(EloverblikMapper.MapDocument(EloverblikMapper.Item(empty, MeteringPointId, "gettimeseries")!.MarketDocument, Copenhagen).Consumption.Readings);
    }

    private static Charges ChargesOf(string json) =>
        EloverblikMapper.MapCharges(EloverblikMapper.Item(JsonSerializer.Deserialize(json, EloverblikJsonContext.Default.EnvelopeChargesDto)!, MeteringPointId, "getcharges")!.Result);

    [Fact]
    public void Hourly_tariffs_go_by_clock_hour_so_both_0200_hours_of_the_25_hour_day_take_the_0200_price()
    {
        var charges = ChargesOf(Charges(MeteringPointId, [Tariff("Nettarif", "PT1H", At(2026, 1, 1), null, [.. Enumerable.Range(1, 24).Select(p => p / 100m)])]));

        var autumn = EloverblikMapper.Curve(charges, new LocalDay(new DateOnly(2026, 10, 25), Copenhagen), 1, 0m);
        var spring = EloverblikMapper.Curve(charges, new LocalDay(new DateOnly(2026, 3, 29), Copenhagen), 1, 0m);

        Assert.Equal(25, autumn.Slots.Count);
        Assert.Equal([0.01m, 0.02m, 0.03m, 0.03m, 0.04m], autumn.Slots.Take(5).Select(s => s.Price));
        Assert.Equal(23, spring.Slots.Count);
        Assert.Equal([0.01m, 0.02m, 0.04m], spring.Slots.Take(3).Select(s => s.Price)); // position 3 (02:00) is unused
        Assert.Equal(0.24m, spring.Slots[^1].Price);
    }

    [Fact]
    public void Tariffs_are_summed_per_slot_with_vat_and_a_new_price_from_the_first_starts_at_that_instant()
    {
        var charges = ChargesOf(Charges(
            MeteringPointId,
            [
                Tariff("Nettarif", "PT1H", At(2026, 1, 1), At(2026, 12, 1), NetTariff()),
                Tariff("Nettarif", "PT1H", At(2026, 12, 1), null, [.. NetTariff().Select(p => p * 2)]),
                Tariff("Elafgift", "P1D", At(2026, 1, 1), null, 0.72m),
                Tariff("Systemtarif", "P1D", At(2026, 1, 1), At(2026, 12, 1), 0.061m),
            ]));

        var curve = EloverblikMapper.Curve(charges, new LocalDay(new DateOnly(2026, 11, 30), Copenhagen), 2, 0.25m);

        Assert.Equal((0.15m + 0.72m + 0.061m) * 1.25m, curve.At(At(2026, 11, 30, 23, 30))!.Price);
        Assert.Equal((0.20m + 0.72m) * 1.25m, curve.At(At(2026, 12, 1, 0, 30))!.Price);
        Assert.Equal((0.60m + 0.72m) * 1.25m, curve.At(At(2026, 12, 1, 18))!.Price);
        Assert.Equal([At(2026, 1, 1), At(2026, 12, 1)], charges.Boundaries.Distinct().Order());
    }

    [Fact]
    public void Quarter_hour_tariffs_make_quarter_hour_slots_and_daily_ones_apply_to_each()
    {
        var charges = ChargesOf(Charges(
            MeteringPointId,
            [Tariff("Nettarif 15", "PT15M", At(2026, 1, 1), null, [.. Enumerable.Range(0, 96).Select(q => q / 1000m)]), Tariff("Elafgift", "DAY", At(2026, 1, 1), null, 0.5m)]));

        var curve = EloverblikMapper.Curve(charges, new LocalDay(new DateOnly(2026, 3, 29), Copenhagen), 1, 0m);

        Assert.Equal(92, curve.Slots.Count);
        Assert.Equal(0.5m + 0.013m, curve.At(At(2026, 3, 29, 3, 15))!.Price); // 03:15 is position 14 (clock quarters, not absolute ones)
    }

    [Fact]
    public void Subscriptions_are_per_month_with_vat_and_only_while_valid()
    {
        var charges = ChargesOf(Charges(
            MeteringPointId,
            [Tariff("Elafgift", "P1D", At(2026, 1, 1), null, 0.72m)],
            [Subscription("Nettarif abonnement", 21.00m, At(2026, 1, 1), At(2027, 1, 1)), Subscription("Målerabonnement", 2.50m, At(2026, 6, 1), quantity: 2)]));

        Assert.Equal(21.00m * 1.25m, EloverblikMapper.MonthlyAt(charges, At(2026, 5, 31, 12), 0.25m));
        Assert.Equal(26.00m * 1.25m, EloverblikMapper.MonthlyAt(charges, At(2026, 6, 1), 0.25m));
        Assert.Equal(5.00m * 1.25m, EloverblikMapper.MonthlyAt(charges, At(2027, 1, 1), 0.25m));
        Assert.All(EloverblikMapper.Curve(charges, new LocalDay(new DateOnly(2026, 6, 1), Copenhagen), 1, 0.25m).Slots, s => Assert.Equal(0.9m, s.Price));
    }

    [Theory]
    [InlineData("2026-01-01", "2026-01-02", "2026-05-12", "2026-01-01/2026-01-02")]
    [InlineData("2026-05-01", "2026-05-20", "2026-05-12", "2026-05-01/2026-05-12")]
    [InlineData("2026-05-12", "2026-05-13", "2026-05-12", "")]
    [InlineData("2023-01-01", "2026-05-12", "2026-05-12", "2023-01-01/2024-12-31 2024-12-31/2026-05-12")]
    public void Periods_never_end_after_today_never_start_where_they_end_and_span_at_most_730_days(string from, string to, string today, string expected)
    {
        var parts = EloverblikPeriods.Split(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, string.Join(" ", parts.Select(p => $"{p.From:yyyy-MM-dd}/{p.To:yyyy-MM-dd}")));
    }

    [Fact]
    public void Tokens_are_read_in_both_documented_forms_with_their_expiry()
    {
        var jwt = Jwt(At(2026, 6, 1, 12));

        Assert.Equal(jwt, EloverblikMapper.AccessToken($"{{\"result\":\"{jwt}\"}}"));
        Assert.Equal(jwt, EloverblikMapper.AccessToken($"{{\"result\":[{{\"result\":\"{jwt}\",\"success\":true,\"errorCode\":10000}}]}}"));
        Assert.Null(EloverblikMapper.AccessToken("{\"result\":null}"));
        Assert.Equal(At(2026, 6, 1, 12), EloverblikMapper.ExpiresAt(jwt));
        Assert.Null(EloverblikMapper.ExpiresAt("not-a-jwt"));
    }

    [Theory]
    [InlineData("\"[20010] Relation not found\"", "[20010] Relation not found")]
    [InlineData("""{"type":"x","title":"Not Found","status":404,"traceId":"00-1"}""", "Not Found")]
    [InlineData("", "no details")]
    [InlineData("<html>Service Unavailable</html>", "<html>Service Unavailable</html>")]
    public void Error_bodies_are_one_short_line(string body, string expected) =>
        Assert.Equal(expected, EloverblikMapper.ErrorText(System.Text.Encoding.UTF8.GetBytes(body)));
}
