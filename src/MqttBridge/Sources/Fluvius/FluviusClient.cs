using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MqttBridge.Domain;
using MqttBridge.Sources.Http;

namespace MqttBridge.Sources.Fluvius;

/// <summary>
/// One energy-service company's access to Fluvius (credentials, certificate, base URL, API version), shared by every site
/// that uses it. Every call carries <c>Authorization: Bearer</c> (an Azure AD client-credentials token, fetched when a
/// call needs one and the one held is missing or within <see cref="RenewBefore"/> of expiry, fetched again once on a
/// 401), <c>Ocp-Apim-Subscription-Key</c>, and the client certificate on the TLS connection. Calls go through the shared
/// <see cref="ApiClient"/> (limit, Retry-After, backoff for 429/5xx/timeouts). Faults are <see cref="SourceException"/>s
/// whose text holds no secret and no full EAN (a 400's <c>validationErrorMessages</c> are shown, long numbers masked).
/// </summary>
internal sealed partial class FluviusClient : IDisposable
{
    /// <summary>A token is fetched again this long before it expires (EDDIE: 1 min; a little more for slow calls).</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    /// <summary>
    /// 60 calls in any hour for the company's whole access: far above what the schedule spends (a mandate and an energy
    /// call per site per day, hourly mandate checks while consent is pending); Fluvius publishes no limit.
    /// </summary>
    public static readonly ApiPolicy DefaultPolicy = new(FluviusMapper.Api, 60, TimeSpan.FromHours(1));

    /// <summary>The token endpoint's own budget: tokens last about an hour, so a handful an hour is plenty.</summary>
    public static readonly ApiPolicy TokenPolicy = new("Fluvius token endpoint", 12, TimeSpan.FromHours(1));

    private readonly FluviusOptions _options;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _personal = new(StringComparer.OrdinalIgnoreCase);
    private readonly ApiClient _api;
    private readonly ApiClient _tokens;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private readonly string? _certificateProblem;
    private (string Value, DateTimeOffset Expires)? _token;
    private int _tokenCalls;

    public FluviusClient(FluviusOptions options, TimeProvider time, ILoggerFactory loggers)
        : this(options, time, loggers, serverRoots: null)
    {
    }

