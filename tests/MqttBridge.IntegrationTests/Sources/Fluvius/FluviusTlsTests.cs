using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.Sources;
using MqttBridge.Sources.Fluvius;
using static MqttBridge.TestSupport.FluviusAnswers;

namespace MqttBridge.IntegrationTests.Fluvius;

/// <summary>
/// A real TLS handshake with a fake Fluvius on 127.0.0.1 that, like Fluvius, requires a client certificate: the bridge
/// presents the one its config names (PEM pair or PKCS #12), and the fake's certificate (from a CA made for the test)
/// is trusted only where the test says so.
/// </summary>
public sealed class FluviusTlsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mqttbridge-fluvius-tls-");
    private readonly X509Certificate2 _ca = TestCertificates.Ca("Fake Fluvius test CA");

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Delete(recursive: true);
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("pfx")]
    public async Task The_configured_client_certificate_is_presented_in_the_tls_handshake(string form)
    {
        var (client, clientKey) = TestCertificates.Client(_ca, "esco.example");
        using var _ = client;
        using var __ = clientKey;
        var certificateKeys = form == "pem"
            ? $"client_cert_file: {Write("esco.crt", client.ExportCertificatePem())}\n      client_key_file: {Write("esco.key", clientKey.ExportPkcs8PrivateKeyPem())}"
            : $"client_pfx_file: {WriteBytes("esco.pfx", client.CopyWithPrivateKey(clientKey).Export(X509ContentType.Pfx, "pfx-Pass"))}\n      client_pfx_password: pfx-Pass";
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var tokens = new FakeFluvius(time.GetUtcNow);
        using var fluvius = new TlsFakeFluvius(_ca);

        using var bridge = new FluviusClient(Options(fluvius.BaseUrl, tokens.TokenUrl, certificateKeys), time, NullLoggerFactory.Instance, [_ca]);
        var (mandates, _) = await bridge.MandatesAsync(Reference, CancellationToken.None);

        Assert.Equal("approved", Assert.Single(mandates).Status);
        var seen = Assert.Single(fluvius.Requests);
        Assert.Equal(client.Thumbprint, seen.ClientCertificate);
        Assert.Equal($"GET /esco/v3/api/Mandate?ReferenceNumber={Reference} HTTP/1.1", seen.RequestLine);
    }

    [Fact]
    public async Task Without_the_tests_trust_the_fake_servers_certificate_is_refused_and_nothing_is_sent()
    {
        var (client, clientKey) = TestCertificates.Client(_ca, "esco.example");
        using var _ = client;
        using var __ = clientKey;
        var keys = $"client_cert_file: {Write("esco.crt", client.ExportCertificatePem())}\n      client_key_file: {Write("esco.key", clientKey.ExportPkcs8PrivateKeyPem())}";
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var tokens = new FakeFluvius(time.GetUtcNow);
        using var fluvius = new TlsFakeFluvius(_ca);

        // The client as production builds it: the system's CAs only.
        using var bridge = new FluviusClient(Options(fluvius.BaseUrl, tokens.TokenUrl, keys), time, NullLoggerFactory.Instance);
        var call = bridge.MandatesAsync(Reference, CancellationToken.None);
        while (!call.IsCompleted)
        {
            // The client's backoff between attempts runs on the fake clock: small steps, so a handshake slowed by a
            // busy machine is never overtaken by the request timeout (30 s) on the same clock.
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System));
        }

        var fault = await Assert.ThrowsAsync<SourceException>(() => call);
        Assert.Contains("TLS handshake failed", fault.Message, StringComparison.Ordinal);
        Assert.Empty(fluvius.Requests);
    }

    private FluviusOptions Options(string baseUrl, string tokenUrl, string certificateKeys)
    {
        var yaml = $"""
            data_dir: {_dir.FullName}
            sites:
              - id: thuis
                name: Thuis
                meter:
            {FakeFluvius.MeterKeys(baseUrl, tokenUrl, Reference)}
                  {certificateKeys}
            """;
        var result = ConfigLoader.Parse(yaml, "test.yaml", new Dictionary<string, string?>());
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return (FluviusOptions)result.Options!.Sites[0].Meter!;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>
    /// The Fluvius API over HTTPS on 127.0.0.1 (SslStream over a TcpListener): a server certificate signed by the test's
    /// CA, a client certificate required (a connection without one is closed), one mandate list for every GET.
    /// </summary>
    private sealed class TlsFakeFluvius : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly X509Certificate2 _server;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly List<Seen> _requests = [];

        public TlsFakeFluvius(X509Certificate2 ca)
        {
            var (certificate, key) = TestCertificates.Server(ca);
            using (certificate)
            using (key)
            {
                // A PKCS #12 round trip gives SslStream a certificate whose key it can use on every platform.
                _server = X509CertificateLoader.LoadPkcs12(certificate.CopyWithPrivateKey(key).Export(X509ContentType.Pfx), null);
            }

            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public string BaseUrl => $"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/esco";

        public IReadOnlyList<Seen> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _loop.Wait(TimeSpan.FromSeconds(5));
            _server.Dispose();
            _stop.Dispose();
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient tcp;
                try
                {
                    tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(tcp));
            }
        }

        private async Task ServeAsync(TcpClient tcp)
        {
            using var _ = tcp;
            try
            {
                await using var tls = new SslStream(tcp.GetStream());
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _server,
                        ClientCertificateRequired = true,
                        // Fluvius checks the certificate against its allow-list; the fake records it for the test to check.
                        RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
                    },
                    _stop.Token);
                var presented = tls.RemoteCertificate is { } remote ? X509CertificateLoader.LoadCertificate(remote.GetRawCertData()).Thumbprint : null;
                var head = await ReadHeadAsync(tls);
                if (head.Length == 0)
                {
                    // TLS 1.3: the server's side can finish before the client refuses its certificate; no request came.
                    return;
                }

                lock (_requests)
                {
                    _requests.Add(new Seen(presented, head.Split("\r\n")[0]));
                }

                var body = Encoding.UTF8.GetBytes(Mandates([new("Approved")]));
                var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await tls.WriteAsync(answer, _stop.Token);
                await tls.WriteAsync(body, _stop.Token);
                await tls.FlushAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                // A refused handshake (the client does not trust us, or sent no certificate): nothing was received.
            }
        }

        private async Task<string> ReadHeadAsync(SslStream tls)
        {
            var head = new StringBuilder();
            var buffer = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await tls.ReadAsync(buffer, _stop.Token) == 1)
            {
                head.Append((char)buffer[0]);
            }

            return head.ToString();
        }
    }

    /// <summary>What the fake saw of one request: the client certificate's thumbprint (null: none) and the request line.</summary>
    private sealed record Seen(string? ClientCertificate, string RequestLine);
}
