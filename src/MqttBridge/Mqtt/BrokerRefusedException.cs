using MQTTnet;

namespace MqttBridge.Mqtt;

/// <summary>The broker answered CONNECT with a refusal; the message is what a user can act on.</summary>
internal sealed class BrokerRefusedException(MqttClientConnectResultCode code) : Exception(Describe(code))
{
    public MqttClientConnectResultCode Code { get; } = code;

    private static string Describe(MqttClientConnectResultCode code) => code switch
    {
        MqttClientConnectResultCode.BadUserNameOrPassword => "bad username or password",
        MqttClientConnectResultCode.NotAuthorized => "not authorized",
        MqttClientConnectResultCode.ClientIdentifierNotValid => "client id rejected",
        MqttClientConnectResultCode.ServerUnavailable or MqttClientConnectResultCode.ServerBusy => "broker unavailable",
        _ => "refused: " + code,
    };
}
