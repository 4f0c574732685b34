using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;

namespace MqttBridge.Sources.ElviaMeter;

/// <summary>
/// <c>meter.type: elvia</c>: Elvia's MeterValue API with the customer's personal token. Produces hourly consumption
/// (and production with <c>include_production</c>) through the last hour (intraday) and the month max-hour. Sites with the same token share one
/// <see cref="ApiClient"/>: Elvia counts calls per user.
/// </summary>
internal sealed class ElviaMeterModule : ISourceModule
{
    public const string TypeName = "elvia";

    private static readonly string[] Keys = ["type", "base_url", "token", "metering_point_id", "include_production"];

    public string Type => TypeName;

    public SourceRole Role => SourceRole.Meter;

    public IReadOnlyList<string> SecretKeys => ["token"];

    public AddonForm Addon { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["token"] = "token",
        ["metering_point_id"] = "metering_point_id",
        ["include_production"] = "include_production",
        ["meter_base_url"] = "base_url",
    });

    public SourceRunner Create(SourceOptions options, SiteContext site, SourceContext context)
    {
        var elvia = (ElviaMeterOptions)options;
        var client = context.Shared(SourceContext.KeyOf(TypeName, elvia.BaseUrl, elvia.Token), () =>
            new ApiClient(new HttpClient { BaseAddress = new Uri(elvia.BaseUrl) }, ElviaMeterSource.DefaultPolicy, context.Time, context.Loggers.CreateLogger<ApiClient>()));
        var logger = context.Loggers.CreateLogger<ElviaMeterSource>();
        var source = new ElviaMeterSource(elvia, client, new ResponseCache(context.DataDir, "elvia-meter", logger), site.Zone, logger);
        var capabilities = SourceCapabilities.Consumption | SourceCapabilities.Intraday | SourceCapabilities.MonthMax | (elvia.IncludeProduction ? SourceCapabilities.Production : SourceCapabilities.None);
        return SourceRunner.For(new SourceReport(SourceRole.Meter, TypeName, capabilities), source);
    }

    /// <summary><c>meter.type: elvia</c>. The token is a secret: problems name its key, never its value.</summary>
    public SourceOptions? Bind(ConfigSection s, string? baseUrl)
    {
        s.AllowOnly(Keys);
        var token = s.RequiredText("token", "create a personal token on Elvia's Min side (TILGANGER, Opprett token) and paste it here");
        if (token is not null && token.Trim().Any(char.IsWhiteSpace))
        {
            s.Report("token", "the value is not valid: a token has no spaces or line breaks (paste only the token, without 'Bearer')");
            token = null;
        }

        var meteringPoint = s.Text("metering_point_id")?.Trim();
        if (meteringPoint is not null && !MeteringPoint.IsNorwegian(meteringPoint))
        {
            s.Report("metering_point_id", MeteringPoint.NotNorwegian(meteringPoint, "or leave the key out to use the token's first meter"));
            meteringPoint = null;
        }

        var production = s.Bool("include_production", false);
        if (token is null)
        {
            return null;
        }

        // HttpClient resolves relative paths against the base only when it ends in '/'.
        var url = baseUrl ?? ElviaMeterOptions.DefaultBaseUrl;
        return new ElviaMeterOptions
        {
            Token = token.Trim(),
            MeteringPointId = meteringPoint,
            IncludeProduction = production,
            BaseUrl = url.EndsWith('/') ? url : url + "/",
        };
    }
}
