using MqttBridge.Configuration;

namespace MqttBridge.Sources.Eloverblik;

/// <summary>
/// What both Eloverblik modules take: the refresh token made under DATADELING in the Eloverblik portal (a secret:
/// never logged, echoed or published), the metering point (null: the token's first consumption metering point) and the
/// API root.
/// </summary>
internal abstract record EloverblikOptions : SourceOptions
{
    public override string Type => EloverblikMeterModule.TypeName;

    /// <summary><c>refresh_token</c>: sent only to <c>api/token</c>, as <c>Authorization: Bearer</c>.</summary>
    public required string RefreshToken { get; init; }

    /// <summary><c>metering_point_id</c>: 18 digits (571313…); null = the token's first consumption metering point.</summary>
    public string? MeteringPointId { get; init; }

    /// <summary><c>base_url</c>, ending in '/'.</summary>
    public string BaseUrl { get; init; } = EloverblikClient.DefaultBaseUrl;

    /// <summary>The options' own keys: both modules' plus the module's extra ones.</summary>
    internal static string[] Keys(params string[] extra) => ["type", "base_url", "refresh_token", "metering_point_id", .. extra];

    /// <summary>Reads refresh_token, metering_point_id and base_url; problems name the key, never the token.</summary>
    internal static (string? Token, string? MeteringPointId, string BaseUrl) BindLogin(ConfigSection s, string? baseUrl)
    {
        var token = s.RequiredText("refresh_token", $"the token made in the Eloverblik portal; {EloverblikClient.NewTokenAdvice}")?.Trim();
        if (token is not null && token.Any(char.IsWhiteSpace))
        {
            s.Report("refresh_token", "the value is not valid: a refresh token has no spaces or line breaks (paste only the token, without 'Bearer')");
            token = null;
        }

        var meteringPoint = s.Text("metering_point_id")?.Trim();
        if (meteringPoint is not null && !IsDanish(meteringPoint))
        {
            s.Report("metering_point_id", $"'{meteringPoint}' is not a Danish metering point id; use the 18 digits (57…) that 'mqttbridge eloverblik meteringpoints' lists, quoted in YAML, or leave the key out to use the token's first consumption metering point");
            meteringPoint = null;
        }

        var url = baseUrl ?? EloverblikClient.DefaultBaseUrl;
        return (token, meteringPoint, url.EndsWith('/') ? url : url + "/");
    }

    /// <summary>A Danish (DataHub) metering point id: 18 digits starting with 57 (GS1 Denmark).</summary>
    internal static bool IsDanish(string text) => text.Length == 18 && text.All(char.IsAsciiDigit) && text.StartsWith("57", StringComparison.Ordinal);

    protected string Shown => $"RefreshToken = ***, MeteringPointId = {(MeteringPointId is null ? "(first)" : Domain.MeteringPoint.Masked(MeteringPointId))}, BaseUrl = {BaseUrl}";
}

/// <summary><c>meter.type: eloverblik</c>: consumption (and with <c>include_production</c> production) from the time series.</summary>
internal sealed record EloverblikMeterOptions : EloverblikOptions
{
    /// <summary><c>include_production</c>: production series (A01) or the token's production metering points too.</summary>
    public bool IncludeProduction { get; init; }

    // Records print every property; this one holds a secret.
    public override string ToString() => $"EloverblikMeterOptions {{ {Shown}, IncludeProduction = {IncludeProduction} }}";
}

/// <summary><c>tariff.type: eloverblik</c>: the grid price from the metering point's charges.</summary>
internal sealed record EloverblikTariffOptions : EloverblikOptions
{
    /// <summary>Denmark's VAT (moms), 25 %: published prices include VAT.</summary>
    public const decimal DefaultVat = 0.25m;

    /// <summary><c>vat</c>: a fraction (0.25 = 25 %), added to every charge.</summary>
    public decimal Vat { get; init; } = DefaultVat;

    public override string ToString() => $"EloverblikTariffOptions {{ {Shown}, Vat = {Vat} }}";
}
