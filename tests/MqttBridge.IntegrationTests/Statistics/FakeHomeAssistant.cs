using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MqttBridge.IntegrationTests.Mqtt;

namespace MqttBridge.IntegrationTests.Statistics;

/// <summary>One hourly row Home Assistant stored: start (UTC), state and sum as floats, as its recorder keeps them.</summary>
internal sealed record StoredStatistic(DateTimeOffset Start, double State, double Sum);

/// <summary>
/// Home Assistant's WebSocket API on 127.0.0.1 (<c>/api/websocket</c>), as far as the statistics import uses it, with
/// Home Assistant's own checks: the auth handshake, increasing ids, <c>recorder/import_statistics</c> for admins only,
/// its metadata schema by version (<c>has_mean</c> before 2025.11; <c>mean_type</c> and <c>unit_class</c> from it, which
/// the older schema refuses as extra keys), an external statistic id <c>domain:object_id</c> with source = domain,
/// starts at the top of an hour with an offset. Stores rows by (statistic id, start) like the recorder (upsert), records
/// every import, and answers <c>recorder/statistics_during_period</c> from what it stored. <see cref="Stop"/> and
/// <see cref="Start"/> act as a Home Assistant restart: the database stays.
/// </summary>
internal sealed partial class FakeHomeAssistant : IDisposable
{
    private readonly ConcurrentDictionary<string, SortedDictionary<DateTimeOffset, StoredStatistic>> _stored = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonObject> _imports = new();
    private readonly ConcurrentQueue<string> _commands = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<(string Path, string? Authorization)> _http = new();
    private readonly ConcurrentQueue<string?> _authTypes = new();
    private readonly Lock _lock = new();
    private HttpListener? _listener;
    private CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <param name="supervisor">
    /// Home Assistant behind the Supervisor, as an add-on sees it (supervisor/api/proxy.py): the socket is
    /// <c>/core/websocket</c>, <paramref name="token"/> is the add-on's <c>SUPERVISOR_TOKEN</c>, taken from the auth
    /// message's <c>access_token</c> (or <c>api_password</c>) and refused with <c>auth_invalid</c> "Invalid access"; and
    /// <c>GET /services/mqtt</c> with that token as Bearer answers the Supervisor's "No service 'mqtt' available" (400).
    /// </param>
    public FakeHomeAssistant(string version = "2025.11.2", string token = "ha-token", bool admin = true, bool supervisor = false)
    {
        Version = version;
        Token = token;
        Admin = admin;
        Supervisor = supervisor;
        Port = TestPorts.GetFree();
        Start();
    }

    public string Version { get; set; }

    public string Token { get; }

    public bool Supervisor { get; }

    /// <summary>The WebSocket path: Home Assistant's own, or the Supervisor's proxy.</summary>
    public string SocketPath => Supervisor ? "/core/websocket" : "/api/websocket";

    /// <summary>Plain HTTP requests received (the Supervisor's REST API): path and Authorization header.</summary>
    public IReadOnlyList<(string Path, string? Authorization)> HttpRequests => [.. _http];

    /// <summary>Every auth message's <c>type</c>, in order (the Supervisor's proxy reads the token whatever it says).</summary>
    public IReadOnlyList<string?> AuthTypes => [.. _authTypes];

    public bool Admin { get; set; }

    public int Port { get; }

    /// <summary>The base URL a user would type: <c>http://127.0.0.1:port</c>.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Every accepted <c>recorder/import_statistics</c> message, in order.</summary>
    public IReadOnlyList<JsonObject> Imports => [.. _imports];

    /// <summary>The type of every command received, in order.</summary>
    public IReadOnlyList<string> Commands => [.. _commands];

    /// <summary>Every error sent back (code: message).</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>The metadata of the last import of each statistic.</summary>
    public ConcurrentDictionary<string, JsonObject> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The rows stored for <paramref name="statisticId"/>, by start.</summary>
    public IReadOnlyList<StoredStatistic> Rows(string statisticId)
    {
        lock (_lock)
        {
            return _stored.TryGetValue(statisticId, out var rows) ? [.. rows.Values] : [];
        }
    }

    public void Start()
    {
        _stop = new CancellationTokenSource();
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(() => LoopAsync(_listener, _stop.Token));
    }

