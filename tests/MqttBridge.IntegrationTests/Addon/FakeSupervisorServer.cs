using System.Collections.Concurrent;
using System.Net;
using System.Text;
using MqttBridge.IntegrationTests.Mqtt;

namespace MqttBridge.IntegrationTests.Addon;

/// <summary>
/// The Home Assistant Supervisor's <c>/services/mqtt</c> on 127.0.0.1 and a free port, for the real bridge process:
/// answers with a status and body, and records the path and Authorization header of every request.
/// </summary>
internal sealed class FakeSupervisorServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpStatusCode _status;
    private readonly string _body;
    private readonly Task _loop;

    private FakeSupervisorServer(HttpStatusCode status, string body)
    {
        _status = status;
        _body = body;
        var port = TestPorts.GetFree();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<(string Path, string? Authorization)> Requests { get; } = new();

    /// <summary>The Mosquitto add-on's answer for a broker on 127.0.0.1; the port as the string the Supervisor stores.</summary>
    public static FakeSupervisorServer WithBroker(int port) => new(
        HttpStatusCode.OK,
        $$$"""{"result":"ok","data":{"addon":"core_mosquitto","host":"127.0.0.1","port":"{{{port}}}","ssl":false,"protocol":"3.1.1","username":"addons","password":"pw"}}""");

    public static FakeSupervisorServer WithoutMqtt() => new(HttpStatusCode.BadRequest, """{"result":"error","message":"No service 'mqtt' available","data":{}}""");

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
            // The loop ends with the listener's disposal.
        }
    }

    private async Task ServeAsync()
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

            Requests.Enqueue((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"]));
            var bytes = Encoding.UTF8.GetBytes(_body);
            context.Response.StatusCode = (int)_status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
