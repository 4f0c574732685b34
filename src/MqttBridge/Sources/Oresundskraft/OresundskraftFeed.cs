using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using MqttBridge.Domain;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Oresundskraft;

/// <summary>What one customer's answers hold, merged over time: every metering point, when fetched, when due again.</summary>
internal sealed record CustomerData(IReadOnlyList<OresundskraftPoint> Points, DateTimeOffset FetchedAt, DateTimeOffset Due);

/// <summary>
/// One fetch of <c>Consumption/TimeSeries/Customers</c> per subscription key and customer number, shared by every site
/// of that customer (each picks its metering point). The window is the start of last month to today (<c>toDate</c>
/// exclusive), Swedish days.
/// <para>
/// Refresh policy (a handful of calls a day at most): at start when nothing is cached; then once a day at
/// <see cref="OresundskraftOptions.PollTime"/>, when yesterday is expected; while yesterday is still incomplete (or,
/// for monthly readings, last month is missing) again after 30 min, 1 h, 2 h, then every 4 h until midnight. Each good answer is laid over what is known (a thinner one never erases an hour: it is a fault) and
/// kept under data_dir, re-used after a restart until due. A fault is remembered for every site of the customer
/// until its retry time, so sites never multiply calls.
/// </para>
/// </summary>
internal sealed partial class OresundskraftFeed : IDisposable
{
    public const string Path = "Consumption/TimeSeries/Customers";

    /// <summary>
    /// The call can be slow (the one known client waits 120 s): a long timeout, few attempts, and at most 12 calls in any
    /// hour whatever the scheduler does (twice the busiest hour the schedule can spend, retries included).
    /// </summary>
    public static readonly ApiPolicy DefaultPolicy = new(OresundskraftMapper.Api, 12, TimeSpan.FromHours(1))
    {
        RequestTimeout = TimeSpan.FromSeconds(120),
        MaxAttempts = 3,
        FirstRetryDelay = TimeSpan.FromSeconds(10),
    };

    /// <summary>While yesterday is incomplete after the poll time: 30 min doubling, at most 4 h.</summary>
    public static readonly FaultSchedule Incomplete = new(TimeSpan.FromMinutes(30), TimeSpan.FromHours(4));

    /// <summary>A fault the client's own retries did not cure: 15 min doubling, at most 4 h.</summary>
    public static readonly FaultSchedule Faults = new(TimeSpan.FromMinutes(15), TimeSpan.FromHours(4));

    /// <summary>A refused key or rejected request is asked about again after this long (it does not mend by itself).</summary>
    public static readonly TimeSpan RefusedRetry = TimeSpan.FromHours(6);

    private readonly OresundskraftOptions _options;
    private readonly ApiClient _client;
    private readonly ResponseCache _cache;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, OresundskraftPoint> _points = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private DateTimeOffset? _fetchedAt;
    private DateTimeOffset _due = DateTimeOffset.MinValue;
    private int _incomplete;
    private DateOnly _incompleteDay;
    private int _failures;
    private SourceException? _failure;
    private DateTimeOffset _failedUntil;
    private bool _cacheLoaded;

    public OresundskraftFeed(OresundskraftOptions options, ApiClient client, ResponseCache cache, ILogger logger)
    {
        _options = options;
        _client = client;
        _cache = cache;
        _logger = logger;
    }

    private static TimeZoneInfo Zone => OresundskraftMapper.Zone;

    private string CacheKey =>
        $"{Path}|{_options.BaseUrl}|{_options.CustomerNumber}|{_options.ApiVersion}|{_options.DeliveryCategory}|{SourceContext.KeyOf(_options.SubscriptionKey)}";

    /// <summary>What is known without asking (cache included), or null before anything is.</summary>
    public CustomerData? Known => _fetchedAt is { } at ? new CustomerData([.. _order.Select(id => _points[id])], at, _due) : null;

