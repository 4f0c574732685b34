namespace MqttBridge.Sources.Digin;

/// <summary>
/// <c>tariff.type: digin</c>: the DIGIN GridTariffAPI of a Norwegian grid company (Elvia and others). Either a metering
/// point (its tariff and current capacity step) or a tariff key. <see cref="BaseUrl"/> is the configured <c>base_url</c>,
/// else the company's from the shipped DIGIN mapping (by metering point), else Elvia's.
/// </summary>
internal sealed record DiginTariffOptions : SourceOptions
{
    public override string Type => DiginTariffModule.TypeName;

    /// <summary><c>api_key</c>: sent as <c>X-API-Key</c>. A secret: never logged, echoed or published.</summary>
    public required string ApiKey { get; init; }

    /// <summary><c>metering_point_id</c>: 18 digits (målepunkt-ID).</summary>
    public string? MeteringPointId { get; init; }

    /// <summary><c>tariff_key</c>: a key from <c>mqttbridge tariffs</c>, e.g. <c>private_tou_rush1</c>.</summary>
    public string? TariffKey { get; init; }

    public required string BaseUrl { get; init; }

    /// <summary>The company the mapping names, or null when <c>base_url</c> was set by the user.</summary>
    public string? Company { get; init; }

    /// <summary>Override of Elvia's 200 calls an hour per key, for companies that publish another limit.</summary>
    public int MaxCallsPerHour { get; init; } = 200;

    // Records print every property; this one holds a secret.
    public override string ToString() =>
        $"DiginTariffOptions {{ ApiKey = ***, MeteringPointId = {Domain.MeteringPoint.Masked(MeteringPointId)}, TariffKey = {TariffKey}, BaseUrl = {BaseUrl}, Company = {Company}, MaxCallsPerHour = {MaxCallsPerHour} }}";
}
