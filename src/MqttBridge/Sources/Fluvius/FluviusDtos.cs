using System.Text.Json.Serialization;

namespace MqttBridge.Sources.Fluvius;

// Wire shapes of the Fluvius energy-service API: v2 from Fluvius' sandbox OpenAPI, v3 from EDDIE's production DTOs
// (../shared/apis/fluvius.md §3, ../shared/fixtures/fluvius/). Time stamps stay strings: the mapper parses them and
// names the field when one is not a date-time. The envelope is `_meta` (v3) or `metaData` (v2); neither is read.

/// <summary>GET Mandate/energy, both versions: v3 fills <c>headpoint</c>, v2 <c>electricityMeters</c>/<c>gasMeters</c>.</summary>
internal sealed record EnergyResponse(EnergyData? Data);

internal sealed record EnergyData(
    string? FetchTime,
    V3Headpoint? Headpoint,
    IReadOnlyList<V2Meter>? ElectricityMeters,
    IReadOnlyList<V2Meter>? GasMeters);

/// <summary>v3: the headpoint (EAN) with its own slices, its physical meters' and its sub-headpoints' (PV, battery…).</summary>
internal sealed record V3Headpoint(
    [property: JsonPropertyName("$type")] string? Kind,
    string? Ean,
    string? EnergyType,
    IReadOnlyList<V3Slice>? DailyEnergy,
    IReadOnlyList<V3Slice>? HourlyEnergy,
    IReadOnlyList<V3Slice>? QuarterHourlyEnergy,
    IReadOnlyList<V3Level>? PhysicalMeters,
    IReadOnlyList<V3Level>? SubHeadpoints);

/// <summary>v3: a physical meter or a sub-headpoint: its own slices.</summary>
internal sealed record V3Level(
    [property: JsonPropertyName("$type")] string? Kind,
    string? SeqNumber,
    string? MeterId,
    string? Type,
    IReadOnlyList<V3Slice>? DailyEnergy,
    IReadOnlyList<V3Slice>? HourlyEnergy,
    IReadOnlyList<V3Slice>? QuarterHourlyEnergy);

/// <summary>v3 MeasurementSlice: UTC <c>start</c>/<c>end</c> and its measurements.</summary>
internal sealed record V3Slice(string? Start, string? End, IReadOnlyList<V3Measurement>? Measurements);

internal sealed record V3Measurement(V3Reading? Offtake, V3Reading? Injection, V3Reading? Production, V3Reading? Auxiliary);

/// <summary>v3 Reading: <c>total</c> or the <c>day</c>/<c>night</c> registers of a dual-tariff meter (reactive ones ignored).</summary>
internal sealed record V3Reading(V3Total? Total, V3Total? Day, V3Total? Night, V3Total? Reactive, V3Total? Inductive, V3Total? Capacitive);

/// <summary>v3 Total: value, unit (kWh, m3, kVA, KVArh, KW), validation state (READ, EST, VAL, NVAL), gas conversion factor.</summary>
internal sealed record V3Total(decimal? Value, string? Unit, string? ValidationState, string? GasConversionFactor);

/// <summary>v2 electricity or gas meter (<c>seqNumber</c> is an int in v2).</summary>
internal sealed record V2Meter(
    int? SeqNumber,
    string? MeterId,
    IReadOnlyList<V2Slice>? DailyEnergy,
    IReadOnlyList<V2Slice>? HourlyEnergy,
    IReadOnlyList<V2Slice>? QuarterHourlyEnergy);

internal sealed record V2Slice(string? TimestampStart, string? TimestampEnd, IReadOnlyList<V2Measurement>? Measurement);

/// <summary>
/// v2 measurement: quarter-hourly (<c>offtakeValue</c>, <c>injectionValue</c>), daily with registers
/// (<c>offtakeDayValue</c>, <c>offtakeNightValue</c>, …), gas with <c>offtakeUsedGCF</c>; one unit per measurement.
/// </summary>
internal sealed record V2Measurement(
    string? Unit,
    decimal? OfftakeValue,
    string? OfftakeValidationState,
    decimal? InjectionValue,
    string? InjectionValidationState,
    decimal? OfftakeDayValue,
    string? OfftakeDayValidationState,
    decimal? OfftakeNightValue,
    string? OfftakeNightValidationState,
    decimal? InjectionDayValue,
    string? InjectionDayValidationState,
    decimal? InjectionNightValue,
    string? InjectionNightValidationState,
    [property: JsonPropertyName("offtakeUsedGCF")] string? OfftakeUsedGcf);

