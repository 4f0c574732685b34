using MqttBridge.Domain;
using MqttBridge.Sources;
using MqttBridge.Sources.Fluvius;
using static MqttBridge.TestSupport.FluviusAnswers;

namespace MqttBridge.Tests.Fluvius;

/// <summary>Every v2 and v3 fixture, and answers of our own for DST days, levels and gas, read to the values a user sees.</summary>
public sealed class FluviusMapperTests
{
    private static string Fixture(string name) => File.ReadAllText(RepoPaths.File($"tests/MqttBridge.Tests/Sources/Fluvius/Fixtures/{name}"));

    private static FluviusEnergy Map(string json) => FluviusClient.ParseEnergy(json, Brussels);

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public void V3_metering_on_meter_reads_the_physical_meter_quarter_hours_as_estimated()
    {
        var energy = Map(Fixture("v3/electricity_data_measurement_quarter_hourly.json"));

        Assert.Equal(("E", "541440010000000001", "physical meters", false), (energy.EnergyType, energy.Ean, energy.Level, energy.HadInjection));
        Assert.Equal(
            [new MeterReading(Utc(2024, 12, 1, 0), Utc(2024, 12, 1, 0, 15), 0.009m, false), new MeterReading(Utc(2024, 12, 1, 0, 15), Utc(2024, 12, 1, 0, 30), 0.010m, false)],
            energy.Offtake.Readings);
        Assert.Empty(energy.Injection.Readings);
        Assert.Empty(energy.GasM3.Readings);
    }

    [Fact]
    public void V3_metering_on_headpoint_reads_the_headpoint_and_never_the_pv_sub_headpoint()
    {
        var energy = Map(Fixture("v3/electricity_data_headpoints_measurement_quarter_hourly.json"));

        Assert.Equal("headpoint", energy.Level);
        Assert.Equal([0.009m, 0.010m], energy.Offtake.Readings.Select(r => r.Kwh));
        Assert.All(energy.Offtake.Readings, r => Assert.False(r.Verified));

        // The sub-headpoint's PV reading (injection.reactive, READ) is neither consumption nor injection of the EAN.
        Assert.Empty(energy.Injection.Readings);
        Assert.False(energy.HadInjection);
    }

    [Fact]
    public void V3_gas_hourly_is_gas_in_cubic_metres_and_verified_when_read()
    {
        var energy = Map(Fixture("v3/gas_data_measurement_hourly.json"));

        Assert.True(energy.IsGas);
        Assert.Equal([new MeterReading(Utc(2024, 12, 1, 0), Utc(2024, 12, 1, 1), 0.009m, true)], energy.GasM3.Readings);
        Assert.Empty(energy.GasKwh.Readings);
        Assert.Empty(energy.Offtake.Readings);
    }

    [Fact]
    public void V2_daily_is_the_brussels_day_with_offtake_and_injection_estimated()
    {
        var energy = Map(Fixture("v2/electricity_data_measurement_daily.json"));

        // Cut at UTC midnight in the fixture: it is Thursday 17 April in Brussels (a 24-hour day from 22:00Z).
        var day = new LocalDay(new DateOnly(2025, 4, 17), Brussels);
        Assert.Equal([new MeterReading(day.Start, day.End, 0.78m, false)], energy.Offtake.Readings);
        Assert.Equal([new MeterReading(day.Start, day.End, 0.016m, false)], energy.Injection.Readings);
        Assert.True(energy.HadInjection);
        Assert.Equal(0.78m, energy.Offtake.SumOf(day)!.Kwh);
        Assert.Equal("meters (v2)", energy.Level);
    }

    [Fact]
    public void V2_daily_keeps_its_day_register_apart_and_has_no_night_one()
    {
        var energy = Map(Fixture("v2/electricity_data_measurement_daily.json"));

        var day = new LocalDay(new DateOnly(2025, 4, 17), Brussels);
        Assert.Equal([new MeterReading(day.Start, day.End, 0.78m, false)], energy.OfftakeDay.Readings);
        Assert.Empty(energy.OfftakeNight.Readings);
        Assert.Equal([new MeterReading(day.Start, day.End, 0.016m, false)], energy.InjectionDay.Readings);
        Assert.Equal((0.78m, 0m), DayNightRegisters.Of(energy.OfftakeDay, energy.OfftakeNight)!.Between(day.Start, day.End));
    }

