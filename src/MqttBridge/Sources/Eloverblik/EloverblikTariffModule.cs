using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Eloverblik;

/// <summary>
/// <c>tariff.type: eloverblik</c>: the Danish grid price from the metering point's charges in Eloverblik (grid
/// company tariff, Energinet's transmission and system tariffs, electricity tax), VAT added, in DKK/kWh, and the
/// subscriptions as <c>subscription_monthly_price</c>. Same login as <see cref="EloverblikMeterModule"/>.
/// </summary>
internal sealed class EloverblikTariffModule : ISourceModule
{
    private static readonly string[] Keys = EloverblikOptions.Keys("vat");

    public string Type => EloverblikMeterModule.TypeName;

    public SourceRole Role => SourceRole.Tariff;

    public IReadOnlyList<string> SecretKeys => ["refresh_token"];

    public string? DefaultTimeZone => EloverblikMeterModule.Zone;

    public AddonForm Addon { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["token"] = "refresh_token",
        ["metering_point_id"] = "metering_point_id",
        ["tariff_base_url"] = "base_url",
    });

    public SourceRunner Create(SourceOptions options, SiteContext site, SourceContext context)
    {
        var eloverblik = (EloverblikTariffOptions)options;
        var client = EloverblikShared.Client(eloverblik, context);
        var logger = context.Loggers.CreateLogger<EloverblikTariffSource>();
        var source = new EloverblikTariffSource(eloverblik, client, new ResponseCache(context.DataDir, "eloverblik-tariff", logger), site.Zone, logger);
        var descriptor = new SourceReport(SourceRole.Tariff, EloverblikMeterModule.TypeName, SourceCapabilities.PriceCurve | SourceCapabilities.SubscriptionPrice)
        {
            Currency = "DKK",
            Diagnostics = [EloverblikShared.TokenExpires],
        };
        return SourceRunner.For(descriptor, source);
    }

    /// <summary><c>tariff.type: eloverblik</c>: refresh_token, optional metering_point_id, vat (default 0.25), base_url.</summary>
    public SourceOptions? Bind(ConfigSection s, string? baseUrl)
    {
        s.AllowOnly(Keys);
        var (token, meteringPoint, url) = EloverblikOptions.BindLogin(s, baseUrl);
        var vat = s.Decimal("vat") ?? EloverblikTariffOptions.DefaultVat;
        if (vat is < 0m or > 1m)
        {
            s.Report("vat", $"{vat} is out of range; VAT is a fraction from 0 to 1 (0.25 for Denmark's 25 %)");
            vat = EloverblikTariffOptions.DefaultVat;
        }

        return token is null
            ? null
            : new EloverblikTariffOptions { RefreshToken = token, MeteringPointId = meteringPoint, BaseUrl = url, Vat = vat };
    }
}
