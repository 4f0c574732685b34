using System.Net.Sockets;
using System.Security.Authentication;
using MqttBridge.Mqtt;
using MQTTnet;

namespace MqttBridge.Tests.Mqtt;

/// <summary>One line per connect fault, naming the key to check; addon/DOCS.md quotes each of them as printed.</summary>
public sealed class BrokerFaultTests
{
    private static readonly BrokerFault.Target Mosquitto = new("core-mosquitto:1883", Embedded: false, SentLogin: true, OwnLogin: false, ClientId: "mqttbridge");

    public static TheoryData<string, string> Messages => new()
    {
        { "unreachable", BrokerFault.ConnectFailed(new SocketException((int)SocketError.ConnectionRefused), Mosquitto) },
        { "credentials", BrokerFault.ConnectFailed(new BrokerRefusedException(MqttClientConnectResultCode.BadUserNameOrPassword), Mosquitto) },
        { "not authorized", BrokerFault.ConnectFailed(new BrokerRefusedException(MqttClientConnectResultCode.NotAuthorized), Mosquitto) },
        { "anonymous", BrokerFault.ConnectFailed(new BrokerRefusedException(MqttClientConnectResultCode.NotAuthorized), Mosquitto with { SentLogin = false }) },
        { "client id", BrokerFault.ConnectFailed(new BrokerRefusedException(MqttClientConnectResultCode.ClientIdentifierNotValid), Mosquitto) },
        { "certificate", BrokerFault.ConnectFailed(new TlsCertificateException("broker certificate not trusted (UntrustedRoot); check mqtt.tls.ca_file", new IOException()), Mosquitto) },
        { "tls on a plain port", BrokerFault.ConnectFailed(new SocketException((int)SocketError.ConnectionReset), Mosquitto with { Tls = true }) },
        { "plain on a tls port", BrokerFault.ConnectFailed(new MQTTnet.Exceptions.MqttCommunicationException("Connection closed."), Mosquitto) },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Each_fault_is_quoted_in_the_add_on_troubleshooting_as_printed(string fault, string message)
    {
        var docs = File.ReadAllText(RepoPaths.File("addon/DOCS.md"));

        Assert.True(docs.Contains($"`{message}`", StringComparison.Ordinal), $"{fault}: addon/DOCS.md does not quote `{message}`");
    }

    [Fact]
    public void Each_fault_names_its_own_keys()
    {
        Assert.Equal(
            [
                "MQTT broker core-mosquitto:1883 not reachable (connection refused); check mqtt.host and mqtt.port",
                "MQTT broker core-mosquitto:1883 refused the username or password; check mqtt.username and mqtt.password",
                "MQTT broker core-mosquitto:1883 refused the login (not authorized); check mqtt.username and mqtt.password and that the broker lets this user connect",
                "MQTT broker core-mosquitto:1883 refused an anonymous login (not authorized); set mqtt.username and mqtt.password",
                "MQTT broker core-mosquitto:1883 refused the client id 'mqttbridge'; check mqtt.client_id",
                "TLS handshake with MQTT broker core-mosquitto:1883 failed: broker certificate not trusted (UntrustedRoot); check mqtt.tls.ca_file",
                "MQTT broker core-mosquitto:1883 closed the connection during the TLS handshake; check mqtt.tls.enabled and mqtt.port (this port may not speak TLS)",
                "MQTT broker core-mosquitto:1883 closed the connection before answering; check mqtt.port and mqtt.tls.enabled (a TLS port, often 8883, needs mqtt.tls.enabled: true)",
            ],
            Messages.Select(row => (string)row[1]));
    }

    [Fact]
    public void The_embedded_broker_names_its_own_keys_and_a_plain_port_under_tls_says_so()
    {
        var embedded = new BrokerFault.Target("127.0.0.1:1883", Embedded: true, SentLogin: true, OwnLogin: true, ClientId: "mqttbridge");
        Assert.Equal(
            "MQTT broker 127.0.0.1:1883 refused the username or password; check embedded_broker.username and embedded_broker.password",
            BrokerFault.ConnectFailed(new BrokerRefusedException(MqttClientConnectResultCode.BadUserNameOrPassword), embedded));

        var handshake = BrokerFault.ConnectFailed(new AuthenticationException("Cannot determine the frame size or a corrupted frame was received."), Mosquitto);
        Assert.Equal("TLS handshake with MQTT broker core-mosquitto:1883 failed (Cannot determine the frame size or a corrupted frame was received.); check mqtt.tls.enabled and mqtt.port (the broker's TLS port, often 8883)", handshake);
    }

    [Fact]
    public void Mqttnets_own_refusal_is_understood_too()
    {
        var refused = new MQTTnet.Adapter.MqttConnectingFailedException("Connecting with MQTT server failed (NotAuthorized).", null);

        Assert.StartsWith("MQTT broker core-mosquitto:1883 refused the login (not authorized)", BrokerFault.ConnectFailed(refused, Mosquitto), StringComparison.Ordinal);
    }
}
