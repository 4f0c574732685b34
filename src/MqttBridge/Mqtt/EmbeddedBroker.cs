using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace MqttBridge.Mqtt;

/// <summary>
/// The MQTT broker MqttBridge brings along when <c>mqtt.host</c> is empty (MQTTnet.Server). An
/// <see cref="IHostedService"/> rather than a BackgroundService so the host awaits the bind: a busy port stops
/// start-up with one clear <see cref="BrokerStartException"/>. Register it before <see cref="MqttConnection"/>.
/// </summary>
internal sealed class EmbeddedBroker : IHostedService, IAsyncDisposable
{
    private readonly EmbeddedBrokerOptions _options;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly byte[]? _usernameHash;
    private readonly byte[]? _passwordHash;
    private MqttServer? _server;

    public EmbeddedBroker(EmbeddedBrokerOptions options, ILogger<EmbeddedBroker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _logger = logger;

        // Only hashes are kept: equal-length inputs for FixedTimeEquals, and no password lying around in memory.
        if (!string.IsNullOrEmpty(options.Username) || !string.IsNullOrEmpty(options.Password))
        {
            _usernameHash = Hash(options.Username);
            _passwordHash = Hash(options.Password);
        }

        if (!IPAddress.TryParse(options.Bind, out var address))
        {
            throw new BrokerStartException($"embedded_broker.bind '{options.Bind}' is not an IP address; use 127.0.0.1, 0.0.0.0 or another address of this machine");
        }

        Address = address;
        Port = options.Port;
    }

    /// <summary>The configured bind address.</summary>
    public IPAddress Address { get; }

    /// <summary>The port clients reach; after a start with port 0 it is the one the OS chose.</summary>
    public int Port { get; private set; }

    /// <summary>True once <see cref="StartAsync"/> has bound the port, until stop.</summary>
    public bool IsRunning => _server?.IsStarted == true;

    /// <summary>The address a local client should use: the bind address, or loopback when bound to every address.</summary>
    public IPAddress ClientAddress => Address.Equals(IPAddress.Any) ? IPAddress.Loopback
        : Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
        : Address;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("The embedded broker is already started.");
        }

        // MQTTnet listens on IPv4 and IPv6 "any" by default. Bind exactly what the user configured: a wildcard
        // (0.0.0.0 or ::) means every address of both families, a specific address only that one.
        var wildcard = Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);
        var ipv4 = wildcard ? IPAddress.Any : Address.AddressFamily == AddressFamily.InterNetwork ? Address : IPAddress.None;
        // A wildcard also covers IPv6 where the kernel has it; a container without IPv6 must still start.
        var ipv6 = wildcard ? (Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.None)
            : Address.AddressFamily == AddressFamily.InterNetworkV6 ? Address : IPAddress.None;

        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(ipv4)
            .WithDefaultEndpointBoundIPV6Address(ipv6)
            .WithDefaultEndpointPort(_options.Port)
            .Build();

        var factory = new MqttServerFactory();
        var server = factory.CreateMqttServer(serverOptions, [new EmptyClientIdServerAdapter()], new MqttNetLogger(_logger));
        server.ValidatingConnectionAsync += ValidateConnectionAsync;

        var endpoint = new IPEndPoint(Address, _options.Port);
        try
        {
            await server.StartAsync();
        }
        catch (SocketException ex)
        {
            await StopQuietlyAsync(server);
            var reason = ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "address in use",
                SocketError.AddressNotAvailable => "address not on this machine",
                SocketError.AccessDenied => "permission denied",
                _ => ex.Message,
            };
            throw new BrokerStartException(
                $"embedded broker could not listen on {endpoint} ({reason}); set embedded_broker.port or point mqtt.host at your own broker", ex);
        }

        _server = server;
        Port = serverOptions.DefaultEndpointOptions.Port;
        endpoint.Port = Port;
        if (wildcard)
        {
            // In add-on mode other containers reach us by this host name, so say it.
            _logger.LogInformation("Embedded MQTT broker listening on {Endpoint}; clients reach it as {Host}:{Port}", endpoint, Dns.GetHostName(), Port);
        }
        else
        {
            _logger.LogInformation("Embedded MQTT broker listening on {Endpoint}", endpoint);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var server = Interlocked.Exchange(ref _server, null);
        if (server is not null)
        {
            await StopQuietlyAsync(server);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (_usernameHash is null || _passwordHash is null)
        {
            return Task.CompletedTask;
        }

        // Both comparisons always run, so timing does not tell which one failed.
        var userOk = CryptographicOperations.FixedTimeEquals(Hash(e.UserName), _usernameHash);
        var passwordOk = CryptographicOperations.FixedTimeEquals(SHA256.HashData(e.RawPassword ?? []), _passwordHash);
        if (!(userOk & passwordOk))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            if (string.IsNullOrEmpty(e.UserName) && e.RawPassword is not { Length: > 0 })
            {
                // Home Assistant's MQTT integration set up without credentials looks like this: say what is missing.
                _logger.LogWarning("Embedded broker refused client '{ClientId}' from {Remote}: it sent no username or password, and embedded_broker sets them; give that client the embedded_broker username and password", e.ClientId, e.RemoteEndPoint);
            }
            else
            {
                _logger.LogWarning("Embedded broker refused client '{ClientId}' from {Remote}: bad username or password", e.ClientId, e.RemoteEndPoint);
            }
        }

        return Task.CompletedTask;
    }

    private static byte[] Hash(string? text) => SHA256.HashData(Encoding.UTF8.GetBytes(text ?? string.Empty));

    private async Task StopQuietlyAsync(MqttServer server)
    {
        try
        {
            await server.StopAsync();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            _logger.LogDebug("Embedded broker stop: {Reason}", ex.Message);
        }
        finally
        {
            server.Dispose();
        }
    }
}
