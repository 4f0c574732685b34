using MqttBridge.Configuration;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace MqttBridge.Mqtt;

/// <summary>
/// The MQTTnet client options for one connect attempt: MQTT 3.1.1, clean session, the Last Will <c>offline</c>
/// (retained, QoS 1) on the status topic, credentials, and TLS (<see cref="BrokerTls"/>) for an external broker.
/// </summary>
internal static class BrokerClientOptions
{
    /// <summary>Bounds every broker operation: a QoS 1 publish on a dead connection otherwise waits for ever.</summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>The Last Will's payload, and what a clean stop publishes.</summary>
    public const string Offline = "offline";

    /// <param name="statusTopic"><c>&lt;base&gt;/status</c>, the Last Will's topic.</param>
    /// <param name="tlsCheck">Remembers why the broker's certificate was refused, for the log line.</param>
    public static MqttClientOptions Build(MqttOptions options, EmbeddedBrokerOptions embedded, string host, int port, string statusTopic, BrokerTls.Check tlsCheck)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(embedded);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(options.ClientId ?? ClientIdentity.New())
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession()
            .WithKeepAlivePeriod(KeepAlive)
            .WithTimeout(OperationTimeout)
            .WithWillTopic(statusTopic)
            .WithWillPayload(Offline)
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);

        var (username, password) = Credentials(options, embedded);
        if (!string.IsNullOrEmpty(username) || !string.IsNullOrEmpty(password))
        {
            builder.WithCredentials(username ?? string.Empty, password ?? string.Empty);
        }

        var tls = options.Tls;
        if (tls.Enabled && !options.UsesEmbeddedBroker)
        {
            builder.WithTlsOptions(o => BrokerTls.Configure(o, tls, host, tlsCheck));
        }

        return builder.Build();
    }

    /// <summary>
    /// The login the bridge sends: <c>mqtt.username</c>/<c>password</c>; for the embedded broker, its own
    /// <c>embedded_broker</c> credentials unless <c>mqtt.*</c> sets some. Secrets: never logged.
    /// </summary>
    public static (string? Username, string? Password) Credentials(MqttOptions options, EmbeddedBrokerOptions embedded)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(embedded);
        if (options.UsesEmbeddedBroker && string.IsNullOrEmpty(options.Username) && string.IsNullOrEmpty(options.Password))
        {
            return (embedded.Username, embedded.Password);
        }

        return (options.Username, options.Password);
    }
}
