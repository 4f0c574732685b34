using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MqttBridge.Statistics.Wire;

namespace MqttBridge.Statistics;

/// <summary>A fault Home Assistant stated: its error code (<c>unauthorized</c>, <c>invalid_format</c>, …) and its own message.</summary>
internal sealed class HomeAssistantException(string message, string? code = null) : Exception(message)
{
    /// <summary>Home Assistant's error code, or <c>auth_invalid</c> for a refused token; null for a protocol fault.</summary>
    public string? Code { get; } = code;

    public bool Unauthorized => Code is "unauthorized" or "auth_invalid";
}

/// <summary>
/// One authenticated connection to Home Assistant's WebSocket API (<c>/api/websocket</c>): the auth handshake, then
/// commands with increasing ids, each answer matched by id and checked. Owns its <see cref="WebSocket"/>; not
/// thread-safe (one caller at a time). Faults: <see cref="HomeAssistantException"/> for what Home Assistant refused,
/// <see cref="WebSocketException"/>/<see cref="IOException"/> for a lost connection, <see cref="OperationCanceledException"/> on time-out.
/// </summary>
internal sealed class HomeAssistantSocket : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private int _lastId;

    private HomeAssistantSocket(WebSocket socket, TimeProvider time, TimeSpan timeout, string version)
    {
        _socket = socket;
        _time = time;
        _timeout = timeout;
        Version = version;
    }

    /// <summary>Home Assistant's version as it reported it (<c>ha_version</c>), e.g. <c>2025.11.2</c>.</summary>
    public string Version { get; }

    /// <summary>From 2025.11 the statistics metadata carry <c>mean_type</c> and <c>unit_class</c>; before, <c>has_mean</c>.</summary>
    public bool TakesMeanType => VersionAtLeast(Version, 2025, 11);

    /// <summary>
    /// Opens <paramref name="socket"/> on <paramref name="uri"/> and authenticates with <paramref name="token"/> (never
    /// logged, never in an exception). A refused token throws <see cref="HomeAssistantException"/> with code <c>auth_invalid</c>.
    /// </summary>
    public static async Task<HomeAssistantSocket> ConnectAsync(ClientWebSocket socket, Uri uri, string token, TimeProvider time, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var limit = Limit(time, timeout, ct);
        await socket.ConnectAsync(uri, limit.Token);
        var hello = await ReceiveAsync(socket, limit.Token);
        if (hello.Type != "auth_required")
        {
            throw new HomeAssistantException($"expected auth_required, got {hello.Type ?? "a message without type"}");
        }

        await SendAsync(socket, new AuthMessage(token), HomeAssistantJsonContext.Default.AuthMessage, limit.Token);
        var answer = await ReceiveAsync(socket, limit.Token);
        return answer.Type switch
        {
            "auth_ok" => new HomeAssistantSocket(socket, time, timeout, answer.HaVersion ?? hello.HaVersion ?? "0.0"),
            "auth_invalid" => throw new HomeAssistantException($"Home Assistant refused the token: {answer.Message ?? "auth_invalid"}", "auth_invalid"),
            _ => throw new HomeAssistantException($"expected auth_ok, got {answer.Type ?? "a message without type"}"),
        };
    }

    /// <summary>The next message id: 1, 2, 3 … on this connection, as Home Assistant requires.</summary>
    public int NextId() => ++_lastId;

    /// <summary>
    /// Sends <paramref name="command"/> (made with <see cref="NextId"/>) and waits for the <c>result</c> with its id.
    /// Returns the result (JSON null for none); <c>success: false</c> throws <see cref="HomeAssistantException"/> with
    /// Home Assistant's code and message.
    /// </summary>
    public async Task<JsonElement?> CallAsync<T>(int id, T command, JsonTypeInfo<T> info, CancellationToken ct)
    {
        using var limit = Limit(_time, _timeout, ct);
        await SendAsync(_socket, command, info, limit.Token);
        while (true)
        {
            var message = await ReceiveAsync(_socket, limit.Token);
            if (message.Type != "result" || message.Id != id)
            {
                continue;
            }

            if (message.Success == true)
            {
                return message.Result;
            }

            throw new HomeAssistantException(message.Error?.Message ?? "no message", message.Error?.Code ?? "unknown_error");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", limit.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                // Going anyway.
            }
        }

        _socket.Dispose();
    }

    /// <summary>Whether a Home Assistant version text (<c>2025.11.0</c>, <c>2026.1.0b1</c>, <c>2025.12.0.dev0</c>) is at least year.month.</summary>
    public static bool VersionAtLeast(string version, int year, int month)
    {
        var parts = version.Split('.');
        return parts.Length >= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            && int.TryParse(new string([.. parts[1].TakeWhile(char.IsAsciiDigit)]), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && (y > year || (y == year && m >= month));
    }

    private static Deadline Limit(TimeProvider time, TimeSpan timeout, CancellationToken ct) => new(time, timeout, ct);

    /// <summary>A token cancelled by the caller or after the time-out on the injected clock, whichever comes first.</summary>
    private sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public Deadline(TimeProvider time, TimeSpan timeout, CancellationToken ct)
        {
            _timer = new CancellationTokenSource(timeout, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _timer.Token);
        }

        public CancellationToken Token => _linked.Token;

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }

    private static async Task SendAsync<T>(WebSocket socket, T message, JsonTypeInfo<T> info, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, info);
        await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct);
    }

    private static async Task<IncomingMessage> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var received = await socket.ReceiveAsync(memory, ct);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "Home Assistant closed the connection");
            }

            buffer.Advance(received.Count);
            if (received.EndOfMessage)
            {
                break;
            }
        }

        try
        {
            return JsonSerializer.Deserialize(buffer.WrittenSpan, HomeAssistantJsonContext.Default.IncomingMessage)
                ?? throw new HomeAssistantException("Home Assistant sent null");
        }
        catch (JsonException ex)
        {
            throw new HomeAssistantException($"Home Assistant sent a message that is not JSON ({ex.Message})");
        }
    }
}
