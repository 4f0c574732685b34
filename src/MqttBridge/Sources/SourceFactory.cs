using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Sources.ElviaMeter;
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

    public BridgeOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    public ILoggerFactory Loggers { get; } = loggers;

#pragma warning disable CA1822 // Instance member on purpose: the API tariff sources will use the factory's clock, loggers and data_dir.
    public ITariffSource? CreateTariff(SiteOptions site, TimeZoneInfo zone) => site.Tariff switch
    {
        null => null,
        { Static: { } s } => new StaticTariffSource(new StaticTariff(s, zone)),
        var other => throw new InvalidOperationException($"tariff type '{other.Type}' has no source in this version"),
    };
#pragma warning restore CA1822

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

    /// <summary>Keeps a shared resource (an ApiClient) to dispose at shutdown.</summary>
    internal T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
