using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MqttBridge.Addon;

/// <summary>The broker the Supervisor's MQTT service names (the Mosquitto add-on, usually).</summary>
internal sealed record SupervisorMqttService(string Host, int Port, bool Ssl, string? Username, string? Password);

/// <summary>Either the service, or why there is none, in words for a log line.</summary>
internal sealed record SupervisorMqttAnswer(SupervisorMqttService? Service, string? Failure);

/// <summary>
/// Asks the Home Assistant Supervisor for its MQTT service: <c>GET /services/mqtt</c> with the add-on's token.
/// Every failure (no service, unreachable, odd answer) comes back as <see cref="SupervisorMqttAnswer.Failure"/>,
/// never as an exception: for the bridge they all mean "no MQTT service, use the embedded broker".
/// </summary>
internal sealed class SupervisorClient
{
    public const string DefaultUrl = "http://supervisor";

    /// <summary>The Supervisor answers at once or not at all; waiting longer only delays the fallback.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly string? _token;

    /// <param name="http">Its <see cref="HttpClient.BaseAddress"/> is the Supervisor's URL.</param>
    public SupervisorClient(HttpClient http, string? token)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _token = token;
    }

    /// <summary>True when the Supervisor's token is known: without it the Supervisor is not asked at all.</summary>
    public bool HasToken => !string.IsNullOrEmpty(_token);

    public async Task<SupervisorMqttAnswer> GetMqttServiceAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(_http.BaseAddress!, "services/mqtt");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (!string.IsNullOrEmpty(_token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var answer = Parse(body);
            if (!response.IsSuccessStatusCode)
            {
                // A 400 is the Supervisor's "no MQTT service"; its message says so in its own words.
                var message = string.IsNullOrWhiteSpace(answer?.Message) ? response.ReasonPhrase : answer.Message;
                return Fail($"GET {url} answered HTTP {(int)response.StatusCode}: {message}");
            }

            if (answer is null)
            {
                return Fail($"GET {url} answered with something that is not the Supervisor's JSON");
            }

            if (answer.Result != "ok" || answer.Data is not { } data)
            {
                return Fail($"GET {url} answered result '{answer.Result}': {answer.Message}");
            }

            if (string.IsNullOrWhiteSpace(data.Host) || data.Port is not (> 0 and <= 65535))
            {
                return Fail($"GET {url} named no usable broker (host '{data.Host}', port {data.Port})");
            }

            return new SupervisorMqttAnswer(new SupervisorMqttService(data.Host.Trim(), data.Port.Value, data.Ssl ?? false, data.Username, data.Password), null);
        }
        catch (HttpRequestException ex)
        {
            return Fail($"Supervisor at {_http.BaseAddress} not reachable: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail($"Supervisor at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s");
        }
    }

    private static SupervisorMqttAnswer Fail(string reason) => new(null, reason);

    private static SupervisorResponse? Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, SupervisorJsonContext.Default.SupervisorResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The Supervisor's envelope: <c>{"result": "ok"|"error", "message": …, "data": {…}}</c>.</summary>
internal sealed record SupervisorResponse
{
    public string? Result { get; init; }

    public string? Message { get; init; }

    public SupervisorMqttData? Data { get; init; }
}

/// <summary>
/// <c>data</c> of <c>/services/mqtt</c>. The Supervisor stores the port as a string, so both forms are read;
/// <c>addon</c> (v1 route) and <c>app</c> (v2 route) name the providing add-on and are not needed here.
/// </summary>
internal sealed record SupervisorMqttData
{
    public string? Host { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? Port { get; init; }

    public bool? Ssl { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? Protocol { get; init; }
}

/// <summary>Source-generated (no reflection: NativeAOT and trimming stay safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SupervisorResponse))]
internal sealed partial class SupervisorJsonContext : JsonSerializerContext;
