using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Server;
using MQTTnet.Server.Internal.Adapter;

namespace MqttBridge.Mqtt;

/// <summary>
/// MQTTnet's TCP listener, with one fix on the way in: an MQTT 3.1.1 CONNECT with an empty client id and a clean
/// session (what <c>mosquitto_sub</c> and <c>mosquitto_pub</c> send) gets a generated id, as mosquitto does and as
/// MQTT-3.1.3-6 allows. MQTTnet.Server 5.2 only assigns ids to MQTT 5 clients
/// (<see cref="ValidatingConnectionEventArgs.AssignedClientIdentifier"/> is ignored for 3.1.1) and refuses the
/// rest with "identifier rejected" before any event can change the id, so the packet is fixed where it is read:
/// a server adapter is MQTTnet's public extension point for that.
/// </summary>
internal sealed class EmptyClientIdServerAdapter : IMqttServerAdapter
{
    private readonly MqttTcpServerAdapter _inner = new();

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _inner.ClientHandler = OnClientAcceptedAsync;
        return _inner.StartAsync(options, logger);
    }

    public Task StopAsync() => _inner.StopAsync();

    public void Dispose() => _inner.Dispose();

    private Task OnClientAcceptedAsync(IMqttChannelAdapter channel)
    {
        // Read the handler per client: the server clears it while stopping.
        var handler = ClientHandler;
        return handler is null ? Task.CompletedTask : handler(new ClientIdAssigningChannel(channel));
    }

    /// <summary>Passes everything through; only the first packet (the CONNECT) may get a client id.</summary>
    private sealed class ClientIdAssigningChannel(IMqttChannelAdapter inner) : IMqttChannelAdapter
    {
        private bool _connectSeen;

        public long BytesReceived => inner.BytesReceived;

        public long BytesSent => inner.BytesSent;

        public X509Certificate2 ClientCertificate => inner.ClientCertificate;

        public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

        public EndPoint LocalEndPoint => inner.LocalEndPoint;

        public bool IsSecureConnection => inner.IsSecureConnection;

        public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

        public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

        public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

        public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
        {
            var packet = await inner.ReceivePacketAsync(cancellationToken);
            if (!_connectSeen)
            {
                _connectSeen = true;

                // A 3.1.1 client asking for a persistent session must bring its own id (MQTT-3.1.3-8): leave
                // that one to the server's refusal.
                if (packet is MqttConnectPacket { CleanSession: true } connect
                    && string.IsNullOrEmpty(connect.ClientId)
                    && inner.PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V311)
                {
                    connect.ClientId = "auto-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
                }
            }

            return packet;
        }

        public void ResetStatistics() => inner.ResetStatistics();

        public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) => inner.SendPacketAsync(packet, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
