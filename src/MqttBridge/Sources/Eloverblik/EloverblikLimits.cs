using System.Net;
using Microsoft.Extensions.Logging;
using MqttBridge.Sources.Http;

namespace MqttBridge.Sources.Eloverblik;

/// <summary>
/// Energinet's limits, by construction and per process (they count per IP address): at most <see cref="CallsPerMinute"/>
/// calls a minute in all and <see cref="TokenCallsPerMinute"/> token call a minute, whatever the sites, refresh tokens or
/// schedules do; after a 429 or 503 no call at all for at least a minute (longer when <c>Retry-After</c> says so). The
/// stricter of the published sets (25 and 1 a minute; the 2026 OpenAPI allows 120 and 2). One instance per process,
/// shared through <see cref="SourceContext.Shared{T}"/>.
/// </summary>
internal sealed class EloverblikLimits : IDisposable
{
    public const int CallsPerMinute = 25;

    public const int TokenCallsPerMinute = 1;

    /// <summary>At most this many metering points in one request (Energinet's advice).</summary>
    public const int MaxIdsPerRequest = 10;

    /// <summary>
    /// The window the limits are counted over: a minute and a margin, since Energinet counts a call when it arrives and
    /// the bridge when it leaves (a slow call must not land in the next minute's count).
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(61);

    /// <summary>How long every call waits after a 429 or 503 at the least.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMinutes(1);

    private readonly object _lock = new();
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    public EloverblikLimits(TimeProvider time, ILoggerFactory loggers, HttpMessageHandler? handler = null)
    {
        Time = time;
        Client = new ApiClient(handler is null ? new HttpClient() : new HttpClient(handler), Policy, time, loggers.CreateLogger("MqttBridge.Eloverblik"));
        TokenCalls = new SlidingWindowLimiter(TokenCallsPerMinute, Window, time);
        Calls = new SlidingWindowLimiter(CallsPerMinute, Window, time);
    }

    /// <summary>
    /// 25 calls in any minute; 429 and 503 come back to the caller (<see cref="Paused"/>), other 5xx and network faults
    /// are tried once more after a few seconds; each attempt counts against the limit.
    /// </summary>
    public static ApiPolicy Policy { get; } = new("Eloverblik", CallsPerMinute, Window)
    {
        MaxAttempts = 2,
        FirstRetryDelay = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(60),
        ReturnedAsIs = new HashSet<HttpStatusCode> { HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable },
        CorrelationHeader = "X-Correlation-ID",
    };

    public TimeProvider Time { get; }

    /// <summary>Every call of the process goes through this one client (its limiter is the 25 a minute).</summary>
    public ApiClient Client { get; }

    /// <summary>
    /// Acquired before each call: the queue for a slot, outside the request's timeout (many sites starting at once wait
    /// minutes here, not in the request). <see cref="Client"/>'s own limiter, the same limit, still counts retries.
    /// </summary>
    public SlidingWindowLimiter Calls { get; }

    /// <summary>Acquired before each token call, on top of <see cref="Calls"/>.</summary>
    public SlidingWindowLimiter TokenCalls { get; }

    /// <summary>Until when no call may be made (after a 429 or 503), or null when calls are allowed.</summary>
    public DateTimeOffset? PausedUntil(DateTimeOffset now)
    {
        lock (_lock)
        {
            return _pausedUntil > now ? _pausedUntil : null;
        }
    }

    /// <summary>Records a 429 or 503 at <paramref name="now"/>: no call before a minute has passed, or <paramref name="retryAfter"/> if longer.</summary>
    public DateTimeOffset Paused(DateTimeOffset now, TimeSpan? retryAfter)
    {
        var until = now + (retryAfter is { } wait && wait > Pause ? wait : Pause);
        lock (_lock)
        {
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }

            return _pausedUntil;
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Calls.Dispose();
        TokenCalls.Dispose();
    }
}

/// <summary>
/// Eloverblik's period rules for <c>gettimeseries</c>: local Danish dates, <c>dateFrom</c> inclusive, <c>dateTo</c>
/// exclusive, <c>dateTo</c> never after today (30003) and never equal to <c>dateFrom</c> (30002), at most
/// <see cref="MaxDays"/> days per request.
/// </summary>
internal static class EloverblikPeriods
{
    public const int MaxDays = 730;

    /// <summary>
    /// [<paramref name="from"/>, <paramref name="to"/>) cut at <paramref name="today"/> and split into requests of at most
    /// <see cref="MaxDays"/> days, oldest first; empty when nothing of it may be asked (it starts today or later).
    /// </summary>
    public static IReadOnlyList<(DateOnly From, DateOnly To)> Split(DateOnly from, DateOnly to, DateOnly today)
    {
        if (to > today)
        {
            to = today;
        }

        var parts = new List<(DateOnly, DateOnly)>();
        for (var start = from; start < to; start = start.AddDays(MaxDays))
        {
            var end = start.AddDays(MaxDays);
            parts.Add((start, end < to ? end : to));
        }

        return parts;
    }
}
