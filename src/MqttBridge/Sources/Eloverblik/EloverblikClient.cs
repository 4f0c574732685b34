using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MqttBridge.Domain;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Eloverblik;

/// <summary>
/// One Eloverblik login (a base URL and a refresh token), shared by every site and by both the tariff and the meter
/// module that use it. Owns the token lifecycle: the 24-hour data access token is fetched with the refresh token only
/// when a call needs it and the one held is missing or within <see cref="RenewBefore"/> of its expiry; it is kept on
/// disk (<c>data_dir/eloverblik/</c>, readable by the owner only) and re-used after a restart. Every call goes through
/// the process-wide <see cref="EloverblikLimits"/>; each sends <c>X-User-Correlation-ID</c>, and every error names
/// Energinet's <c>X-Correlation-ID</c>. A refused refresh token stops every call of the login for
/// <see cref="AuthRetry"/> with one message saying how to make a new one.
/// </summary>
internal sealed partial class EloverblikClient : IDisposable
{
    /// <summary>The production API root (paths are case-insensitive).</summary>
    public const string DefaultBaseUrl = "https://api.eloverblik.dk/CustomerApi/";

    /// <summary>A data access token is renewed this long before it expires.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    /// <summary>The lifetime assumed for a data access token that carries no readable <c>exp</c> (OpenAPI 2026: 24 h).</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>A refused refresh token is tried again after this long (a deleted token does not come back by itself).</summary>
    public static readonly TimeSpan AuthRetry = TimeSpan.FromHours(1);

    /// <summary>The refresh token's expiry is warned about in the log from this long before.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    /// <summary>How to make a new refresh token: said with every refusal.</summary>
    public const string NewTokenAdvice =
        "make a new one in the Eloverblik portal (eloverblik.dk, log in with MitID, profile menu → DATADELING → Opret token) and set it as refresh_token";

    private readonly string _refreshToken;
    private readonly EloverblikLimits _limits;
    private readonly string? _tokenFile;
    private readonly string _key;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private readonly SemaphoreSlim _pointsGate = new(1, 1);
    private StoredToken? _token;
    private bool _tokenLoaded;
    private (string Message, DateTimeOffset Until)? _refused;
    private DateOnly? _warnedOn;
    private (IReadOnlyList<MeteringPointInfo> Points, DateTimeOffset Due)? _points;

    public EloverblikClient(string baseUrl, string refreshToken, EloverblikLimits limits, string? dataDir, ILogger logger)
    {
        BaseUrl = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
        _refreshToken = refreshToken;
        _limits = limits;
        _logger = logger;
        _key = SourceContext.KeyOf(BaseUrl.AbsoluteUri, refreshToken);
        _tokenFile = dataDir is null ? null : Path.Combine(dataDir, "eloverblik", $"token-{_key}.json");
        RefreshTokenExpires = EloverblikMapper.ExpiresAt(refreshToken);
    }

    public Uri BaseUrl { get; }

    /// <summary>The refresh token's own expiry (its JWT <c>exp</c>; it lasts a year), or null when it does not say.</summary>
    public DateTimeOffset? RefreshTokenExpires { get; }

    /// <summary>A stable id of this login (a hash: no token in it), for cache keys.</summary>
    public string Key => _key;

    private TimeProvider Time => _limits.Time;

    /// <summary>POSTs <paramref name="ids"/> (at most 10) in Eloverblik's request body to <paramref name="path"/>; returns the answer's text.</summary>
    public async Task<string> PostAsync(string path, IReadOnlyList<string> ids, string endpoint, CancellationToken ct)
    {
        if (ids.Count is 0 or > EloverblikLimits.MaxIdsPerRequest)
        {
            throw new ArgumentOutOfRangeException(nameof(ids), $"1 to {EloverblikLimits.MaxIdsPerRequest} metering points per request");
        }

        var body = JsonSerializer.Serialize(new MeteringPointsRequest(new MeteringPointIds(ids)), EloverblikJsonContext.Default.MeteringPointsRequest);
        return await SendAsync(HttpMethod.Post, path, body, endpoint, ct);
    }

    /// <summary>GETs <paramref name="path"/> with the data access token; returns the answer's text.</summary>
    public Task<string> GetAsync(string path, string endpoint, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, endpoint, ct);

