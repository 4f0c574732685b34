using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MqttBridge.Configuration;
using MqttBridge.Mqtt;
using MQTTnet;
using MQTTnet.Formatter;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.Mqtt;

public sealed class EmbeddedBrokerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }
    }

    [Fact]
    public async Task Mosquitto_sub_with_empty_client_id_receives_a_retained_message()
    {
        var broker = await StartBrokerAsync(new EmbeddedBrokerOptions { Port = 0 });
        var publisher = await TestSubscriber.ConnectAsync("127.0.0.1", broker.Port, "unused/#");
        _cleanup.Add(publisher);
        await publisher.PublishAsync("mqttbridge/home/grid_price", "0.3508", retain: true);

        // mosquitto_sub 2.x speaks MQTT 3.1.1 and sends an empty client id unless -i is given.
        var (exitCode, stdout, stderr) = await RunAsync(
            MosquittoBroker.FindExecutable("mosquitto_sub"),
            "-h", "127.0.0.1", "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-V", "mqttv311", "-t", "#", "-v", "-C", "1", "-W", "5");

        Assert.True(exitCode == 0, $"mosquitto_sub exited with {exitCode}: {stderr}");
        Assert.Equal("mqttbridge/home/grid_price 0.3508", stdout.Trim());
    }

    [Fact]
    public async Task Broker_with_credentials_refuses_anonymous_and_accepts_the_configured_user()
    {
        var log = new TestLogger<EmbeddedBroker>(output);
        var broker = await StartBrokerAsync(new EmbeddedBrokerOptions { Port = 0, Username = "bridge", Password = "s3cret" }, log);

        using var anonymous = new MqttClientFactory().CreateMqttClient();
        var refused = await anonymous.ConnectAsync(ClientOptions(broker.Port).Build());
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        Assert.Contains(log.Lines, l => l.Contains("it sent no username or password, and embedded_broker sets them", StringComparison.Ordinal));

        using var wrong = new MqttClientFactory().CreateMqttClient();
        var wrongResult = await wrong.ConnectAsync(ClientOptions(broker.Port).WithCredentials("bridge", "guess").Build());
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, wrongResult.ResultCode);
        Assert.Contains(log.Lines, l => l.EndsWith(": bad username or password", StringComparison.Ordinal));

        using var user = new MqttClientFactory().CreateMqttClient();
        var accepted = await user.ConnectAsync(ClientOptions(broker.Port).WithCredentials("bridge", "s3cret").Build());
        Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);

        var (exitCode, _, stderr) = await RunAsync(
            MosquittoBroker.FindExecutable("mosquitto_sub"),
            "-h", "127.0.0.1", "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", "#", "-C", "1", "-W", "3");
        Assert.NotEqual(0, exitCode);
        output.WriteLine($"anonymous mosquitto_sub: {stderr}");
    }

    [Fact]
    public async Task Busy_port_fails_start_with_one_clear_message()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var broker = new EmbeddedBroker(new EmbeddedBrokerOptions { Port = port }, new TestLogger<EmbeddedBroker>(output));
            _cleanup.Add(broker);

            var error = await Assert.ThrowsAsync<BrokerStartException>(() => broker.StartAsync(CancellationToken.None));

            Assert.Equal(
                $"embedded broker could not listen on 127.0.0.1:{port} (address in use); set embedded_broker.port or point mqtt.host at your own broker",
                error.Message);
            Assert.False(broker.IsRunning);
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public async Task Loopback_bind_listens_on_that_address_only_and_logs_it()
    {
        var logger = new TestLogger<EmbeddedBroker>(output);
        var broker = await StartBrokerAsync(new EmbeddedBrokerOptions { Port = 0 }, logger);

        Assert.NotEqual(0, broker.Port);
        Assert.Contains(logger.Lines, l => l.Contains($"listening on 127.0.0.1:{broker.Port}", StringComparison.Ordinal));

        // MQTTnet would also listen on [::] by default; a 127.0.0.1 bind must not.
        using var ipv6 = new TcpClient(AddressFamily.InterNetworkV6);
        await Assert.ThrowsAnyAsync<SocketException>(() => ipv6.ConnectAsync(IPAddress.IPv6Loopback, broker.Port));
    }

    [Fact]
    public async Task Addon_bind_to_every_address_serves_loopback_and_logs_the_host_name()
    {
        var logger = new TestLogger<EmbeddedBroker>(output);
        var broker = await StartBrokerAsync(new EmbeddedBrokerOptions { Bind = "0.0.0.0", Port = 0 }, logger);

        await using var client = await TestSubscriber.ConnectAsync("127.0.0.1", broker.Port);
        Assert.Contains(logger.Lines, l => l.Contains($"listening on 0.0.0.0:{broker.Port}; clients reach it as {Dns.GetHostName()}:{broker.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connection_uses_the_embedded_broker_and_the_port_it_was_given()
    {
        var embedded = new EmbeddedBrokerOptions { Port = 0, Username = "bridge", Password = "s3cret" };
        var broker = await StartBrokerAsync(embedded);
        var connection = await StartConnectionAsync(new MqttOptions(), embedded, broker);
        connection.Publish("mqttbridge/home/grid_price", "0.3508");

        await using var user = await TestSubscriber.ConnectAsync("127.0.0.1", broker.Port, "mqttbridge/#", "bridge", "s3cret");
        await user.WaitUntilAsync(() => user.Latest("mqttbridge/status") == "online" && user.Latest("mqttbridge/home/grid_price") == "0.3508", "online and the state");
        Assert.Equal($"127.0.0.1:{broker.Port}", connection.BrokerEndpoint);
    }

    [Fact]
    public async Task Wrong_password_is_one_log_line_saying_bad_username_or_password()
    {
        var broker = await StartBrokerAsync(new EmbeddedBrokerOptions { Port = 0, Username = "bridge", Password = "s3cret" });
        var logger = new TestLogger<MqttConnection>(output);
        var options = new MqttOptions { Host = "127.0.0.1", Port = broker.Port, Username = "bridge", Password = "wrong-password" };
        var connection = await StartConnectionAsync(options, new EmbeddedBrokerOptions(), null, logger);

        var expected = $"MQTT broker 127.0.0.1:{broker.Port} refused the username or password; check mqtt.username and mqtt.password; next attempt in ";
        var started = TimeProvider.System.GetTimestamp();
        while (!logger.Lines.Any(l => l.Contains(expected, StringComparison.Ordinal)))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15), "no log line about the bad password");
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }

        Assert.False(connection.IsConnected);
        Assert.DoesNotContain(logger.Lines, l => l.Contains("wrong-password", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
    }

    private async Task<MqttConnection> StartConnectionAsync(MqttOptions options, EmbeddedBrokerOptions embedded, EmbeddedBroker? broker, TestLogger<MqttConnection>? logger = null)
    {
        var connection = new MqttConnection(options, embedded, TimeProvider.System, logger ?? new TestLogger<MqttConnection>(output), broker, new Random(7));
        _cleanup.Add(new ConnectionStopper(connection));
        await connection.StartAsync(CancellationToken.None);
        return connection;
    }

    private sealed class ConnectionStopper(MqttConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await connection.StopAsync(deadline.Token);
            connection.Dispose();
        }
    }

    private async Task<EmbeddedBroker> StartBrokerAsync(EmbeddedBrokerOptions options, TestLogger<EmbeddedBroker>? logger = null)
    {
        var broker = new EmbeddedBroker(options, logger ?? new TestLogger<EmbeddedBroker>(output));
        _cleanup.Add(broker);
        await broker.StartAsync(CancellationToken.None);
        return broker;
    }

    private static MqttClientOptionsBuilder ClientOptions(int port) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", port)
        .WithProtocolVersion(MqttProtocolVersion.V311)
        .WithClientId("test-" + Guid.NewGuid().ToString("N"));

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
