using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MqttBridge.Configuration;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.Mqtt;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.Mqtt;

/// <summary>
/// <c>mqtt.tls</c> against mosquitto with a TLS listener whose certificate comes from a CA made for the test.
/// A second, plain listener lets the test subscriber watch what the bridge publishes.
/// </summary>
public sealed class MqttTlsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _cleanup = [];
    private MosquittoBroker _mosquitto = null!;
    private int _tlsPort;
    private string _caFile = null!;
    private string _otherCaFile = null!;

    public async Task InitializeAsync()
    {
        _tlsPort = TestPorts.GetFree();
        _mosquitto = await MosquittoBroker.StartAsync(directory =>
        {
            _caFile = Path.Combine(directory, "ca.pem");
            _otherCaFile = Path.Combine(directory, "other-ca.pem");
            WriteCertificates(directory);
            return $"""
                listener {_tlsPort.ToString(CultureInfo.InvariantCulture)} 127.0.0.1
                cafile {_caFile}
                certfile {Path.Combine(directory, "server.pem")}
                keyfile {Path.Combine(directory, "server-key.pem")}

                """;
        });
        await WaitForTlsListenerAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }

        _mosquitto.Dispose();
    }

    [Fact]
    public async Task Connects_over_tls_trusting_the_configured_ca()
    {
        await using var watcher = await TestSubscriber.ConnectAsync(MosquittoBroker.Host, _mosquitto.Port, "mqttbridge/#");
        await StartAsync(new TlsOptions { Enabled = true, CaFile = _caFile }, new TestLogger<MqttConnection>(output));

        await watcher.WaitForLatestAsync("mqttbridge/status", "online");
    }

    [Fact]
    public async Task Refuses_a_broker_certificate_from_another_ca_with_one_log_line()
    {
        var logger = new TestLogger<MqttConnection>(output);
        var connection = await StartAsync(new TlsOptions { Enabled = true, CaFile = _otherCaFile }, logger);

        var expected = $"TLS handshake with MQTT broker 127.0.0.1:{_tlsPort} failed: broker certificate not trusted (";
        var started = TimeProvider.System.GetTimestamp();
        while (!logger.Lines.Any(l => l.Contains(expected, StringComparison.Ordinal)))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15), "no log line about the TLS failure");
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }

        Assert.Contains(logger.Lines, l => l.Contains(expected, StringComparison.Ordinal) && l.Contains("); check mqtt.tls.ca_file; next attempt in ", StringComparison.Ordinal));
        Assert.Equal(0, connection.ConnectedCount);
        Assert.DoesNotContain(logger.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Insecure_accepts_any_broker_certificate()
    {
        await using var watcher = await TestSubscriber.ConnectAsync(MosquittoBroker.Host, _mosquitto.Port, "mqttbridge/#");
        await StartAsync(new TlsOptions { Enabled = true, CaFile = _otherCaFile, Insecure = true }, new TestLogger<MqttConnection>(output));

        await watcher.WaitForLatestAsync("mqttbridge/status", "online");
    }

    private async Task<MqttConnection> StartAsync(TlsOptions tls, TestLogger<MqttConnection> logger)
    {
        var options = new MqttOptions { Host = "127.0.0.1", Port = _tlsPort, Tls = tls, ClientId = "tls-" + Guid.NewGuid().ToString("N")[..8] };
        var connection = new MqttConnection(options, new EmbeddedBrokerOptions(), TimeProvider.System, logger, random: new Random(3));
        _cleanup.Add(new Stopper(connection));
        await connection.StartAsync(CancellationToken.None);
        return connection;
    }

    /// <summary>A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA.</summary>
    private static void WriteCertificates(string directory)
    {
        using var ca = TestCertificates.Ca("MqttBridge test CA");
        using var other = TestCertificates.Ca("Somebody else's CA");
        var (server, serverKey) = TestCertificates.Server(ca);
        using (server)
        using (serverKey)
        {
            File.WriteAllText(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory, "other-ca.pem"), other.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory, "server.pem"), server.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory, "server-key.pem"), serverKey.ExportPkcs8PrivateKeyPem());
        }
    }

    private async Task WaitForTlsListenerAsync()
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, _tlsPort);
                return;
            }
            catch (SocketException) when (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            }
        }
    }

    private sealed class Stopper(MqttConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await connection.StopAsync(deadline.Token);
            connection.Dispose();
        }
    }
}
