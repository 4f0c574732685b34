using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Sources.ElviaMeter;
using MqttBridge.Sources.Digin;
using MqttBridge.Sources.Http;
using MqttBridge.Sources.Static;
using MqttBridge.Storage;

namespace MqttBridge.Sources;

/// <summary>
/// Picks the source for a site's <c>tariff.type</c> and <c>meter.type</c> and gives it what it needs: the clock,
/// a logger, and <c>data_dir</c> for its cache. Sources that can serve many sites with one call (DIGIN takes up to
/// 10 000 metering points per request) are shared here. Validation has already rejected unknown types.
/// </summary>
internal sealed class SourceFactory(BridgeOptions options, TimeProvider time, ILoggerFactory loggers) : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<string, ApiClient> _elviaClients = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Root, string Key), DiginService> _digin = [];

    public BridgeOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    public ILoggerFactory Loggers { get; } = loggers;

    public ITariffSource? CreateTariff(SiteOptions site, TimeZoneInfo zone) => site.Tariff switch
    {
        null => null,
        { Static: { } s } => new StaticTariffSource(new StaticTariff(s, zone)),
        { Digin: { } d } => new DiginTariffSource(Digin(d), d),
        var other => throw new InvalidOperationException($"tariff type '{other.Type}' has no source in this version"),
    };

    public IMeterSource? CreateMeter(SiteOptions site, TimeZoneInfo zone) => site.Meter switch
    {
        null => null,
        { Elvia: { } elvia } => CreateElviaMeter(elvia, zone),
        var other => throw new InvalidOperationException($"meter type '{other.Type}' has no source in this version (site {site.Id}, {zone.Id})"),
    };

    /// <summary>One ApiClient per token (and base URL): Elvia counts calls per user, so sites sharing a token share its limit.</summary>
    private ElviaMeterSource CreateElviaMeter(ElviaMeterOptions elvia, TimeZoneInfo zone)
    {
        var key = elvia.BaseUrl + "\n" + elvia.Token;
        if (!_elviaClients.TryGetValue(key, out var client))
        {
            var http = new HttpClient { BaseAddress = new Uri(elvia.BaseUrl) };
            client = Own(new ApiClient(http, ElviaMeterSource.DefaultPolicy, Time, Loggers.CreateLogger<ApiClient>()));
            _elviaClients[key] = client;
        }

        var logger = Loggers.CreateLogger<ElviaMeterSource>();
        return new ElviaMeterSource(elvia, client, new ResponseCache(Options.DataDir, "elvia-meter", logger), zone, logger);
    }

    /// <summary>Disposes what the factory created and shares (HTTP clients), at shutdown.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    /// <summary>One DIGIN service per (API root, key): every site's metering point goes into the same request.</summary>
    internal DiginService Digin(DiginTariffOptions options)
    {
        var root = DiginEndpoints.ApiRoot(options.BaseUrl);
        if (_digin.TryGetValue((root.AbsoluteUri, options.ApiKey), out var shared))
        {
            return shared;
        }

        var company = options.Company ?? root.Host;
        var policy = DiginService.PolicyFor(company) with { MaxCallsPerWindow = options.MaxCallsPerHour };
        var client = new ApiClient(new HttpClient(), policy, Time, Loggers.CreateLogger("MqttBridge.Digin"));
        var service = Own(new DiginService(root, options.ApiKey, company, client, new ResponseCache(Options.DataDir, "digin", Loggers.CreateLogger<ResponseCache>()), Time, Loggers.CreateLogger<DiginService>()));
        _digin[(root.AbsoluteUri, options.ApiKey)] = service;
        return service;
    }

    /// <summary>Keeps a shared resource (an ApiClient) to dispose at shutdown.</summary>
    internal T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
