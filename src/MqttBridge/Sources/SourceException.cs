namespace MqttBridge.Sources;

/// <summary>An expected fault of a source (API down, bad answer, wrong key): one clear log line, never a stack trace.</summary>
internal sealed class SourceException(string message, DateTimeOffset? retryAt = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>When to try again; null lets the <see cref="FaultSchedule"/> decide.</summary>
    public DateTimeOffset? RetryAt { get; } = retryAt;
}
