using MQTTnet;

namespace MqttBridge.Mqtt;

/// <summary>The broker answered CONNECT with a refusal; <see cref="BrokerFault"/> turns it into words.</summary>
internal sealed class BrokerRefusedException(MqttClientConnectResultCode code) : Exception("refused: " + code)
{
    public MqttClientConnectResultCode Code { get; } = code;
}