    /// <summary>Home Assistant going down: the listener stops and every open connection is dropped.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _listener?.Abort();
        _listener = null;
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped.
        }
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private async Task LoopAsync(HttpListener listener, CancellationToken ct)
    {
        var connections = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            if (Supervisor && !context.Request.IsWebSocketRequest)
            {
                _http.Enqueue((context.Request.Url?.AbsolutePath ?? string.Empty, context.Request.Headers["Authorization"]));
                var ok = context.Request.Url?.AbsolutePath == "/services/mqtt" && context.Request.Headers["Authorization"] == "Bearer " + Token;
                context.Response.StatusCode = ok ? 400 : 401;
                var body = Encoding.UTF8.GetBytes(ok ? """{"result":"error","message":"No service 'mqtt' available","data":{}}""" : "401: Unauthorized");
                context.Response.ContentType = ok ? "application/json" : "text/plain";
                await context.Response.OutputStream.WriteAsync(body, ct);
                context.Response.Close();
                continue;
            }

            if (!context.Request.IsWebSocketRequest || context.Request.Url?.AbsolutePath != SocketPath)
            {
                context.Response.StatusCode = 404;
                context.Response.Close();
                continue;
            }

            var socket = (await context.AcceptWebSocketAsync(subProtocol: null)).WebSocket;
            connections.Add(Task.Run(() => ServeAsync(socket, ct), CancellationToken.None));
        }

        await Task.WhenAll(connections).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ServeAsync(WebSocket socket, CancellationToken ct)
    {
        using var _ = socket;
        try
        {
            await SendAsync(socket, new JsonObject { ["type"] = "auth_required", ["ha_version"] = Version }, ct);
            var auth = await ReceiveAsync(socket, ct);
            _authTypes.Enqueue(auth?["type"]?.GetValue<string>());
            var refused = Supervisor
                ? (auth?["api_password"]?.GetValue<string>() ?? auth?["access_token"]?.GetValue<string>()) != Token
                : auth?["type"]?.GetValue<string>() != "auth" || auth["access_token"]?.GetValue<string>() != Token;
            if (refused)
            {
                await SendAsync(socket, new JsonObject { ["type"] = "auth_invalid", ["message"] = Supervisor ? "Invalid access" : "Invalid access token or password" }, ct);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                return;
            }

            await SendAsync(socket, new JsonObject { ["type"] = "auth_ok", ["ha_version"] = Version }, ct);
            var lastId = 0;
            while (await ReceiveAsync(socket, ct) is { } message)
            {
                var id = message["id"]?.GetValue<int>() ?? 0;
                var type = message["type"]?.GetValue<string>() ?? string.Empty;
                _commands.Enqueue(type);
                if (id <= lastId)
                {
                    await ErrorAsync(socket, id, "id_reuse", "Identifier values have to increase.", ct);
                    continue;
                }

                lastId = id;
                var (code, text, result) = type switch
                {
                    "recorder/import_statistics" => Import(message),
                    "recorder/statistics_during_period" => During(message),
                    _ => ("unknown_command", "Unknown command.", null),
                };
                if (code is not null)
                {
                    await ErrorAsync(socket, id, code, text!, ct);
                }
                else
                {
                    await SendAsync(socket, new JsonObject { ["id"] = id, ["type"] = "result", ["success"] = true, ["result"] = result }, ct);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
            // Home Assistant stopped, or the client went away.
        }
    }

    private (string? Code, string? Message, JsonNode? Result) Import(JsonObject message)
    {
        if (!Admin)
        {
            return ("unauthorized", "Unauthorized", null);
        }

        if (message["metadata"] is not JsonObject metadata || message["stats"] is not JsonArray stats)
        {
            return ("invalid_format", "required key not provided @ data['metadata']", null);
        }

        var current = HomeAssistantVersion.AtLeast(Version, 2025, 11);
        string[] required = ["has_sum", "name", "source", "statistic_id", "unit_of_measurement"];
        string[] allowed = current ? [.. required, "has_mean", "mean_type", "unit_class"] : [.. required, "has_mean", "mean_type"];
        if (required.FirstOrDefault(k => !metadata.ContainsKey(k)) is { } missing)
        {
            return ("invalid_format", $"required key not provided @ data['metadata']['{missing}']", null);
        }

        if (metadata.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k)) is { } extra)
        {
            return ("invalid_format", $"extra keys not allowed @ data['metadata']['{extra}']", null);
        }

        if (current && (!metadata.ContainsKey("mean_type") || !metadata.ContainsKey("unit_class")))
        {
            // Home Assistant 2025.11 only warns; 2026.11 refuses. This fake is the strict one.
            return ("invalid_format", "mean_type and unit_class are required from 2025.11 on", null);
        }

        if (!current && !metadata.ContainsKey("has_mean"))
        {
            return ("invalid_format", "has_mean is required before 2025.11", null);
        }

        var statisticId = metadata["statistic_id"]!.GetValue<string>();
        if (!StatisticId().IsMatch(statisticId))
        {
            return ("home_assistant_error", "Invalid statistic_id", null);
        }

        if (metadata["source"]!.GetValue<string>() != statisticId.Split(':')[0])
        {
            return ("home_assistant_error", "Invalid source", null);
        }

        var rows = new List<StoredStatistic>();
        foreach (var stat in stats.OfType<JsonObject>())
        {
            var text = stat["start"]?.GetValue<string>() ?? string.Empty;
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start) || !HasOffset(text))
            {
                return ("home_assistant_error", "Naive timestamp", null);
            }

            if (start.Minute != 0 || start.Second != 0 || start.Millisecond != 0)
            {
                return ("home_assistant_error", "Invalid timestamp", null);
            }

            rows.Add(new StoredStatistic(start.ToUniversalTime(), stat["state"]!.GetValue<double>(), stat["sum"]!.GetValue<double>()));
        }

        lock (_lock)
        {
            var stored = _stored.GetOrAdd(statisticId, _ => []);
            foreach (var row in rows)
            {
                stored[row.Start] = row;
            }
        }

        Metadata[statisticId] = (JsonObject)metadata.DeepClone();
        _imports.Enqueue((JsonObject)message.DeepClone());
        return (null, null, null);
    }

    private (string? Code, string? Message, JsonNode? Result) During(JsonObject message)
    {
        var from = DateTimeOffset.Parse(message["start_time"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var result = new JsonObject();
        foreach (var id in message["statistic_ids"]!.AsArray().Select(i => i!.GetValue<string>()))
        {
            var rows = Rows(id).Where(r => r.Start >= from).ToList();
            if (rows.Count > 0)
            {
                result[id] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                {
                    ["start"] = r.Start.ToUnixTimeMilliseconds(),
                    ["end"] = r.Start.AddHours(1).ToUnixTimeMilliseconds(),
                    ["state"] = r.State,
                    ["sum"] = r.Sum,
                })]);
            }
        }

        return (null, null, result);
    }

    private static bool HasOffset(string text) => text.EndsWith('Z') || OffsetSuffix().IsMatch(text);

    private async Task ErrorAsync(WebSocket socket, int id, string code, string message, CancellationToken ct)
    {
        _errors.Enqueue($"{code}: {message}");
        await SendAsync(socket, new JsonObject { ["id"] = id, ["type"] = "result", ["success"] = false, ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, ct);
    }

    private static async Task SendAsync(WebSocket socket, JsonObject message, CancellationToken ct) =>
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, ct);

    private static async Task<JsonObject?> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(chunk, ct);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Write(chunk, 0, received.Count);
            if (received.EndOfMessage)
            {
                return JsonNode.Parse(buffer.ToArray()) as JsonObject;
            }
        }
    }

    // Home Assistant's valid_statistic_id: domain:object_id, lower-case letters, digits and '_', no leading, trailing or double '_'.
    [GeneratedRegex(@"^(?!.+__)(?!_)[\da-z_]+(?<!_):(?!_)[\da-z_]+(?<!_)$")]
    private static partial Regex StatisticId();

    [GeneratedRegex(@"[+-]\d\d:\d\d$")]
    private static partial Regex OffsetSuffix();
}

/// <summary>Home Assistant's version text compared by year and month, for the fake's schema.</summary>
internal static class HomeAssistantVersion
{
    public static bool AtLeast(string version, int year, int month)
    {
        var parts = version.Split('.');
        var y = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var m = int.Parse(new string([.. parts[1].TakeWhile(char.IsAsciiDigit)]), CultureInfo.InvariantCulture);
        return y > year || (y == year && m >= month);
    }
}