    /// <summary>
    /// The customer's data at <paramref name="now"/>, fetched first when due. Throws <see cref="SourceException"/> for a
    /// fault (also one remembered from another site's call, until its retry time); the data known stays in the feed.
    /// </summary>
    public async Task<CustomerData> GetAsync(DateTimeOffset now, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            LoadCacheOnce(now);
            if (_failure is not null && now < _failedUntil)
            {
                throw _failure;
            }

            if (_due <= now)
            {
                try
                {
                    await FetchAsync(now, ct);
                    _failures = 0;
                    _failure = null;
                }
                catch (SourceException ex)
                {
                    _failures++;
                    _failedUntil = Faults.RetryAt(now, _failures, ex.RetryAt);
                    _failure = new SourceException(ex.Message, _failedUntil, ex);
                    throw _failure;
                }
            }

            return Known!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The request for [first day of last month, today) in Swedish days, with every parameter the known client sends.</summary>
    internal string RequestPath(DateTimeOffset now)
    {
        var today = LocalDay.Of(now, Zone).Date;
        var from = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        return Path +
            "?fromDate=" + Day(from) +
            "&toDate=" + Day(today) +
            "&deliveryCategories=" + Uri.EscapeDataString(_options.DeliveryCategory) +
            "&offset=0&maxRows=0" +
            "&customerNumbers=" + Uri.EscapeDataString(_options.CustomerNumber) +
            "&subsidiary=false";
    }

    public void Dispose()
    {
        _client.Dispose();
        _gate.Dispose();
    }

    private async Task FetchAsync(DateTimeOffset now, CancellationToken ct)
    {
        var body = await GetBodyAsync(now, ct);
        var points = OresundskraftMapper.Map(body);
        var shortfall = Shortfall(points, now);
        if (shortfall is null)
        {
            // Only an answer that holds everything known may stand in for the API after a restart.
            _cache.Write(new CachedResponse(CacheKey, now, body));
        }

        Apply(points, now);
        if (shortfall is not null)
        {
            // Asked again on the fault schedule, not tomorrow: the missing part is most likely a hiccup.
            _due = now;
            throw new SourceException($"{OresundskraftMapper.Api} answered without {shortfall}; keeping what is known");
        }

        var yesterday = LocalDay.Of(now, Zone).Previous.Date;
        LogFetched(points.Count, Day(yesterday), IsComplete(now) ? "complete" : "not complete yet", LocalTime.Iso8601(_due, Zone));
    }

    private async Task<string> GetBodyAsync(DateTimeOffset now, CancellationToken ct)
    {
        ApiResponse response;
        try
        {
            response = await _client.SendAsync(
                () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, RequestPath(now));
                    request.Headers.Add("Ocp-Apim-Subscription-Key", _options.SubscriptionKey);
                    request.Headers.Add("api-version", _options.ApiVersion);
                    request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/json"));
                    return request;
                },
                ct);
        }
        catch (SourceException ex)
        {
            // The client quotes the body of a 5xx: it may echo the customer's numbers.
            throw new SourceException(Mask(ex.Message), ex.RetryAt, ex);
        }

        var status = (int)response.Status;
        if (response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new SourceException(
                $"{OresundskraftMapper.Api} refused the subscription key (HTTP {status}): it is wrong, expired or not valid for this API; check meter.subscription_key (Öresundskraft sends the key by e-mail when API access is ordered)",
                now + RefusedRetry);
        }

        if (response.Status is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound)
        {
            throw new SourceException(
                $"{OresundskraftMapper.Api} rejected the request (HTTP {status}): {Mask(response.Excerpt())}; check meter.customer_number, meter.delivery_category, meter.api_version and base_url",
                now + RefusedRetry);
        }

        if (!response.IsSuccess)
        {
            throw new SourceException($"{OresundskraftMapper.Api} answered {status}: {Mask(response.Excerpt())}");
        }

