namespace MqttBridge.Sources;

/// <summary>
/// After a restart a source serves what it restored from <c>data_dir</c> even when its first call fails: that fetch
/// returns the restored data, due again at once, and the fault follows on the next round, so the problem sensor shows it
/// while nothing known is hidden. One per source instance; the one place this rule is written.
/// </summary>
internal sealed class RestartGrace
{
    private bool _delivered;
    private SourceException? _pending;

    /// <summary>
    /// Runs <paramref name="fetch"/>. A <see cref="SourceException"/> before anything was delivered, while
    /// <paramref name="hasRestored"/> says data came back from disk, returns <paramref name="restored"/> instead and is
    /// thrown on the next call. Other faults, and faults once data was delivered, pass through.
    /// </summary>
    public async Task<T> FetchAsync<T>(Func<Task<T>> fetch, Func<bool> hasRestored, Func<T> restored)
    {
        if (_pending is { } fault)
        {
            _pending = null;
            throw fault;
        }

        try
        {
            var result = await fetch();
            _delivered = true;
            return result;
        }
        catch (SourceException ex) when (!_delivered && hasRestored())
        {
            _pending = ex;
            _delivered = true;
            return restored();
        }
    }
}
