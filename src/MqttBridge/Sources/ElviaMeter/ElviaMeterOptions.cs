namespace MqttBridge.Sources.ElviaMeter;

/// <summary><c>meter.type: elvia</c>: Elvia's MeterValue API with the customer's personal token from Min side.</summary>
internal sealed record ElviaMeterOptions : SourceOptions
{
    public override string Type => ElviaMeterModule.TypeName;

    public const string DefaultBaseUrl = "https://elvia.azure-api.net/customer/metervalues/api/";

    /// <summary><c>token</c>: sent as <c>Authorization: Bearer</c>. A secret: never logged, never printed.</summary>
    public required string Token { get; init; }

    /// <summary><c>metering_point_id</c>: null means the first metering point the token covers.</summary>
    public string? MeteringPointId { get; init; }

    /// <summary><c>include_production</c>: plus customers also get production sensors.</summary>
    public bool IncludeProduction { get; init; }

    public string BaseUrl { get; init; } = DefaultBaseUrl;

    // Records print every property; this one holds a secret.
    public override string ToString() =>
        $"ElviaMeterOptions {{ Token = ***, MeteringPointId = {(MeteringPointId is null ? "(first)" : Domain.MeteringPoint.Masked(MeteringPointId))}, IncludeProduction = {IncludeProduction}, BaseUrl = {BaseUrl} }}";
}
