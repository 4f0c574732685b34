namespace MqttBridge.Sources.Http;

/// <summary>
/// At most <c>limit</c> calls in any window of <c>window</c>, by construction: a caller over the limit waits (in
/// order) until the oldest call leaves the window. Written here rather than taken from System.Threading.RateLimiting
/// because its limiters replenish on the system clock, not an injected TimeProvider, and a token bucket allows
/// up to twice the limit across a period boundary; an API's "200 calls per hour" must hold for every hour.
/// </summary>
internal sealed class SlidingWindowLimiter(int limit, TimeSpan window, TimeProvider time) : IDisposable
{
    private readonly Queue<DateTimeOffset> _calls = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public int Limit { get; } = limit > 0 ? limit : throw new ArgumentOutOfRangeException(nameof(limit));

    public TimeSpan Window { get; } = window;

    /// <summary>Waits until one more call fits the limit, and counts it.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                while (_calls.Count > 0 && _calls.Peek() <= now - Window)
                {
                    _calls.Dequeue();
                }

                if (_calls.Count < Limit)
                {
                    _calls.Enqueue(now);
                    return;
                }

                await Task.Delay(_calls.Peek() + Window - now, time, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
