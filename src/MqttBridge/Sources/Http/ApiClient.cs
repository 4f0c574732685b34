using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MqttBridge.Sources.Http;

/// <summary>What an API allows and how hard to try: the published limit is enforced in the client, whatever the schedule does.</summary>
internal sealed record ApiPolicy(string Name, int MaxCallsPerWindow, TimeSpan Window)
{
    /// <summary>Attempts for one request, the first included (5xx, 408, 429, timeouts and network faults are retried).</summary>
    public int MaxAttempts { get; init; } = 4;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A Retry-After longer than this is not waited out in-line: the source gives up and asks again then.</summary>
    public TimeSpan MaxInlineRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest Retry-After obeyed: a server asking for years (seen in the field) is asked again after a day.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The largest answer read, in bytes: a runaway answer must not take a small device's memory (32 MiB).</summary>
    public int MaxAnswerBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>
    /// Statuses the caller handles itself: returned as answered, neither retried nor thrown (Eloverblik's 429 and 503
    /// pause every call of the process for a minute, which only the caller can arrange).
    /// </summary>
    public IReadOnlySet<HttpStatusCode> ReturnedAsIs { get; init; } = new HashSet<HttpStatusCode>();

    /// <summary>A response header naming the answer for the API owner's support (Energinet's <c>X-Correlation-ID</c>), or null.</summary>
    public string? CorrelationHeader { get; init; }
}

