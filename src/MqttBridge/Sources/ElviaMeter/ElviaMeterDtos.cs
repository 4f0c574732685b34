using System.Text.Json.Serialization;

namespace MqttBridge.Sources.ElviaMeter;

// Wire shapes of Elvia's MeterValue API (field names from Elvia's portal examples, ../shared/fixtures/elvia-metervalue/).
// Time stamps stay strings here: the mapper parses them and names the field when one is not a date-time.

/// <summary>GET v1/metervalues. Note the lower-case <c>meteringpoints</c>.</summary>
internal sealed record MeterValuesResponse(IReadOnlyList<MeterValuesPoint>? Meteringpoints);

internal sealed record MeterValuesPoint(string? MeteringPointId, CustomerContract? CustomerContract, MeterValueBlock? Metervalue);

/// <summary><c>startTime/endTime</c> in metervalues, <c>startDate/endDate</c> in maxhours v2: both kept, neither used (personal data).</summary>
internal sealed record CustomerContract(string? StartTime, string? EndTime, string? StartDate, string? EndDate);

internal sealed record MeterValueBlock(string? FromHour, string? ToHour, int? ResolutionMinutes, IReadOnlyList<TimeSeriesValue>? TimeSeries);

internal sealed record TimeSeriesValue(string? StartTime, string? EndTime, decimal? Value, string? Uom, bool? Production, bool? Verified);

/// <summary>GET v2/maxhours: one aggregate per month, <c>noOfMonthsBack</c> 0 = the current month.</summary>
internal sealed record MaxHoursResponse(IReadOnlyList<MaxHoursPoint>? Meteringpoints);

internal sealed record MaxHoursPoint(
    string? MeteringPointId,
    CustomerContract? CustomerContract,
    string? MaxHoursCalculatedTime,
    string? MaxHoursFromTime,
    string? MaxHoursToTime,
    IReadOnlyList<MaxHoursAggregate>? MaxHoursAggregate);

internal sealed record MaxHoursAggregate(decimal? AverageValue, IReadOnlyList<MaxHour>? MaxHours, string? Uom, int? NoOfMonthsBack);

internal sealed record MaxHour(string? StartTime, string? EndTime, decimal? Value, string? Uom, int? NoOfMonthsBack, bool? Production, bool? Verified);

/// <summary>One context for the MeterValue API's wire DTOs (source generated: no reflection, NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(MeterValuesResponse))]
[JsonSerializable(typeof(MaxHoursResponse))]
internal sealed partial class ElviaMeterJsonContext : JsonSerializerContext;