        return response.Text();
    }

    /// <summary>
    /// What a (successful) answer leaves out of what is known inside its window — a metering point, or hours already
    /// known — as "2 hours already known for …9640 (2026-03-29 00:00 … 01:00 +01:00)"; null when it holds all of it.
    /// </summary>
    private string? Shortfall(IReadOnlyList<OresundskraftPoint> fresh, DateTimeOffset now)
    {
        var (from, to) = Window(now);
        var missing = new List<string>();
        foreach (var known in _points.Values)
        {
            if (fresh.FirstOrDefault(p => p.Id == known.Id) is not { } point)
            {
                missing.Add($"metering point {MeteringPoint.Masked(known.Id)}");
                continue;
            }

            var hours = known.Hours.MissingFrom(point.Hours, from, to);
            if (hours.Count > 0)
            {
                missing.Add($"{hours.Count} hour{(hours.Count == 1 ? string.Empty : "s")} already known for {MeteringPoint.Masked(known.Id)} ({Stamp(hours.Min())} … {Stamp(hours.Max())})");
            }
        }

        return missing.Count == 0 ? null : string.Join("; ", missing);
    }

    /// <summary>Lays the answer over what is known and decides when the customer is due again.</summary>
    private void Apply(IReadOnlyList<OresundskraftPoint> fresh, DateTimeOffset fetchedAt)
    {
        var (from, _) = Window(fetchedAt);
        foreach (var point in fresh)
        {
            if (!_points.TryGetValue(point.Id, out var known))
            {
                _order.Add(point.Id);
                _points[point.Id] = point with { Hours = point.Hours.Since(from) };
                continue;
            }

            var fromMonth = new DateOnly(from.Year, from.Month, 1).AddMonths(-12);
            _points[point.Id] = new OresundskraftPoint(
                point.Id,
                known.Hours.Merge(point.Hours).Since(from),
                [.. known.Months.Where(k => !point.Months.Any(m => m.Year == k.Year && m.Month == k.Month)).Concat(point.Months)
                    .Where(m => m.ReadOn >= fromMonth).OrderBy(m => m.ReadOn)],
                point.SubscribedKw ?? known.SubscribedKw,
                known.Holds | point.Holds);
        }

        _fetchedAt = fetchedAt;
        var today = LocalDay.Of(fetchedAt, Zone).Date;
        var pollToday = LocalDay.LocalToInstant(today.ToDateTime(_options.PollTime), Zone);
        var pollTomorrow = LocalDay.LocalToInstant(today.AddDays(1).ToDateTime(_options.PollTime), Zone);
        if (IsComplete(fetchedAt))
        {
            _incomplete = 0;
            _due = pollTomorrow;
        }
        else if (fetchedAt < pollToday)
        {
            _due = pollToday;
        }
        else
        {
            // 30 min, 1 h, 2 h, then every 4 h until midnight: the day comes when it comes, and tomorrow's poll
            // (which asks for it too) starts afresh. After midnight a new day is not expected before the poll time.
            _incomplete = _incompleteDay == today ? _incomplete + 1 : 1;
            _incompleteDay = today;
            var retry = fetchedAt + Incomplete.After(_incomplete);
            _due = retry < LocalDay.Of(fetchedAt, Zone).End ? retry : pollTomorrow;
        }
    }

    /// <summary>Whether every metering point holds what is expected by now: yesterday's hours in full, or last month's reading.</summary>
    private bool IsComplete(DateTimeOffset now)
    {
        var today = LocalDay.Of(now, Zone);
        var yesterday = today.Previous;
        var lastMonth = new DateOnly(today.Date.Year, today.Date.Month, 1).AddMonths(-1);
        return _points.Count > 0 && _points.Values.All(p =>
            (p.Holds & SourceCapabilities.Consumption) != 0
                ? p.Hours.SumOf(yesterday) is not null
                : p.Months.Any(m => m.Year == lastMonth.Year && m.Month == lastMonth.Month));
    }

    /// <summary>After a restart: the cached answer counts as fetched when it was, so nothing is asked again before it is due.</summary>
    private void LoadCacheOnce(DateTimeOffset now)
    {
        if (_cacheLoaded)
        {
            return;
        }

        _cacheLoaded = true;
        if (_cache.Restore(CacheKey, now, cached => OresundskraftMapper.Map(cached.Body), _logger) is { } restored)
        {
            Apply(restored.Data, restored.FetchedAt);
        }
    }

    private static (DateTimeOffset From, DateTimeOffset To) Window(DateTimeOffset now)
    {
        var today = LocalDay.Of(now, Zone);
        return (LocalDay.StartOf(new DateOnly(today.Date.Year, today.Date.Month, 1).AddMonths(-1), Zone), today.Start);
    }

    private string Mask(string text) => OresundskraftMapper.Mask(text, _options.CustomerNumber);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Zone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Öresundskraft consumption fetched: {Points} metering point(s), yesterday ({Date}) {State}; next fetch at {Next}")]
    private partial void LogFetched(int points, string date, string state, string next);
}
