using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Eloverblik;

/// <summary>
/// <c>meter.type: eloverblik</c>: Energinet's Eloverblik customer API (Denmark) with the customer's refresh token.
/// Produces consumption per hour or quarter-hour up to yesterday (the API has no today), the month max-hour computed
/// from it, and production with <c>include_production</c>. Shares its login (<see cref="EloverblikClient"/>: one token,
/// one metering point list) with every site and with <see cref="EloverblikTariffModule"/>.
/// </summary>
internal sealed class EloverblikMeterModule : ISourceModule
{
    public const string TypeName = "eloverblik";

    /// <summary>Danish local days unless the site or the file sets a time zone.</summary>
    public const string Zone = "Europe/Copenhagen";

    private static readonly string[] Keys = EloverblikOptions.Keys("include_production");

    public string Type => TypeName;

    public SourceRole Role => SourceRole.Meter;

    public IReadOnlyList<string> SecretKeys => ["refresh_token"];

    public string? DefaultTimeZone => Zone;

    public AddonForm Addon { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["token"] = "refresh_token",
        ["metering_point_id"] = "metering_point_id",
        ["include_production"] = "include_production",
        ["meter_base_url"] = "base_url",
    });

    public IReadOnlyList<Cli.ISourceCommand> Commands { get; } = [new EloverblikMeteringPointsCommand()];

    public SourceRunner Create(SourceOptions options, SiteContext site, SourceContext context)
    {
        var eloverblik = (EloverblikMeterOptions)options;
        var client = EloverblikShared.Client(eloverblik, context);
        var logger = context.Loggers.CreateLogger<EloverblikMeterSource>();
        var source = new EloverblikMeterSource(eloverblik, client, new ResponseCache(context.DataDir, "eloverblik-meter", logger), site.Zone, logger);
        var capabilities = SourceCapabilities.Consumption | SourceCapabilities.MonthMax
            | (eloverblik.IncludeProduction ? SourceCapabilities.Production : SourceCapabilities.None);
        return SourceRunner.For(new SourceReport(SourceRole.Meter, TypeName, capabilities) { Currency = "DKK", Diagnostics = [EloverblikShared.TokenExpires] }, source);
    }

    /// <summary><c>meter.type: eloverblik</c>: refresh_token, optional metering_point_id, include_production, base_url.</summary>
    public SourceOptions? Bind(ConfigSection s, string? baseUrl)
    {
        s.AllowOnly(Keys);
        var (token, meteringPoint, url) = EloverblikOptions.BindLogin(s, baseUrl);
        var production = s.Bool("include_production", false);
        return token is null
            ? null
            : new EloverblikMeterOptions { RefreshToken = token, MeteringPointId = meteringPoint, BaseUrl = url, IncludeProduction = production };
    }
}