    /// <summary>
    /// The login's metering points (<c>includeAll=false</c>: the linked ones), asked at most once a day and shared by
    /// every site of the login. With <paramref name="withDetails"/> (the CLI), also each one's grid operator from
    /// <c>getdetails</c>, ten at a time.
    /// </summary>
    public async Task<IReadOnlyList<MeteringPointInfo>> MeteringPointsAsync(bool withDetails, CancellationToken ct)
    {
        // The tariff and the meter of a site ask at the same moment: one call serves both.
        await _pointsGate.WaitAsync(ct);
        try
        {
            var now = Time.GetUtcNow();
            return !withDetails && _points is { } known && now < known.Due ? known.Points : await FetchPointsAsync(withDetails, now, ct);
        }
        finally
        {
            _pointsGate.Release();
        }
    }

    private async Task<IReadOnlyList<MeteringPointInfo>> FetchPointsAsync(bool withDetails, DateTimeOffset now, CancellationToken ct)
    {

        var text = await GetAsync("api/meteringpoints/meteringpoints?includeAll=false", "meteringpoints", ct);
        var list = Parse(text, EloverblikJsonContext.Default.MeteringPointList, "meteringpoints");
        var details = new Dictionary<string, MeteringPointDetailsDto>(StringComparer.Ordinal);
        if (withDetails)
        {
            var ids = EloverblikMapper.MapMeteringPoints(list).Select(p => p.Id).ToList();
            foreach (var chunk in ids.Chunk(EloverblikLimits.MaxIdsPerRequest))
            {
                var answer = Parse(await PostAsync("api/meteringpoints/meteringpoint/getdetails", chunk, "getdetails", ct), EloverblikJsonContext.Default.EnvelopeMeteringPointDetailsDto, "getdetails");
                foreach (var item in answer.Result ?? [])
                {
                    if (item is { Id: { } id, Result: { } detail })
                    {
                        details[id] = detail;
                    }
                }
            }
        }

        var points = EloverblikMapper.MapMeteringPoints(list, details);
        _points = (points, now + TimeSpan.FromDays(1));
        return points;
    }

    /// <summary>
    /// The time series of <paramref name="ids"/> for the local dates [<paramref name="from"/>, <paramref name="to"/>) at
    /// their own resolution (<c>Actual</c>), cut at <paramref name="today"/> and split by <see cref="EloverblikPeriods"/>,
    /// ten metering points per request. A metering point with no data (30007) maps to empty series.
    /// </summary>
    public async Task<Dictionary<string, MeterSeries>> TimeSeriesAsync(IReadOnlyList<string> ids, DateOnly from, DateOnly to, DateOnly today, TimeZoneInfo zone, CancellationToken ct)
    {
        var result = ids.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new MeterSeries(new ConsumptionSeries([]), new ConsumptionSeries([])), StringComparer.Ordinal);
        foreach (var (start, end) in EloverblikPeriods.Split(from, to, today))
        {
            foreach (var chunk in result.Keys.ToList().Chunk(EloverblikLimits.MaxIdsPerRequest))
            {
                var path = $"api/meterdata/gettimeseries/{Date(start)}/{Date(end)}/Actual";
                var answer = Parse(await PostAsync(path, chunk, "gettimeseries", ct), EloverblikJsonContext.Default.EnvelopeMarketDocument, "gettimeseries");
                foreach (var id in chunk)
                {
                    var series = EloverblikMapper.MapDocument(EloverblikMapper.Item(answer, id, "gettimeseries")?.MarketDocument, zone);
                    var known = result[id];
                    result[id] = new MeterSeries(known.Consumption.Merge(series.Consumption), known.Production.Merge(series.Production));
                }
            }
        }

