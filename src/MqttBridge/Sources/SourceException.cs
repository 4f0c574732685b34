namespace MqttBridge.Sources;

/// <summary>An expected fault of a source (API down, bad answer, wrong key): one clear log line, never a stack trace.</summary>
internal sealed class SourceException(string message, DateTimeOffset? retryAt = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>When to try again; null lets the <see cref="FaultSchedule"/> decide.</summary>
    public DateTimeOffset? RetryAt { get; } = retryAt;

    /// <summary>The end of the messages of a running source's faults, meaningless to a one-off command.</summary>
    public const string KeepingLastGoodData = "; keeping the last good data";

    /// <summary>
    /// The message without <see cref="KeepingLastGoodData"/>: for a one-off command (<c>mqttbridge fluvius mandates</c>),
    /// and for the runner's log line, which says it itself.
    /// </summary>
    public string OneOffMessage => Message.EndsWith(KeepingLastGoodData, StringComparison.Ordinal) ? Message[..^KeepingLastGoodData.Length] : Message;
}