/// <summary>An answer as received: status, raw bytes (the caller decides the encoding), and Retry-After when given.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, byte[] Body, string? CharSet, TimeSpan? RetryAfter)
{
    /// <summary>The value of the policy's <see cref="ApiPolicy.CorrelationHeader"/> in the answer, or null.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>" (X-Correlation-ID abc)" for error messages when the answer carried one, else empty.</summary>
    public string CorrelationSuffix(ApiPolicy policy) => CorrelationId is { Length: > 0 } id ? $" ({policy.CorrelationHeader} {id})" : string.Empty;

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The body as text: UTF-8 unless the server names another charset.</summary>
    public string Text()
    {
        var encoding = CharSet is { Length: > 0 } name && !name.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            ? TryEncoding(name) ?? Encoding.UTF8
            : Encoding.UTF8;
        return encoding.GetString(Body);
    }

    /// <summary>A short, log-safe excerpt of the body for error messages (never a whole page).</summary>
    public string Excerpt(int max = 200)
    {
        var text = Text().ReplaceLineEndings(" ").Trim();
        return text.Length <= max ? text : text[..max] + "…";
    }

    private static Encoding? TryEncoding(string name)
    {
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>
/// One owner per API: its HttpClient, its rate limiter and its resilience pipeline (Polly v8). Transient faults
/// are retried with jittered exponential backoff; a server's Retry-After wins over the backoff; a long Retry-After
/// ends the attempt with <see cref="SourceException.RetryAt"/> so the scheduler asks again then, not sooner.
/// </summary>
internal sealed partial class ApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SlidingWindowLimiter _limiter;
    private readonly ResiliencePipeline<ApiResponse> _pipeline;
    private readonly ResiliencePipeline _attemptTimeout;
    private int _calls;

    public ApiClient(HttpClient http, ApiPolicy policy, TimeProvider time, ILogger logger)
    {
        _http = http;
        _http.MaxResponseContentBufferSize = policy.MaxAnswerBytes;
        Policy = policy;
        _time = time;
        _logger = logger;
        _limiter = new SlidingWindowLimiter(policy.MaxCallsPerWindow, policy.Window, time);
        var pipeline = new ResiliencePipelineBuilder<ApiResponse> { TimeProvider = time };
        if (policy.MaxAttempts > 1)
        {
            // Polly refuses a retry strategy with zero retries: a single-attempt policy simply has none.
            pipeline.AddRetry(new RetryStrategyOptions<ApiResponse>
            {
                MaxRetryAttempts = policy.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = policy.FirstRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
                OnRetry = args =>
                {
                    LogRetry(Policy.Name, Describe(args.Outcome), args.RetryDelay.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture));
                    return ValueTask.CompletedTask;
                },
            });
        }

        _pipeline = pipeline.Build();

        // The timeout covers one attempt's HTTP exchange only, not the wait for a rate-limit slot: a site queued
        // behind many others for the same key must not time out before it has sent anything.
        _attemptTimeout = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(policy.RequestTimeout)
            .Build();
    }

    public ApiPolicy Policy { get; }

    /// <summary>HTTP requests actually sent (retries included): what the API's limit counts.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>
    /// Sends the request built by <paramref name="request"/> (called again for each attempt) and returns the final
    /// answer, whatever its status. Throws <see cref="SourceException"/> when the API stays unreachable or asks
    /// to be left alone for longer than <see cref="ApiPolicy.MaxInlineRetryAfter"/>.
    /// </summary>
    public async Task<ApiResponse> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        Outcome<ApiResponse> outcome;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            outcome = await _pipeline.ExecuteOutcomeAsync(
                async (ctx, _) =>
                {
                    try
                    {
                        await _limiter.AcquireAsync(ctx.CancellationToken);
                        return Outcome.FromResult(await _attemptTimeout.ExecuteAsync(
                            static (state, token) => new ValueTask<ApiResponse>(state.Client.SendOnceAsync(state.Request, token)),
                            (Client: this, Request: request),
                            ctx.CancellationToken));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !ctx.CancellationToken.IsCancellationRequested)
                    {
                        // Faults become outcomes so the retry strategy sees them; only our own cancellation escapes.
                        return Outcome.FromException<ApiResponse>(ex);
                    }
                },
                context,
                state: 0);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (outcome.Exception is { } ex)
        {
            throw new SourceException($"{Policy.Name} unreachable: {Describe(outcome)}", null, ex);
        }

        var response = outcome.Result!;
        if (Policy.ReturnedAsIs.Contains(response.Status))
        {
            return response;
        }

        if (response.RetryAfter is { } wait && (response.Status == HttpStatusCode.TooManyRequests || (int)response.Status >= 500))
        {
            throw new SourceException(
                $"{Policy.Name} answered {(int)response.Status} and asks to wait {wait.TotalMinutes:0.#} min{response.CorrelationSuffix(Policy)}",
                _time.GetUtcNow() + wait);
        }

        if ((int)response.Status >= 500 || response.Status == HttpStatusCode.TooManyRequests)
        {
            throw new SourceException($"{Policy.Name} answered {(int)response.Status} {response.Status} after {Policy.MaxAttempts} attempts: {response.Excerpt()}{response.CorrelationSuffix(Policy)}");
        }

        return response;
    }

    public void Dispose()
    {
        _limiter.Dispose();
        _http.Dispose();
    }

    private async Task<ApiResponse> SendOnceAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        using var message = build();
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var correlation = Policy.CorrelationHeader is { } name && response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        return new ApiResponse(response.StatusCode, body, response.Content.Headers.ContentType?.CharSet, RetryAfterOf(response)) { CorrelationId = correlation };
    }

    private bool ShouldRetry(Outcome<ApiResponse> outcome, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (outcome.Exception is not null)
        {
            // An answer over the size limit comes back as large next time: not worth a retry.
            return outcome.Exception is HttpRequestException { HttpRequestError: not HttpRequestError.ConfigurationLimitExceeded } or TimeoutRejectedException or IOException or TaskCanceledException;
        }

        var response = outcome.Result!;
        if (Policy.ReturnedAsIs.Contains(response.Status))
        {
            return false;
        }

        var transient = (int)response.Status >= 500 || response.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
        return transient && (response.RetryAfter is null || response.RetryAfter <= Policy.MaxInlineRetryAfter);
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : null);
        return wait is not { } w ? null : w < TimeSpan.Zero ? TimeSpan.Zero : w > Policy.MaxRetryAfter ? Policy.MaxRetryAfter : w;
    }

    private static string Describe(Outcome<ApiResponse> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException } => "no answer in time",
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded } } => "the answer is larger than the bridge reads (a limit against runaway answers)",
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } } => "connection refused or host unreachable",
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } } => "host name not found",
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } } => "TLS handshake failed",
        { Exception: { } ex } => ex.Message,
        { Result: { } r } => $"HTTP {(int)r.Status}",
        _ => "unknown fault",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Api}: {Reason}; retrying in {Seconds} s")]
    private partial void LogRetry(string api, string reason, string seconds);
}