    [Fact]
    public void V3_total_with_day_and_night_counts_the_total_once_and_keeps_the_registers_apart()
    {
        var energy = Map("""
            {"data": {"headpoint": {"$type": "metering-on-headpoint", "ean": "541440110000000123", "energyType": "E",
              "quarterHourlyEnergy": [
                {"start": "2026-01-05T06:00:00Z", "end": "2026-01-05T06:15:00Z", "measurements": [
                  {"offtake": {"total": {"value": 0.5, "unit": "kWh", "validationState": "READ"}, "day": {"value": 0.3, "unit": "kWh", "validationState": "READ"}, "night": {"value": 0.2, "unit": "kWh", "validationState": "EST"}},
                   "injection": {"day": {"value": 0.04, "unit": "kWh", "validationState": "READ"}}}]}]}}}
            """);

        Assert.Equal([0.5m], energy.Offtake.Readings.Select(r => r.Kwh));
        Assert.Equal([0.3m], energy.OfftakeDay.Readings.Select(r => r.Kwh));
        Assert.Equal([(0.2m, false)], energy.OfftakeNight.Readings.Select(r => (r.Kwh, r.Verified)));
        Assert.Equal([0.04m], energy.Injection.Readings.Select(r => r.Kwh));
        Assert.Equal([0.04m], energy.InjectionDay.Readings.Select(r => r.Kwh));
        Assert.Empty(energy.InjectionNight.Readings);
    }

    [Fact]
    public void Fixtures_with_only_a_total_have_no_registers()
    {
        foreach (var name in new[] { "v3/electricity_data_measurement_quarter_hourly.json", "v3/electricity_data_headpoints_measurement_quarter_hourly.json", "v2/electricity_data_measurement_quarter_hourly.json" })
        {
            var energy = Map(Fixture(name));
            Assert.Null(DayNightRegisters.Of(energy.OfftakeDay, energy.OfftakeNight));
            Assert.Null(DayNightRegisters.Of(energy.InjectionDay, energy.InjectionNight));
        }
    }

    [Fact]
    public void V2_quarter_hourly_reads_offtake_and_a_zero_injection()
    {
        var energy = Map(Fixture("v2/electricity_data_measurement_quarter_hourly.json"));

        Assert.Equal(
            [new MeterReading(Utc(2025, 4, 17, 0), Utc(2025, 4, 17, 0, 15), 0.009m, false), new MeterReading(Utc(2025, 4, 17, 0, 15), Utc(2025, 4, 17, 0, 30), 0.008m, false)],
            energy.Offtake.Readings);
        Assert.Equal([0m, 0m], energy.Injection.Readings.Select(r => r.Kwh));
        Assert.True(energy.HadInjection);
    }

    [Theory]
    [InlineData(2026, 3, 29, 92)]
    [InlineData(2026, 7, 1, 96)]
    [InlineData(2026, 10, 25, 100)]
    public void A_brussels_day_has_92_96_or_100_utc_quarter_hours_and_sums_to_its_local_day(int y, int m, int d, int quarters)
    {
        var date = new DateOnly(y, m, d);
        var slices = QuartersOf(date, i => 0.1m + (i % 4 * 0.05m), i => i == 50 ? 0.3m : 0m);
        var energy = Map(V3Energy("metering-on-headpoint", slices));

        var sum = energy.Offtake.SumOf(new LocalDay(date, Brussels))!;
        Assert.Equal(quarters, sum.Intervals);
        Assert.Equal(slices.Sum(s => s.Offtake), sum.Kwh);
        Assert.True(sum.AllVerified);
        Assert.Equal(0.3m, energy.Injection.SumOf(new LocalDay(date, Brussels))!.Kwh);

        // Neither neighbour day is touched.
        Assert.Null(energy.Offtake.SumOf(new LocalDay(date.AddDays(1), Brussels)));
        Assert.Null(energy.Offtake.SumBetween(new LocalDay(date.AddDays(-1), Brussels).Start, new LocalDay(date, Brussels).Start));
    }

    [Fact]
    public void Headpoint_and_meter_is_read_at_the_headpoint_once_never_added_to_the_meter()
    {
        var date = new DateOnly(2026, 1, 15);
        var energy = Map(V3Energy("metering-on-headpoint-and-meter", QuartersOf(date, _ => 0.25m)));

        Assert.Equal("headpoint", energy.Level);
        Assert.Equal(24m, energy.Offtake.SumOf(new LocalDay(date, Brussels))!.Kwh);
    }