/// <summary>GET Mandate (v2 <c>eanNumber</c>, v3 <c>ean</c>).</summary>
internal sealed record MandateResponse(MandateData? Data);

internal sealed record MandateData(string? FetchTime, IReadOnlyList<MandateDto>? Mandates);

internal sealed record MandateDto(
    string? ReferenceNumber,
    string? Status,
    string? Ean,
    string? EanNumber,
    string? EnergyType,
    string? DataPeriodFrom,
    string? DataPeriodTo,
    string? DataServiceType,
    string? MandateExpirationDate,
    string? RenewalStatus);

/// <summary>POST shortUrlIdentifier body (<c>FluviusSessionRequestModel</c>).</summary>
internal sealed record ConsentRequest(
    string DataAccessContractNumber,
    string ReferenceNumber,
    string Flow,
    IReadOnlyList<ConsentDataService> DataServices,
    int NumberOfEans,
    string ReturnUrlSuccess,
    string ReturnUrlFailed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Sso,
    string? EnterpriseNumber);

/// <summary>One data service asked for; no <c>dataPeriodTo</c> leaves the end open (the customer chooses on Mijn Fluvius).</summary>
internal sealed record ConsentDataService(
    string DataServiceType,
    string DataPeriodFrom,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DataPeriodTo);

/// <summary>POST shortUrlIdentifier answer: <c>data.status</c> (success|failed), <c>shortUrlIdentifier</c>, <c>validTo</c>.</summary>
internal sealed record ConsentResponse(ConsentData? Data);

internal sealed record ConsentData(string? Status, string? ShortUrlIdentifier, string? ValidTo);

/// <summary>400 <c>ErrorValidationResponseModel</c> / 5xx <c>ErrorResponseModel</c>.</summary>
internal sealed record ErrorResponse(string? Type, string? Code, string? Message, IReadOnlyList<string>? ValidationErrorMessages);

/// <summary>Azure AD's token answer.</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn,
    [property: JsonPropertyName("token_type")] string? TokenType);

/// <summary>Readings kept in data_dir between restarts (the bridge's own shape, not the API's).</summary>
internal sealed record StoredFluviusReadings(
    string? Ean,
    string? EnergyType,
    IReadOnlyList<StoredFluviusReading> Offtake,
    IReadOnlyList<StoredFluviusReading> Injection,
    IReadOnlyList<StoredFluviusReading> GasM3,
    IReadOnlyList<StoredFluviusReading> GasKwh,
    bool HadInjection,
    IReadOnlyList<StoredFluviusReading>? OfftakeDay = null,
    IReadOnlyList<StoredFluviusReading>? OfftakeNight = null,
    IReadOnlyList<StoredFluviusReading>? InjectionDay = null,
    IReadOnlyList<StoredFluviusReading>? InjectionNight = null);

internal sealed record StoredFluviusReading(DateTimeOffset Start, DateTimeOffset End, decimal Value, bool Verified);

/// <summary>The read-back of earlier monthly peaks (<see cref="FluviusBackfill"/>): months still to read (yyyy-MM, next first), months read.</summary>
internal sealed record StoredFluviusBackfill(IReadOnlyList<string>? Pending, IReadOnlyList<StoredBackfillMonth>? Done, int Attempts);

/// <summary>A month read back: its peak quarter-hour, or null when it held none (or was given up).</summary>
internal sealed record StoredBackfillMonth(string Month, StoredFluviusReading? Peak);

/// <summary>One context for the Fluvius wire DTOs (source generated: no reflection, NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(EnergyResponse))]
[JsonSerializable(typeof(MandateResponse))]
[JsonSerializable(typeof(ConsentRequest))]
[JsonSerializable(typeof(ConsentResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(StoredFluviusReadings))]
[JsonSerializable(typeof(StoredFluviusBackfill))]
internal sealed partial class FluviusJsonContext : JsonSerializerContext;
