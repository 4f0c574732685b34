using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Digin;

/// <summary>
/// <c>tariff.type: digin</c>: the DIGIN GridTariffAPI of a Norwegian grid company. Produces the price curve with the
/// API's own levels, the fixed prices it states (capacity step, fixed price per hour, power price) and their steps as
/// a capacity ladder. Sites with the same API root and key share one <see cref="DiginService"/>: one client, one rate
/// budget, one request for all their metering points.
/// </summary>
internal sealed class DiginTariffModule : ISourceModule
{
    public const string TypeName = "digin";

    private static readonly string[] Keys = ["type", "base_url", "api_key", "metering_point_id", "tariff_key", "max_calls_per_hour"];

    public string Type => TypeName;

    public SourceRole Role => SourceRole.Tariff;

    public IReadOnlyList<string> SecretKeys => ["api_key"];

    public AddonForm Addon { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["api_key"] = "api_key",
        ["tariff_key"] = "tariff_key",
        ["metering_point_id"] = "metering_point_id",
        ["tariff_base_url"] = "base_url",
    });

    public IReadOnlyList<Cli.ISourceCommand> Commands { get; } = [new DiginTariffsCommand()];

    public SourceRunner Create(SourceOptions options, SiteContext site, SourceContext context)
    {
        var digin = (DiginTariffOptions)options;
        var service = Service(digin, context);
        return SourceRunner.For(Descriptor, new DiginTariffSource(service, digin));
    }

    /// <summary>What a DIGIN tariff produces: prices with the API's levels, the fixed prices it states, and their ladder.</summary>
    internal static SourceReport Descriptor { get; } = new(
        SourceRole.Tariff,
        TypeName,
        SourceCapabilities.PriceCurve | SourceCapabilities.ApiPriceLevel | SourceCapabilities.FixedPrices | SourceCapabilities.CapacityLadder);

    /// <summary>One DIGIN service per (API root, key): every site's metering point goes into the same request.</summary>
    internal static DiginService Service(DiginTariffOptions options, SourceContext context)
    {
        var root = DiginEndpoints.ApiRoot(options.BaseUrl);
        return context.Shared(SourceContext.KeyOf(TypeName, root.AbsoluteUri, options.ApiKey), () =>
        {
            var company = options.Company ?? root.Host;
            var policy = DiginService.PolicyFor(company) with { MaxCallsPerWindow = options.MaxCallsPerHour };
            var client = new ApiClient(new HttpClient(), policy, context.Time, context.Loggers.CreateLogger("MqttBridge.Digin"));
            return new DiginService(
                root, options.ApiKey, company, client, new ResponseCache(context.DataDir, "digin", context.Loggers.CreateLogger<ResponseCache>()), context.Time, context.Loggers.CreateLogger<DiginService>());
        });
    }

    /// <summary><c>tariff.type: digin</c>: api_key plus exactly one of metering_point_id and tariff_key; base_url from the DIGIN mapping.</summary>
    public SourceOptions? Bind(ConfigSection s, string? baseUrl)
    {
        s.AllowOnly(Keys);
        var apiKey = s.RequiredText("api_key", "your GridTariffAPI key (Elvia: developer portal → Products → GridTariffAPI → your profile's primary key)")?.Trim();
        var meteringPoint = s.Text("metering_point_id")?.Trim();
        var tariffKey = s.Text("tariff_key")?.Trim();
        var maxCalls = s.Int("max_calls_per_hour", 200, 1, 10_000);
        if (meteringPoint is not null && !MeteringPoint.IsNorwegian(meteringPoint))
        {
            s.Report("metering_point_id", MeteringPoint.NotNorwegian(meteringPoint, "quoted in YAML"));
            meteringPoint = null;
        }

        if (tariffKey is { Length: 0 })
        {
            s.Report("tariff_key", "must not be empty");
            tariffKey = null;
        }

        if (s.Has("metering_point_id") == s.Has("tariff_key"))
        {
            s.ReportHere(s.Has("tariff_key")
                ? "set metering_point_id or tariff_key, not both (the metering point finds its own tariff and capacity step)"
                : "set metering_point_id (your tariff and capacity step) or tariff_key (a tariff's prices, listed by 'mqttbridge tariffs')");
        }

        string? company = null;
        if (baseUrl is null && meteringPoint is not null)
        {
            var mapping = GridCompanyMapping.Default;
            var found = mapping?.Find(meteringPoint);
            if (mapping is null)
            {
                s.ReportMissing("base_url", $"the DIGIN grid-company mapping ({GridCompanyMapping.FileName}) built into the bridge is unreadable, so base_url must be set");
            }
            else if (found is null)
            {
                s.Report("metering_point_id", $"no grid company in the DIGIN mapping covers metering point {MeteringPoint.Masked(meteringPoint)}; set tariff.base_url to your grid company's GridTariffAPI URL (ask the company), or check the id");
            }
            else
            {
                company = found.Name;
                baseUrl = DiginIds.DefaultBase(found);
            }
        }

        return apiKey is null || (meteringPoint is null && tariffKey is null)
            ? null
            : new DiginTariffOptions
            {
                ApiKey = apiKey,
                MeteringPointId = meteringPoint,
                TariffKey = meteringPoint is null ? tariffKey : null,
                BaseUrl = baseUrl ?? GridCompanyMapping.ElviaUrl,
                Company = company ?? (baseUrl is null ? "ELVIA AS" : null),
                MaxCallsPerHour = maxCalls,
            };
    }
}