    [Fact]
    public void Two_physical_meters_of_one_ean_add_up_per_slice_and_only_kwh_counts()
    {
        const string Json = """
            {"data": {"headpoint": {"$type": "metering-on-meter", "ean": "541440110000000123", "energyType": "E",
              "physicalMeters": [
                {"seqNumber": "1", "meterID": "A", "quarterHourlyEnergy": [{"start": "2026-01-15T10:00:00Z", "end": "2026-01-15T10:15:00Z",
                   "measurements": [{"offtake": {"day": {"value": 0.4, "unit": "kWh", "validationState": "VAL"}, "reactive": {"value": 5, "unit": "KVArh", "validationState": "READ"}}}]}]},
                {"seqNumber": "2", "meterID": "B", "quarterHourlyEnergy": [{"start": "2026-01-15T10:00:00Z", "end": "2026-01-15T10:15:00Z",
                   "measurements": [{"offtake": {"night": {"value": 0.1, "unit": "kWh", "validationState": "NVAL"}}},
                                    {"offtake": {"total": {"value": 7, "unit": "kVA", "validationState": "READ"}}}]}]}]}}}
            """;

        var reading = Assert.Single(Map(Json).Offtake.Readings);

        // 0.4 + 0.1 kWh; the reactive register and the kVA value are not energy; NVAL is not verified.
        Assert.Equal((0.5m, false), (reading.Kwh, reading.Verified));
    }

    [Fact]
    public void V2_gas_with_cubic_metres_and_kwh_per_slice_fills_both_series()
    {
        const string Json = """
            {"metaData": {"version": "2.0"}, "data": {"fetchTime": "2026-01-16T08:00:00Z", "electricityMeters": [], "gasMeters": [
              {"seqNumber": 1, "meterID": "G1", "hourlyEnergy": [
                {"timestampStart": "2026-01-15T10:00:00Z", "timestampEnd": "2026-01-15T11:00:00Z", "measurement": [
                  {"unit": "m3", "offtakeValue": 0.42, "offtakeValidationState": "READ"},
                  {"unit": "kWh", "offtakeValue": 4.75, "offtakeValidationState": "READ", "offtakeUsedGCF": "P"}]}]}]}}
            """;

        var energy = Map(Json);

        Assert.True(energy.IsGas);
        Assert.Equal([0.42m], energy.GasM3.Readings.Select(r => r.Kwh));
        Assert.Equal([4.75m], energy.GasKwh.Readings.Select(r => r.Kwh));
        Assert.Empty(energy.Offtake.Readings);
    }

    [Theory]
    [InlineData("READ", true)]
    [InlineData("VAL", true)]
    [InlineData("EST", false)]
    [InlineData("NVAL", false)]
    [InlineData(null, false)]
    public void Estimated_and_not_validated_values_are_not_verified(string? state, bool verified) =>
        Assert.Equal(verified, FluviusMapper.IsVerified(state));

    [Theory]
    [InlineData("{\"data\": {}}", "'data' holds neither 'headpoint' (v3) nor 'electricityMeters'/'gasMeters' (v2)")]
    [InlineData("{\"data\": {\"headpoint\": {\"$type\": \"metering-on-headpoint\", \"quarterHourlyEnergy\": [{\"start\": \"soon\", \"end\": \"2026-01-01T00:15:00Z\"}]}}}", "headpoint.quarterHourlyEnergy[0].start 'soon' is not a date-time")]
    [InlineData("{\"data\": null}", "'data' is missing")]
    public void A_shape_it_cannot_read_names_the_field(string json, string detail)
    {
        var fault = Assert.Throws<SourceException>(() => Map(json));
        Assert.Contains(detail, fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mandates_of_both_versions_map_and_the_site_reads_the_approved_quarter_hour_one()
    {
        var v3 = FluviusClient.ParseMandates(Mandates(
            [new("Finished"), new("Approved", Service: "VH_dag"), new("Approved", Renewal: "ToBeRenewed"), new("Requested", Ean: GasEan, EnergyType: "G", Service: "VH_uur")]));
        var chosen = FluviusMandates.Choose(v3, Reference, null)!;
        Assert.Equal(("approved", "VH_kwartier_uur", "to_be_renewed", Ean), (chosen.Status, chosen.DataServiceType, chosen.Renewal, chosen.Ean));
        Assert.Equal(new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.Zero), chosen.Expires);

        // The gas EAN, when configured, is its own site's mandate; another reference number's is nobody's here.
        Assert.Equal(("requested", true), (FluviusMandates.Choose(v3, Reference, GasEan)!.Status, FluviusMandates.Choose(v3, Reference, GasEan)!.IsGas));
        Assert.Null(FluviusMandates.Choose(v3, "someoneElse", null));

        var v2 = FluviusClient.ParseMandates(Mandates([new("Rejected", Renewal: "RenewalRequested")], v2: true));
        Assert.Equal(("rejected", Ean, "renewal_requested"), (v2[0].Status, v2[0].Ean, v2[0].Renewal));
        Assert.Empty(FluviusClient.ParseMandates("""{"data": {"mandates": []}}"""));
    }
}
