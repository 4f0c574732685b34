namespace MqttBridge.Mqtt;

/// <summary>
/// The delays between attempts to reach a lost broker (README, "Connecting Home Assistant"): from 1 s, doubling
/// (1, 2, 4, 8, 16, 30, 30 … s), each with ±20 % jitter so many bridges do not knock at once, never below 1 s,
/// never above 30 s, and never shorter than the delay before until a connection succeeds (<see cref="Reset"/>).
/// Pure: the caller waits on its own <see cref="TimeProvider"/>.
/// </summary>
/// <param name="random">Uniform in [0, 1); seeded in tests.</param>
internal sealed class ReconnectSchedule(Func<double> random)
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    /// <summary>A delay is its nominal value times a factor in [1 − Jitter, 1 + Jitter).</summary>
    public const double Jitter = 0.2;

    private int _failures;
    private TimeSpan _last;

    /// <summary>The doubling itself: the same schedule type the sources back off on, in seconds rather than minutes.</summary>
    private static readonly Domain.FaultSchedule Doubling = new(First, Max);

    /// <summary>The nominal delay after <paramref name="failures"/> failed attempts (1-based): 1, 2, 4, … s, at most 30 s.</summary>
    public static TimeSpan Nominal(int failures) => Doubling.After(failures);

    /// <summary>The wait before the next attempt, after one more failure.</summary>
    public TimeSpan Next()
    {
        _failures++;
        var factor = 1 - Jitter + (2 * Jitter * random());
        // Whole tenths of a second: exactly what the log line says.
        var delay = TimeSpan.FromMilliseconds(100 * Math.Round(Nominal(_failures).TotalMilliseconds * factor / 100));
        delay = delay < First ? First : delay > Max ? Max : delay;
        if (delay < _last)
        {
            delay = _last;
        }

        _last = delay;
        return delay;
    }

    /// <summary>A connection succeeded: the next loss starts again from 1 s.</summary>
    public void Reset()
    {
        _failures = 0;
        _last = TimeSpan.Zero;
    }
}
