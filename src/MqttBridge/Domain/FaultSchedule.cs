namespace MqttBridge.Domain;

/// <summary>
/// How long a source waits after its n-th fault in a row, once its HTTP client has spent its own quick retries: doubling
/// from <see cref="First"/> up to <see cref="Max"/>. One schedule for every source; an API that says when to come back
/// (<c>Retry-After</c>, an auth fault's hour) overrides it (a source's <c>SourceException.RetryAt</c>). Pure; also the MQTT reconnect's doubling.
/// </summary>
internal sealed record FaultSchedule(TimeSpan First, TimeSpan Max)
{
    /// <summary>1, 2, 4 … minutes, at most an hour: a failing API is asked again, but never hammered.</summary>
    public static FaultSchedule Default { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

    /// <summary>The wait after <paramref name="failures"/> faults in a row (1 = the first fault).</summary>
    public TimeSpan After(int failures)
    {
        var doublings = Math.Clamp(failures - 1, 0, 30);
        var ticks = First.Ticks * Math.Pow(2, doublings);
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>When to ask again after a fault at <paramref name="now"/>: the API's own time when it gave one, else the schedule.</summary>
    public DateTimeOffset RetryAt(DateTimeOffset now, int failures, DateTimeOffset? apiRetryAt)
    {
        var at = apiRetryAt ?? now + After(failures);
        return at > now ? at : now.AddMinutes(1);
    }
}