    /// <summary>
    /// A client that trusts only <paramref name="serverRoots"/> for the API's server certificate (full chain and host-name
    /// checks, no revocation check): a test's throwaway CA. Null, as in production: the system's CAs and .NET's default
    /// validation, untouched. There is no configuration key for it.
    /// </summary>
    internal FluviusClient(FluviusOptions options, TimeProvider time, ILoggerFactory loggers, X509Certificate2Collection? serverRoots)
    {
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger<FluviusClient>();
        var handler = new HttpClientHandler();
        if (serverRoots is not null)
        {
            handler.ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => IssuedBy(serverRoots, certificate, errors);
        }

        try
        {
            if (LoadCertificate(options) is { } certificate)
            {
                handler.ClientCertificateOptions = ClientCertificateOption.Manual;
                handler.ClientCertificates.Add(certificate);
                Certificate = certificate;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Said with every call, so the meter_problem sensor carries it; the password never appears in the message.
            _certificateProblem = CertificateFault(options) is { } fault
                ? $"the client certificate could not be read ({fault.Key}: {fault.Message})"
                : $"the client certificate could not be read ({ex.GetType().Name}: {ex.Message}); check client_cert_file/client_key_file or client_pfx_file and client_pfx_password";
        }

        // The policy's timeout rules; HttpClient's own 100 s default stays out of the way.
        _api = new ApiClient(new HttpClient(handler) { BaseAddress = new Uri(options.BaseUrl), Timeout = Timeout.InfiniteTimeSpan }, DefaultPolicy, time, loggers.CreateLogger<ApiClient>());
        _tokens = new ApiClient(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, TokenPolicy with { MaxAttempts = 3 }, time, loggers.CreateLogger<ApiClient>());
    }

    /// <summary>The client certificate sent on every call, or null when none is configured.</summary>
    public X509Certificate2? Certificate { get; private set; }

    /// <summary>HTTP requests sent to the Fluvius API (retries included).</summary>
    public int ApiCalls => _api.Calls;

    /// <summary>Tokens fetched from the token endpoint.</summary>
    public int TokenCalls => Volatile.Read(ref _tokenCalls);

    private bool V2 => _options.ApiVersion == "v2";

    /// <summary>The request path of an endpoint in the configured version (relative to base_url).</summary>
    public string PathOf(string endpoint) => (V2 ? "api/v2.0/" : "v3/api/") + endpoint;

    /// <summary>The client certificate from the PEM pair or the PKCS #12 file; null when none is configured.</summary>
    public static X509Certificate2? LoadCertificate(FluviusOptions options) =>
        options.ClientPfxFile is { } pfx ? X509CertificateLoader.LoadPkcs12FromFile(pfx, options.ClientPfxPassword)
        : options.ClientCertFile is { } cert ? X509Certificate2.CreateFromPemFile(cert, options.ClientKeyFile)
        : null;

    /// <summary>
    /// Why the configured client certificate cannot be used, by the key to fix (<c>client_cert_file</c>,
    /// <c>client_key_file</c>, <c>client_pfx_file</c>, <c>client_pfx_password</c>); null when it loads with its private key
    /// or none is configured. The password is never part of the message.
    /// </summary>
    public static SourceCheck? CertificateFault(FluviusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClientPfxFile is { } pfx)
        {
            try
            {
                using var loaded = X509CertificateLoader.LoadPkcs12FromFile(pfx, options.ClientPfxPassword);
                return loaded.HasPrivateKey ? null : new SourceCheck("client_pfx_file", $"'{pfx}' holds the certificate without its private key; export the PKCS #12 file with the key");
            }
            catch (CryptographicException) when (IsPkcs12(pfx))
            {
                return options.ClientPfxPassword is null
                    ? new SourceCheck("client_pfx_password", $"missing: '{pfx}' is protected by a password; set client_pfx_password")
                    : new SourceCheck("client_pfx_password", $"does not open '{pfx}' (wrong password)");
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                return new SourceCheck("client_pfx_file", $"'{pfx}' is not a PKCS #12 (.pfx/.p12) file with a certificate and its key ({ex.Message})");
            }
        }

        if (options.ClientCertFile is not { } cert)
        {
            return null;
        }

        try
        {
            using var alone = X509Certificate2.CreateFromPem(File.ReadAllText(cert));
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new SourceCheck("client_cert_file", $"'{cert}' holds no PEM certificate (-----BEGIN CERTIFICATE-----): {ex.Message}");
        }

        var keyFile = options.ClientKeyFile ?? cert;
        try
        {
            var keyText = File.ReadAllText(keyFile);
            if (keyText.Contains("ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
            {
                return new SourceCheck("client_key_file", $"'{keyFile}' is encrypted; give the key unencrypted (openssl pkey -in KEY -out KEY.plain), readable by the bridge only");
            }

            if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                return new SourceCheck("client_key_file", $"'{keyFile}' holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
            }

            using var paired = X509Certificate2.CreateFromPemFile(cert, options.ClientKeyFile);
            return null;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // .NET says "malformed or not matching" in one message: a key that reads on its own is the wrong key.
            return ReadsAsKey(keyFile)
                ? new SourceCheck("client_key_file", $"'{keyFile}' is not the private key of the certificate in client_cert_file (their public keys differ)")
                : new SourceCheck("client_key_file", $"'{keyFile}' could not be read as the certificate's private key: {ex.Message}");
        }
    }

    /// <summary>Whether the file holds an RSA or EC private key in PEM, whatever certificate it belongs to.</summary>
    private static bool ReadsAsKey(string keyFile)
    {
        foreach (var create in new Func<AsymmetricAlgorithm>[] { RSA.Create, ECDsa.Create })
        {
            try
            {
                using var key = create();
                key.ImportFromPem(File.ReadAllText(keyFile));
                return true;
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Not this algorithm's key (or not readable): try the next.
            }
        }

        return false;
    }

    /// <summary>Whether the file is PKCS #12 at all (so a failure to open it is the password's).</summary>
    private static bool IsPkcs12(string path)
    {
        try
        {
            return X509Certificate2.GetCertContentType(path) == X509ContentType.Pkcs12;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to one of <paramref name="roots"/> (and only those) with no other
    /// policy error (a name mismatch or a missing certificate still fails).
    /// </summary>
    private static bool IssuedBy(X509Certificate2Collection roots, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>GET Mandate for <paramref name="reference"/>: the mandates and the raw answer (for the cache).</summary>
    public async Task<(IReadOnlyList<FluviusMandate> Mandates, string Body)> MandatesAsync(string reference, CancellationToken ct)
    {
        // v2 and v3 both spell this call's parameter ReferenceNumber (fluvius.md §3.2).
        var body = await GetAsync(PathOf("Mandate") + "?ReferenceNumber=" + Uri.EscapeDataString(reference), "Mandate", ct);
        return (ParseMandates(body), body);
    }

    public static IReadOnlyList<FluviusMandate> ParseMandates(string body) =>
        FluviusMandates.Map(ApiJson.Parse(body, FluviusJsonContext.Default.MandateResponse, FluviusMapper.Api, "Mandate"));

    /// <summary>
    /// GET Mandate/energy for [<paramref name="from"/>, <paramref name="to"/>) (UTC instants) in the data service
    /// <paramref name="service"/>: v3 <c>referenceNumber, ean, DataServiceType, PeriodType=readTime, from, to</c>; v2
    /// <c>ReferenceNumber, EanNumber, DataServiceType, PeriodType, From, To</c> (the exact casing each version uses).
    /// </summary>
    public async Task<(FluviusEnergy Energy, string Body)> EnergyAsync(string reference, string ean, string service, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone, CancellationToken ct)
    {
        var query = V2
            ? $"ReferenceNumber={Q(reference)}&EanNumber={Q(ean)}&DataServiceType={Q(service)}&PeriodType=readTime&From={Q(Utc(from))}&To={Q(Utc(to))}"
            : $"referenceNumber={Q(reference)}&ean={Q(ean)}&DataServiceType={Q(service)}&PeriodType=readTime&from={Q(Utc(from))}&to={Q(Utc(to))}";
        var body = await GetAsync(PathOf("Mandate/energy") + "?" + query, "Mandate/energy", ct);
        return (ParseEnergy(body, zone), body);
    }

    public static FluviusEnergy ParseEnergy(string body, TimeZoneInfo zone) =>
        FluviusMapper.MapEnergy(ApiJson.Parse(body, FluviusJsonContext.Default.EnergyResponse, FluviusMapper.Api, "Mandate/energy"), zone);

    /// <summary>POST shortUrlIdentifier: the consent link's identifier and until when it is valid.</summary>
    /// <exception cref="SourceException">Refused, or answered <c>status: failed</c> or without an identifier.</exception>
    public async Task<ConsentData> ConsentAsync(ConsentRequest request, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(request, FluviusJsonContext.Default.ConsentRequest);
        var body = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, PathOf("shortUrlIdentifier")) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, "shortUrlIdentifier", ct);
        var answer = ApiJson.Parse(body, FluviusJsonContext.Default.ConsentResponse, FluviusMapper.Api, "shortUrlIdentifier").Data;
        if (answer is null || !string.Equals(answer.Status, "success", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(answer.ShortUrlIdentifier))
        {
            throw new SourceException($"{FluviusMapper.Api} did not create a consent link (status '{answer?.Status ?? "missing"}')");
        }

        return answer;
    }

    public void Dispose()
    {
        _api.Dispose();
        _tokens.Dispose();
        _tokenGate.Dispose();
        Certificate?.Dispose();
    }

    private Task<string> GetAsync(string path, string endpoint, CancellationToken ct) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), endpoint, ct);

    /// <summary>Sends with token, key and certificate; a 401 fetches a new token and tries once more.</summary>
    private async Task<string> SendAsync(Func<HttpRequestMessage> build, string endpoint, CancellationToken ct)
    {
        if (_certificateProblem is { } problem)
        {
            throw new SourceException($"{FluviusMapper.Api}: {problem}", _time.GetUtcNow().AddHours(1));
        }

        var response = await SendWithTokenAsync(build, await TokenAsync(forceNew: false, ct), ct);
        if (response.Status == HttpStatusCode.Unauthorized)
        {
            // An expired or revoked token: one new token, one more try.
            response = await SendWithTokenAsync(build, await TokenAsync(forceNew: true, ct), ct);
        }

        if (response.IsSuccess)
        {
            return response.Text();
        }

        throw Fault(response, endpoint);
    }

    private Task<ApiResponse> SendWithTokenAsync(Func<HttpRequestMessage> build, string token, CancellationToken ct) =>
        _api.SendAsync(
            () =>
            {
                var request = build();
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Add("Ocp-Apim-Subscription-Key", _options.SubscriptionKey);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                return request;
            },
            ct);

    /// <summary>The held token while valid for <see cref="RenewBefore"/> more, else a new one (client credentials).</summary>
    private async Task<string> TokenAsync(bool forceNew, CancellationToken ct)
    {
        await _tokenGate.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            if (!forceNew && _token is { } held && held.Expires - RenewBefore > now)
            {
                return held.Value;
            }

            var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = _options.ClientId,
                ["client_secret"] = _options.ClientSecret,
                ["scope"] = _options.Scope,
            });
            var formText = await form.ReadAsStringAsync(ct);
            Interlocked.Increment(ref _tokenCalls);
            var response = await _tokens.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, _options.TokenUrl) { Content = new StringContent(formText, Encoding.UTF8, "application/x-www-form-urlencoded") }, ct);
            if (!response.IsSuccess && response.Status is not (HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
            {
                // Not a refusal of the credentials (a timeout, a proxy's answer): transient, the fault schedule's 1, 2, 4 … minutes.
                _token = null;
                throw new SourceException($"Fluvius token endpoint answered {(int)response.Status} {response.Status}: {response.Excerpt()}");
            }

            if (!response.IsSuccess)
            {
                _token = null;
                throw new SourceException(
                    $"{FluviusMapper.Api}: the token endpoint refused the client credentials (HTTP {(int)response.Status}{AadError(response)}); check tenant_id/token_url, client_id, client_secret and scope as Fluvius issued them at onboarding",
                    now.AddHours(1));
            }

            var token = ApiJson.Parse(response.Text(), FluviusJsonContext.Default.TokenResponse, "Fluvius token endpoint", "token");
            if (string.IsNullOrEmpty(token.AccessToken))
            {
                throw new SourceException("Fluvius token endpoint answered without an access_token");
            }

            _token = (token.AccessToken, now.AddSeconds(token.ExpiresIn is > 0 and var s ? s : 3600));
            LogToken(LocalTime.Iso8601(_token.Value.Expires, TimeZoneInfo.Utc));
            return token.AccessToken;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    /// <summary>Azure AD's <c>error</c> code (e.g. invalid_client), never its description (it may echo the client id).</summary>
    private static string AadError(ApiResponse response)
    {
        try
        {
            using var doc = JsonDocument.Parse(response.Body);
            return doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? ", " + error.GetString() : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    /// <summary>A refusal as one line saying what to do: 400 with Fluvius' validation messages, 401/403 with the credentials to check.</summary>
    private SourceException Fault(ApiResponse response, string endpoint)
    {
        var now = _time.GetUtcNow();
        var status = (int)response.Status;
        switch (response.Status)
        {
            case HttpStatusCode.Unauthorized:
                return new SourceException(
                    $"{FluviusMapper.Api} refused the token for {endpoint} (HTTP 401, also with a new token); check scope and that the client is registered for this API",
                    now.AddHours(1));
            case HttpStatusCode.Forbidden:
                return new SourceException(
                    $"{FluviusMapper.Api} refused {endpoint} (HTTP 403): check subscription_key and that the client certificate is the one allow-listed at onboarding{(_options.HasCertificate ? string.Empty : " (none is configured)")}",
                    now.AddHours(1));
            default:
                var detail = ErrorText(response);
                return new SourceException($"{FluviusMapper.Api} answered {status} for {endpoint}: {detail}", status == 400 ? now.AddHours(6) : null);
        }
    }

    /// <summary>
    /// Personal values of the sites on this client (reference numbers, EANs) to mask wherever an answer's text is
    /// shown: in logs, <c>meter_problem</c> and <c>bridge/info</c> only their last four characters appear.
    /// </summary>
    public void Protect(params string?[] values)
    {
        foreach (var value in values)
        {
            if (value is { Length: > 0 })
            {
                _personal.TryAdd(value, 0);
            }
        }
    }

    /// <summary>
    /// The error model's message and validation messages, else a short excerpt; long numbers and the protected
    /// personal values masked to their last four characters.
    /// </summary>
    internal string ErrorText(ApiResponse response) => MaskPersonal(RawErrorText(response));

    private string MaskPersonal(string text)
    {
        // Longest first, so a reference inside a longer protected value is not half-masked.
        foreach (var value in _personal.Keys.OrderByDescending(v => v.Length))
        {
            text = text.Replace(value, MeteringPoint.Masked(value), StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    private static string RawErrorText(ApiResponse response)
    {
        try
        {
            var error = JsonSerializer.Deserialize(response.Text(), FluviusJsonContext.Default.ErrorResponse);
            if (error is not null && (error.Message is not null || error.ValidationErrorMessages is { Count: > 0 }))
            {
                var parts = new List<string>();
                if (error.Message is { Length: > 0 } message)
                {
                    parts.Add(message);
                }

                parts.AddRange(error.ValidationErrorMessages ?? []);
                return FluviusMapper.MaskNumbers(string.Join("; ", parts));
            }
        }
        catch (JsonException)
        {
            // Not the error model: the excerpt below says what came.
        }

        return FluviusMapper.MaskNumbers(response.Excerpt());
    }

    private static string Q(string value) => Uri.EscapeDataString(value);

    /// <summary>UTC with a Z, as EDDIE sends (2024-12-01T00:00:00Z).</summary>
    internal static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fluvius: new access token, valid until {Expires}")]
    private partial void LogToken(string expires);
}
