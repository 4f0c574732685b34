using System.Text.Json;
using System.Text.Json.Serialization;

namespace MqttBridge.Sources.Eloverblik;

// Wire shapes of Energinet's Eloverblik customer API (OpenAPI 2022 and 2026, ../shared/fixtures/eloverblik/). Dates and
// quantities stay strings here: the mapper parses them and names the field when one cannot be read. errorCode is an
// integer in the OpenAPI and the 2024 recordings but a string in 2020 pre-production: kept as a JsonElement.

/// <summary>The list envelope of every POST taking metering points: one item per metering point, each with its own success.</summary>
internal sealed record EnvelopeItem<T>(
    T? Result,
    [property: JsonPropertyName("MyEnergyData_MarketDocument")] T? MarketDocument,
    bool? Success,
    JsonElement? ErrorCode,
    string? ErrorText,
    string? Id);

internal sealed record Envelope<T>(IReadOnlyList<EnvelopeItem<T>>? Result);

/// <summary>The request body of every POST taking metering points (at most 10 ids, Energinet's advice).</summary>
internal sealed record MeteringPointsRequest(MeteringPointIds MeteringPoints);

internal sealed record MeteringPointIds(IReadOnlyList<string> MeteringPoint);

/// <summary>GET api/meteringpoints/meteringpoints: <c>{ "result": [ MeteringPointApiDto ] }</c>, no inner envelope. Personal fields are not read.</summary>
internal sealed record MeteringPointList(IReadOnlyList<MeteringPointDto>? Result);

internal sealed record MeteringPointDto(string? MeteringPointId, string? TypeOfMP, string? MeterReadingOccurrence, IReadOnlyList<ChildMeteringPointDto>? ChildMeteringPoints);

internal sealed record ChildMeteringPointDto(string? MeteringPointId, string? TypeOfMP, string? MeterReadingOccurrence);

/// <summary>POST getdetails: only the non-personal fields are declared (names, addresses, phones, e-mails are never read).</summary>
internal sealed record MeteringPointDetailsDto(string? MeteringPointId, string? TypeOfMP, string? GridOperatorName, string? MeterReadingOccurrence, string? SettlementMethod, string? PhysicalStatusOfMP);

/// <summary>POST gettimeseries: <c>MyEnergyData_MarketDocument</c>, one per metering point.</summary>
internal sealed record MarketDocument(
    [property: JsonPropertyName("period.timeInterval")] TimeInterval? PeriodTimeInterval,
    [property: JsonPropertyName("TimeSeries")] IReadOnlyList<TimeSeriesDto>? TimeSeries);

internal sealed record TimeInterval(string? Start, string? End);

internal sealed record TimeSeriesDto(
    [property: JsonPropertyName("mRID")] string? MRid,
    string? BusinessType,
    [property: JsonPropertyName("measurement_Unit.name")] string? Unit,
    [property: JsonPropertyName("Period")] IReadOnlyList<PeriodDto>? Period);

internal sealed record PeriodDto(string? Resolution, TimeInterval? TimeInterval, [property: JsonPropertyName("Point")] IReadOnlyList<PointDto>? Point);

internal sealed record PointDto(
    string? Position,
    [property: JsonPropertyName("out_Quantity.quantity")] string? Quantity,
    [property: JsonPropertyName("out_Quantity.quality")] string? Quality);

/// <summary>POST getcharges: <c>MeteringPointFeesDto</c>. Prices in DKK without VAT; tariffs per kWh, subscriptions and fees per month.</summary>
internal sealed record ChargesDto(string? MeteringPointId, IReadOnlyList<FixedChargeDto>? Subscriptions, IReadOnlyList<FixedChargeDto>? Fees, IReadOnlyList<TariffDto>? Tariffs);

internal sealed record FixedChargeDto(string? Name, string? Description, string? Owner, string? ValidFromDate, string? ValidToDate, decimal? Price, int? Quantity);

internal sealed record TariffDto(string? Name, string? Description, string? Owner, string? PeriodType, string? ValidFromDate, string? ValidToDate, IReadOnlyList<TariffPriceDto>? Prices);

internal sealed record TariffPriceDto(string? Position, decimal? Price);

/// <summary>One context for the Eloverblik wire DTOs (source generated: no reflection, NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Envelope<MarketDocument>))]
[JsonSerializable(typeof(Envelope<ChargesDto>))]
[JsonSerializable(typeof(Envelope<MeteringPointDetailsDto>))]
[JsonSerializable(typeof(MeteringPointList))]
[JsonSerializable(typeof(MeteringPointsRequest))]
[JsonSerializable(typeof(StoredToken))]
[JsonSerializable(typeof(StoredReadings))]
internal sealed partial class EloverblikJsonContext : JsonSerializerContext;

/// <summary>The data access token as kept on disk (owner-only file under data_dir): the token and its expiry.</summary>
internal sealed record StoredToken(string Key, string AccessToken, DateTimeOffset ExpiresAt, DateTimeOffset FetchedAt);

/// <summary>The meter's known readings as kept on disk between restarts: consumption and production, each with its verified flag.</summary>
internal sealed record StoredReadings(IReadOnlyList<StoredReading> Consumption, IReadOnlyList<StoredReading> Production);

internal sealed record StoredReading(DateTimeOffset Start, DateTimeOffset End, decimal Kwh, bool Verified);
