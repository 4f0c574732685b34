using System.Text.Json.Serialization;

namespace MqttBridge.Sources.Oresundskraft;

// Wire shapes of Öresundskraft's consumption API (../shared/apis/oresundskraft.md, fixtures in
// ../shared/fixtures/oresundskraft/). One record reads both known messages, names matched case-insensitively:
// the hourly api-version 2.1 answer (camelCase, "consumptions[].reading[]") and the integration guide's monthly
// message (PascalCase, "ConsumptionReadings[]" of one metering point). Time stamps stay strings: the mapper reads them
// as Swedish local time and names the field when one is not a date-time.

/// <summary>
/// GET Consumption/TimeSeries/Customers. Hourly: <see cref="Consumptions"/>, one entry per metering point. Monthly:
/// <see cref="CustomerNumber"/>, <see cref="MeteringPoint"/> and <see cref="ConsumptionReadings"/> at the top level.
/// </summary>
internal sealed record ConsumptionAnswer(
    IReadOnlyList<ConsumptionEntry>? Consumptions,
    string? CustomerNumber,
    string? MeteringPoint,
    IReadOnlyList<MonthlyReading>? ConsumptionReadings);

/// <summary>One metering point of the hourly answer. <c>subscribedEffect</c> in kW (0 = none stated).</summary>
internal sealed record ConsumptionEntry(
    string? CustomerNumber,
    string? MeteringPoint,
    string? InstallationNumber,
    string? DeliveryCategory,
    bool? Microproduction,
    string? Settlement,
    decimal? SubscribedEffect,
    string? RateCode,
    IReadOnlyList<HourReading>? Reading);

/// <summary>One hour: <c>readingDate</c> is the hour's start, Swedish local time without offset; <c>value</c> kWh.</summary>
internal sealed record HourReading(string? ReadingDate, decimal? Value, string? Status, string? Unit);

/// <summary>One month of the guide's message: <c>Consumption</c> kWh, dated at month end; method ("Fjärr") and reason code.</summary>
internal sealed record MonthlyReading(
    string? DeliveryCategory,
    string? Unit,
    decimal? Consumption,
    string? ReadingDate,
    string? ReadingMethod,
    string? ReadingReason);

/// <summary>One context for Öresundskraft's wire DTOs (source generated: no reflection, NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ConsumptionAnswer))]
[JsonSerializable(typeof(List<ConsumptionAnswer>))]
internal sealed partial class OresundskraftJsonContext : JsonSerializerContext;
