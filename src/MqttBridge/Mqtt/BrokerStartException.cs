namespace MqttBridge.Mqtt;

/// <summary>
/// The embedded broker could not start (port in use, address not on this machine, ...). The message is written for
/// the user and says what to change, so the host can print it as the one line of a failed start-up.
/// </summary>
internal sealed class BrokerStartException : Exception
{
    public BrokerStartException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
