using Microsoft.Extensions.Logging;
using MqttBridge.Domain;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Eloverblik;

/// <summary>
/// <c>tariff.type: eloverblik</c>: the grid price from the metering point's charges (<c>getcharges</c>): the grid
/// company's tariff, Energinet's transmission and system tariffs and the electricity tax, summed per slot with VAT, in
/// DKK/kWh; the subscriptions as a monthly price. The charges are asked once a day (kept on disk across restarts);
/// the curve (today, tomorrow and the day after) is rebuilt from them at every local midnight and whenever a charge's
/// validity date passes, without a call.
/// </summary>
internal sealed class EloverblikTariffSource : ITariffSource
{
    /// <summary>The charges are asked again this long after they were fetched.</summary>
    public static readonly TimeSpan ChargesInterval = TimeSpan.FromDays(1);

    /// <summary>Local days the curve covers from today: tomorrow's prices are always known, the day after for next-hour prices at night.</summary>
    public const int CurveDays = 3;

    private readonly EloverblikTariffOptions _options;
    private readonly EloverblikClient _client;
    private readonly ResponseCache _cache;
    private readonly TimeZoneInfo _zone;
    private readonly ILogger _logger;

    private Charges? _charges;
    private string? _id;
    private DateTimeOffset _fetchedAt;
    private DateTimeOffset _due = DateTimeOffset.MinValue;
    private bool _cacheLoaded;

    public EloverblikTariffSource(EloverblikTariffOptions options, EloverblikClient client, ResponseCache cache, TimeZoneInfo zone, ILogger logger)
    {
        _options = options;
        _client = client;
        _cache = cache;
        _zone = zone;
        _logger = logger;
    }

    private string CacheKey => $"getcharges|{_client.Key}|{_options.MeteringPointId ?? "first"}";

    public async Task<TariffSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        _client.WarnIfExpiring(now, _zone);
        LoadCacheOnce(now);
        if (_charges is null || _due <= now)
        {
            // Found once (or read back with the cached charges): the list is not asked again every day.
            var id = _id ?? await EloverblikShared.MeteringPointAsync(_client, _options.MeteringPointId, "tariff", cancellationToken);
            var (charges, body) = await _client.ChargesAsync(id, cancellationToken);
            (_charges, _id, _fetchedAt, _due) = (charges, id, now, now + ChargesInterval);
            _cache.Write(new CachedResponse(CacheKey, now, id + "\n" + body));
        }

        var today = LocalDay.Of(now, _zone);
        var curve = EloverblikMapper.Curve(_charges, today, CurveDays, _options.Vat);
        if (curve.At(now) is null)
        {
            throw new SourceException(
                $"{EloverblikMapper.Api} lists no tariff that prices {LocalTime.Iso8601(now, _zone)} for metering point {MeteringPoint.Masked(_id)} ({_charges.Tariffs.Count} tariff(s) in getcharges); asking again at {LocalTime.Iso8601(_due, _zone)}",
                _due);
        }

        var boundary = _charges.Boundaries.Where(b => b > now).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        var next = new[] { today.End, _due, boundary }.Min();
        return new TariffSnapshot(curve, null, _fetchedAt, next)
        {
            SubscriptionMonthly = EloverblikMapper.MonthlyAt(_charges, now, _options.Vat),
            Diagnostics = EloverblikShared.Diagnostics(_client),
        };
    }

    private void LoadCacheOnce(DateTimeOffset now)
    {
        if (_cacheLoaded)
        {
            return;
        }

        _cacheLoaded = true;
        var restored = _cache.Restore(CacheKey, now, cached =>
        {
            var split = cached.Body.IndexOf('\n', StringComparison.Ordinal);
            var id = split > 0 ? cached.Body[..split] : throw new FormatException("no metering point in the cached answer");
            return (Id: id, Charges: EloverblikClient.ParseCharges(cached.Body[(split + 1)..], id));
        }, _logger);
        if (restored is { } r)
        {
            (_charges, _id, _fetchedAt) = (r.Data.Charges, r.Data.Id, r.FetchedAt);
            _due = CachedAnswers.DueFrom(r.FetchedAt + ChargesInterval, now);
        }
    }
}
