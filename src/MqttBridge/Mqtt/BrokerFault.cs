using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using MQTTnet;
using MQTTnet.Exceptions;

namespace MqttBridge.Mqtt;

/// <summary>
/// What a failed connect or a lost connection means, in one log line that names the configuration key to check.
/// The wording is quoted in addon/DOCS.md ("Troubleshooting"); a test keeps the two in step.
/// </summary>
internal static class BrokerFault
{
    /// <summary>The broker a message is about, and which keys configure it.</summary>
    /// <param name="Endpoint">host:port for the message.</param>
    /// <param name="Embedded">True for the bridge's own broker: its keys are <c>embedded_broker.*</c>.</param>
    /// <param name="SentLogin">True when a username or password was sent (else the login was anonymous).</param>
    /// <param name="OwnLogin">True when the login came from <c>embedded_broker.username</c>/<c>password</c>.</param>
    /// <param name="ClientId">The client id sent (not a secret).</param>
    /// <param name="Tls">True when the bridge spoke TLS (<c>mqtt.tls.enabled</c>).</param>
    internal sealed record Target(string Endpoint, bool Embedded, bool SentLogin, bool OwnLogin, string ClientId, bool Tls = false)
    {
        public string AddressKeys => Embedded ? "embedded_broker.bind and embedded_broker.port" : "mqtt.host and mqtt.port";

        public string LoginKeys => OwnLogin ? "embedded_broker.username and embedded_broker.password" : "mqtt.username and mqtt.password";
    }

    /// <summary>One sentence for a connect attempt that failed with <paramref name="exception"/>; never a stack trace.</summary>
    public static string ConnectFailed(Exception exception, Target target)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(target);
        var broker = $"MQTT broker {target.Endpoint}";
        if (RefusalOf(exception) is { } code)
        {
            return code switch
            {
                MqttClientConnectResultCode.BadUserNameOrPassword => $"{broker} refused the username or password; check {target.LoginKeys}",
                MqttClientConnectResultCode.NotAuthorized when !target.SentLogin =>
                    $"{broker} refused an anonymous login (not authorized); set {target.LoginKeys}",

                // MQTT 3.1.1 brokers (mosquitto) answer a wrong password this way too.
                MqttClientConnectResultCode.NotAuthorized => $"{broker} refused the login (not authorized); check {target.LoginKeys} and that the broker lets this user connect",
                MqttClientConnectResultCode.ClientIdentifierNotValid => $"{broker} refused the client id '{target.ClientId}'; check mqtt.client_id",
                MqttClientConnectResultCode.ServerUnavailable or MqttClientConnectResultCode.ServerBusy => $"{broker} is unavailable (it answered {code})",
                _ => $"{broker} refused the connection ({code})",
            };
        }

        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case TlsCertificateException certificate:
                    return $"TLS handshake with {broker} failed: {certificate.Message}";
                case AuthenticationException auth:
                    return $"TLS handshake with {broker} failed ({auth.Message}); check mqtt.tls.enabled and mqtt.port (the broker's TLS port, often 8883)";
                case FileNotFoundException or DirectoryNotFoundException or CryptographicException:
                    return $"TLS files for {broker} cannot be read ({ex.Message}); check mqtt.tls.ca_file, mqtt.tls.client_cert_file and mqtt.tls.client_key_file";
                case var closed when ClosedByBroker(closed) && !target.Embedded:
                    // Reached, then dropped before any answer: the two ends disagree on TLS far more often than not.
                    return target.Tls
                        ? $"{broker} closed the connection during the TLS handshake; check mqtt.tls.enabled and mqtt.port (this port may not speak TLS)"
                        : $"{broker} closed the connection before answering; check mqtt.port and mqtt.tls.enabled (a TLS port, often 8883, needs mqtt.tls.enabled: true)";
                case SocketException or TimeoutException:
                    return $"{broker} not reachable ({Reason(ex)}); check {target.AddressKeys}";
            }
        }

        return $"{broker} not reachable ({Reason(exception)}); check {target.AddressKeys}";
    }

    /// <summary>A short reason for a lost connection or a failed operation: "connection refused", "timed out".</summary>
    public static string Reason(Exception? exception)
    {
        if (RefusalOf(exception) is { } code)
        {
            return "refused: " + code;
        }

        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused",
                        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                        SocketError.TimedOut => "timed out",
                        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                        SocketError.ConnectionReset => "connection reset",
                        _ => socket.Message,
                    };
                case TlsCertificateException or AuthenticationException:
                    return "TLS handshake failed: " + ex.Message;
                case TimeoutException timeout:
                    return timeout.Message;
            }
        }

        var innermost = exception;
        while (innermost?.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return innermost?.Message ?? "unknown";
    }

    /// <summary>The broker accepted the TCP connection and then closed or reset it without a CONNACK.</summary>
    private static bool ClosedByBroker(Exception ex) => ex switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionReset } => true,
        EndOfStreamException => true,
        MqttCommunicationException communication => communication.Message.Contains("closed", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static MqttClientConnectResultCode? RefusalOf(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case BrokerRefusedException refused:
                    return refused.Code;
                // MQTTnet 5 carries the CONNACK code only in its message: "Connecting with MQTT server failed (NotAuthorized)."
                case MQTTnet.Adapter.MqttConnectingFailedException failed when CodeIn(failed.Message) is { } code:
                    return code;
            }
        }

        return null;
    }

    private static MqttClientConnectResultCode? CodeIn(string message)
    {
        var open = message.LastIndexOf('(');
        var close = message.LastIndexOf(')');
        return open >= 0 && close > open
            && Enum.TryParse<MqttClientConnectResultCode>(message.AsSpan(open + 1, close - open - 1), out var code)
            && code != MqttClientConnectResultCode.Success ? code : null;
    }
}

/// <summary>The broker's certificate was refused; the message says why and which key to check.</summary>
internal sealed class TlsCertificateException(string message, Exception inner) : AuthenticationException(message, inner);
