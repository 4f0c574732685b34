using System.Collections.Concurrent;
using System.Net;
using System.Text;
using MqttBridge.IntegrationTests.Mqtt;

namespace MqttBridge.IntegrationTests.Support;

/// <summary>A request the fake API received, as the API owner would see it.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;

    public string? QueryValue(string name) =>
        Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => Uri.UnescapeDataString(p[0]).Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty)
            .FirstOrDefault();
}

/// <summary>What the fake API answers.</summary>
internal sealed record FakeResponse(int Status, byte[] Body, string ContentType = "application/json; charset=utf-8")
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static FakeResponse Json(string json, int status = 200) => new(status, Encoding.UTF8.GetBytes(json));

    public static FakeResponse Plain(int status, string body = "") => new(status, Encoding.UTF8.GetBytes(body), "text/plain; charset=utf-8");
}

/// <summary>
/// An API on 127.0.0.1 and a free port that records every request and answers with <see cref="Handler"/>.
/// Base URL in <see cref="BaseUrl"/>; stopped on dispose.
/// </summary>
internal sealed class FakeApiServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly Task _loop;

    public FakeApiServer(Func<ReceivedRequest, FakeResponse> handler)
    {
        Handler = handler;
        for (var attempt = 0; ; attempt++)
        {
            Port = TestPorts.GetFree();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The free port was taken in between: pick another.
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public Func<ReceivedRequest, FakeResponse> Handler { get; set; }

    public int Port { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener.
        }
    }

    /// <summary>Waits (real time, generous deadline) until <paramref name="count"/> requests have arrived.</summary>
    public async Task WaitForRequestsAsync(int count, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (_requests.Count < count && Environment.TickCount64 < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!.ToLowerInvariant(), k => context.Request.Headers[k] ?? string.Empty);
            var request = new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Url.Query, headers, body);
            _requests.Enqueue(request);

            FakeResponse response;
            try
            {
                response = Handler(request);
            }
            catch (Exception ex)
            {
                response = FakeResponse.Plain(599, "fake server handler failed: " + ex.Message);
            }

            try
            {
                context.Response.StatusCode = response.Status;
                context.Response.ContentType = response.ContentType;
                foreach (var (name, value) in response.Headers)
                {
                    context.Response.Headers[name] = value;
                }

                await context.Response.OutputStream.WriteAsync(response.Body);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away (its timeout, a cancelled start): the next request must still be served.
                context.Response.Abort();
            }
        }
    }
}
