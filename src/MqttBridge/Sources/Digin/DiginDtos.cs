using System.Text.Json.Serialization;

namespace MqttBridge.Sources.Digin;

// Wire DTOs of the DIGIN GridTariffAPI v1.0 (gridtariffapi.v1_0.common.schema.json). Only what the bridge reads;
// unknown members are ignored, so a company adding fields does not break us. Money is decimal (prices have 4 decimals).

/// <summary>POST body of <c>tariffquery/meteringpointsgridtariffs</c>: a period (startTime/endTime) and up to 10 000 ids.</summary>
internal sealed record DiginMeteringPointsRequest(
    [property: JsonPropertyName("startTime")] string StartTime,
    [property: JsonPropertyName("endTime")] string EndTime,
    [property: JsonPropertyName("meteringPointIds")] IReadOnlyList<string> MeteringPointIds);

internal sealed record DiginMeteringPointsResult(IReadOnlyList<DiginGridTariffCollection>? GridTariffCollections);

internal sealed record DiginGridTariffCollection(DiginGridTariff? GridTariff, IReadOnlyList<DiginMeteringPointsAndPriceLevels>? MeteringPointsAndPriceLevels);

internal sealed record DiginMeteringPointsAndPriceLevels(DiginCurrentLevel? CurrentFixedPriceLevel, IReadOnlyList<DiginMeteringPoint>? MeteringPoints);

internal sealed record DiginCurrentLevel(string? Id, string? LevelId);

internal sealed record DiginMeteringPoint(string? MeteringPointId, DateTimeOffset? LastUpdated);

/// <summary>Answer of GET <c>tariffquery</c>.</summary>
internal sealed record DiginTariffQueryResult(DiginGridTariff? GridTariff);

/// <summary>Answer of GET <c>tarifftype</c>.</summary>
internal sealed record DiginTariffTypeContainer(IReadOnlyList<DiginTariffType>? TariffTypes);

internal sealed record DiginGridTariff(DiginTariffType? TariffType, DiginTariffPrice? TariffPrice);

internal sealed record DiginTariffType(
    string? TariffKey,
    string? Product,
    string? CompanyName,
    string? CompanyOrgNo,
    string? Title,
    bool? ConsumptionFlag,
    DateTimeOffset? LastUpdated,
    DiginFixedPriceConfiguration? FixedPriceConfiguration,
    DiginPowerPriceConfiguration? PowerPriceConfiguration,
    int? Resolution);

internal sealed record DiginFixedPriceConfiguration(string? Basis, int? MaxhoursPerDay, int? DaysPerMonth, bool? AllDaysPerMonth, int? MaxhoursPerMonth, int? Months);

internal sealed record DiginPowerPriceConfiguration(bool? ReactivePowerPricing, decimal? PowerFactorPercentage);

internal sealed record DiginTariffPrice(IReadOnlyList<DiginHour>? Hours, DiginPriceInfo? PriceInfo);

internal sealed record DiginHour(DateTimeOffset StartTime, DateTimeOffset ExpiredAt, DiginPriceRef? FixedPrice, DiginPriceRef? PowerPrice, DiginEnergyRef? EnergyPrice);

internal sealed record DiginPriceRef(string? Id, string? HourId);

internal sealed record DiginEnergyRef(string? Id, decimal? Total, decimal? TotalExVat);

internal sealed record DiginPriceInfo(IReadOnlyList<DiginFixedPrices>? FixedPrices, IReadOnlyList<DiginPowerPrices>? PowerPrices, IReadOnlyList<DiginEnergyPrices>? EnergyPrices);

internal sealed record DiginFixedPrices(string? Id, IReadOnlyList<DiginFixedPriceLevel>? PriceLevels);

internal sealed record DiginFixedPriceLevel(
    string? Id,
    decimal? ValueMin,
    decimal? ValueMax,
    string? NextIdDown,
    string? NextIdUp,
    string? ValueUnitOfMeasure,
    decimal? MonthlyTotal,
    decimal? MonthlyTotalExVat,
    string? MonthlyUnitOfMeasure,
    IReadOnlyList<DiginHourFixedPrice>? HourPrices,
    string? Currency,
    string? MonetaryUnitOfMeasure);

internal sealed record DiginHourFixedPrice(string? Id, int? NumberOfDaysInMonth, decimal? Total, decimal? TotalExVat);

internal sealed record DiginPowerPrices(string? Id, IReadOnlyList<DiginPowerPriceLevel>? PriceLevels);

internal sealed record DiginPowerPriceLevel(
    string? Id,
    decimal? ValueMin,
    decimal? ValueMax,
    string? ValueUnitOfMeasure,
    decimal? MonthlyActivePowerTotal,
    decimal? MonthlyReactivePowerTotal,
    string? MonthlyUnitOfMeasure,
    string? Currency);

internal sealed record DiginEnergyPrices(string? Id, string? Level, decimal? Total, decimal? TotalExVat, string? Currency, string? MonetaryUnitOfMeasure);

/// <summary>The standard's <c>DiginGridTariffAPI.gridcompany-mapping.json</c>: metering-point-id ranges → company and API URL.</summary>
internal sealed record DiginCompanyMappingFile(DiginCompanyMappingRoot? GridTariffGridCompanyMapping);

internal sealed record DiginCompanyMappingRoot(IReadOnlyList<DiginCompanyRange>? MeteringPointRange);

internal sealed record DiginCompanyRange(string? MeteringPointIdFrom, string? MeteringPointIdTo, string? CompanyName, string? CompanyOrgNo, string? ApiUrl, string? UserDocUrlOrEmail);

/// <summary>One JSON context for everything DIGIN (source generated: NativeAOT and trimming safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DiginMeteringPointsRequest))]
[JsonSerializable(typeof(DiginMeteringPointsResult))]
[JsonSerializable(typeof(DiginTariffQueryResult))]
[JsonSerializable(typeof(DiginTariffTypeContainer))]
[JsonSerializable(typeof(DiginCompanyMappingFile))]
internal sealed partial class DiginJsonContext : JsonSerializerContext
{
    /// <summary>For request bodies: offsets stay "+01:00" rather than "\u002B01:00" (both valid; the first is what the examples show).</summary>
    public static DiginJsonContext Relaxed => RelaxedHolder.Instance;

    private static class RelaxedHolder
    {
        public static readonly DiginJsonContext Instance = new(new System.Text.Json.JsonSerializerOptions(Default.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