        return result;
    }

    /// <summary>The charges of one metering point (<c>getcharges</c>), mapped, with the answer's text for the cache.</summary>
    public async Task<(Charges Charges, string Body)> ChargesAsync(string id, CancellationToken ct)
    {
        var text = await PostAsync("api/meteringpoints/meteringpoint/getcharges", [id], "getcharges", ct);
        return (ParseCharges(text, id), text);
    }

    /// <summary>An answer of <c>getcharges</c> (live or cached) for metering point <paramref name="id"/>.</summary>
    public static Charges ParseCharges(string text, string id) =>
        EloverblikMapper.MapCharges(EloverblikMapper.Item(Parse(text, EloverblikJsonContext.Default.EnvelopeChargesDto, "getcharges"), id, "getcharges")?.Result);

    /// <summary>Logs a warning about the refresh token's expiry once a day from 30 days before.</summary>
    public void WarnIfExpiring(DateTimeOffset now, TimeZoneInfo zone)
    {
        if (RefreshTokenExpires is not { } expires || expires - now > ExpiryWarning)
        {
            return;
        }

        var today = LocalDay.Of(now, zone).Date;
        if (_warnedOn == today)
        {
            return;
        }

        _warnedOn = today;
        var on = LocalTime.Iso8601(expires, zone)[..10];
        if (expires <= now)
        {
            LogExpired(on, NewTokenAdvice);
        }
        else
        {
            LogExpiring(on, (int)Math.Ceiling((expires - now).TotalDays), NewTokenAdvice);
        }
    }

    public void Dispose()
    {
        _tokenGate.Dispose();
        _pointsGate.Dispose();
    }

    internal static T Parse<T>(string text, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string endpoint) =>
        ApiJson.Parse(text, type, EloverblikMapper.Api, endpoint);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<string> SendAsync(HttpMethod method, string path, string? body, string endpoint, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (token, fresh) = await AccessTokenAsync(ct);
            var response = await CallAsync(method, path, body, token, ct);
            if (response.Status == HttpStatusCode.Unauthorized && !fresh && attempt == 1)
            {
                // The token on disk was revoked or expired early: one new token, then the call once more.
                Forget(token);
                continue;
            }

            if (response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw Refused(response, endpoint);
            }

            Check(response, endpoint);
            return response.Text();
        }
    }

    /// <summary>The data access token, and whether it was fetched just now (a 401 with a fresh token is not a stale token).</summary>
    private async Task<(string Token, bool Fresh)> AccessTokenAsync(CancellationToken ct)
    {
        await _tokenGate.WaitAsync(ct);
        try
        {
            var now = Time.GetUtcNow();
            if (_refused is { } refused && now < refused.Until)
            {
                throw new SourceException(refused.Message, refused.Until);
            }

            if (!_tokenLoaded)
            {
                _tokenLoaded = true;
                _token = LoadToken(now);
            }

            if (_token is { } held && now < held.ExpiresAt - RenewBefore)
            {
                return (held.AccessToken, false);
            }

            await _limits.TokenCalls.AcquireAsync(ct);
            var response = await CallAsync(HttpMethod.Get, "api/token", null, _refreshToken, ct);
            now = Time.GetUtcNow();
            if (response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var ex = Refused(response, "token");
                _refused = (ex.Message, now + AuthRetry);
                throw new SourceException(ex.Message, now + AuthRetry);
            }

            Check(response, "token");
            var text = response.Text();
            string? token;
            try
            {
                token = EloverblikMapper.AccessToken(text);
            }
            catch (JsonException)
            {
                token = null;
            }

            if (string.IsNullOrWhiteSpace(token))
            {
                throw new SourceException($"{EloverblikMapper.Api} answered api/token without a token ({(text.Length == 0 ? "empty answer" : "no 'result'")}){response.CorrelationSuffix(EloverblikLimits.Policy)}; asking again later");
            }

            var expires = EloverblikMapper.ExpiresAt(token) ?? now + AccessTokenLifetime;
            _token = new StoredToken(_key, token, expires, now);
            _refused = null;
            SaveToken(_token);
            LogNewToken(LocalTime.Iso8601(expires, TimeZoneInfo.Utc));
            return (token, true);
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    private void Forget(string token)
    {
        if (_token?.AccessToken == token)
        {
            _token = null;
        }
    }

    /// <summary>One HTTP call through the process-wide limits; a 429 or 503 pauses every call of the process.</summary>
    private async Task<ApiResponse> CallAsync(HttpMethod method, string path, string? body, string bearer, CancellationToken ct)
    {
        await _limits.Calls.AcquireAsync(ct);
        if (_limits.PausedUntil(Time.GetUtcNow()) is { } until)
        {
            throw new SourceException($"{EloverblikMapper.Api} asked to wait (429 or 503 a moment ago); no call before {LocalTime.Iso8601(until, TimeZoneInfo.Utc)}", until);
        }

        var correlation = Guid.NewGuid().ToString();
        var response = await _limits.Client.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Headers.Add("X-User-Correlation-ID", correlation);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                return request;
            },
            ct);

        if (response.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            var resume = _limits.Paused(Time.GetUtcNow(), response.RetryAfter);
            var what = response.Status == HttpStatusCode.TooManyRequests ? "429 (too many requests)" : "503 (DataHub unavailable)";
            throw new SourceException(
                $"{EloverblikMapper.Api} answered {what} for {Endpoint(path)}{response.CorrelationSuffix(EloverblikLimits.Policy)}; no call before {LocalTime.Iso8601(resume, TimeZoneInfo.Utc)}",
                resume);
        }

        return response;
    }

    private static string Endpoint(string path)
    {
        var end = path.IndexOfAny(['?']);
        var trimmed = end < 0 ? path : path[..end];
        return trimmed.StartsWith("api/meterdata/gettimeseries", StringComparison.Ordinal) ? "gettimeseries" : trimmed;
    }

    private static SourceException Refused(ApiResponse response, string endpoint)
    {
        var status = (int)response.Status;
        var why = response.Status == HttpStatusCode.Forbidden
            ? "it is not a refresh token (a data access token, or a third-party token?)"
            : "it expired, was deleted or deactivated, or is not a refresh token";
        return new SourceException(
            $"{EloverblikMapper.Api} refused the refresh token for {endpoint} (HTTP {status}: {EloverblikMapper.ErrorText(response.Body)}): {why}; {NewTokenAdvice}{response.CorrelationSuffix(EloverblikLimits.Policy)}");
    }

    private static void Check(ApiResponse response, string endpoint)
    {
        if (!response.IsSuccess)
        {
            throw new SourceException(
                $"{EloverblikMapper.Api} rejected the {endpoint} request (HTTP {(int)response.Status}: {EloverblikMapper.ErrorText(response.Body)}){response.CorrelationSuffix(EloverblikLimits.Policy)}");
        }
    }

    private StoredToken? LoadToken(DateTimeOffset now)
    {
        if (_tokenFile is null || !File.Exists(_tokenFile))
        {
            return null;
        }

        try
        {
            var stored = JsonSerializer.Deserialize(File.ReadAllText(_tokenFile), EloverblikJsonContext.Default.StoredToken);
            return stored is not null && stored.Key == _key && stored.FetchedAt <= now ? stored : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogTokenFile(_tokenFile, ex.Message);
            return null;
        }
    }

    /// <summary>Atomically, readable and writable by the owner only (0600 in a 0700 folder): it opens the customer's data for a day.</summary>
    private void SaveToken(StoredToken token)
    {
        if (_tokenFile is null)
        {
            return;
        }

        if (AtomicFile.TryWrite(_tokenFile, JsonSerializer.Serialize(token, EloverblikJsonContext.Default.StoredToken), ownerOnly: true) is { } fault)
        {
            LogTokenFile(_tokenFile, fault);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Eloverblik: new data access token, valid until {Expires}")]
    private partial void LogNewToken(string expires);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Eloverblik: the data access token file {Path} cannot be used ({Reason}); a restart costs one token call")]
    private partial void LogTokenFile(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Eloverblik: the refresh token expires on {Date}, in {Days} day(s); {Advice}")]
    private partial void LogExpiring(string date, int days, string advice);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Eloverblik: the refresh token expired on {Date}; {Advice}")]
    private partial void LogExpired(string date, string advice);
}

/// <summary>The shared pieces of the Eloverblik modules, as every site gets them from its <see cref="SourceContext"/>.</summary>
internal static class EloverblikShared
{
    /// <summary>The process-wide limits: one per process, whatever the logins.</summary>
    public static EloverblikLimits Limits(SourceContext context) =>
        context.Shared("eloverblik process", () => new EloverblikLimits(context.Time, context.Loggers));

    /// <summary>One client per (API root, refresh token): its token, its metering point list, for every site and both modules.</summary>
    public static EloverblikClient Client(EloverblikOptions options, SourceContext context) =>
        context.Shared(SourceContext.KeyOf(EloverblikMeterModule.TypeName, options.BaseUrl, options.RefreshToken), () =>
            new EloverblikClient(options.BaseUrl, options.RefreshToken, Limits(context), context.DataDir, context.Loggers.CreateLogger<EloverblikClient>()));

    /// <summary><c>token_expires</c>: the refresh token's expiry, a timestamp diagnostic of both modules.</summary>
    public static DiagnosticDefinition TokenExpires { get; } = new("token_expires", "Eloverblik token expires", DiagnosticKind.Timestamp) { Icon = "mdi:key-chain" };

    public static IReadOnlyDictionary<string, DiagnosticValue> Diagnostics(EloverblikClient client) =>
        new Dictionary<string, DiagnosticValue> { [TokenExpires.Key] = new(At: client.RefreshTokenExpires) };

    /// <summary>The configured metering point, or the login's first consumption metering point.</summary>
    public static async Task<string> MeteringPointAsync(EloverblikClient client, string? configured, string role, CancellationToken ct)
    {
        if (configured is not null)
        {
            return configured;
        }

        var points = await client.MeteringPointsAsync(withDetails: false, ct);
        return points.FirstOrDefault(p => p.IsConsumption)?.Id
            ?? throw new SourceException(
                $"{EloverblikMapper.Api}: the refresh token's login has no consumption metering point linked ({points.Count} metering point(s) in all); link yours in the Eloverblik portal or set {role}.metering_point_id");
    }
}
