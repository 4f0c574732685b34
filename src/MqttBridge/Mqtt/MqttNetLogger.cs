using System.Globalization;
using Microsoft.Extensions.Logging;
using MQTTnet.Diagnostics.Logger;

namespace MqttBridge.Mqtt;

/// <summary>
/// Forwards MQTTnet's own warnings and errors to <see cref="ILogger"/> as one line each. MQTTnet logs expected
/// faults (a client resetting its socket) at error level with a stack trace, so errors are written as warnings
/// with the exception's message only; its verbose and info chatter is dropped.
/// </summary>
internal sealed class MqttNetLogger(ILogger logger) : IMqttNetLogger
{
    public bool IsEnabled => logger.IsEnabled(LogLevel.Warning);

    public void Publish(MqttNetLogLevel level, string source, string message, object[] parameters, Exception exception)
    {
        if (level < MqttNetLogLevel.Warning || !logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        var text = parameters is { Length: > 0 } ? string.Format(CultureInfo.InvariantCulture, message, parameters) : message;
        if (exception is not null)
        {
            logger.LogWarning("{Source}: {Message} ({Reason})", source, text, exception.Message);
        }
        else
        {
            logger.LogWarning("{Source}: {Message}", source, text);
        }
    }
}
