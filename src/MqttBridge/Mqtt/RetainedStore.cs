namespace MqttBridge.Mqtt;

/// <summary>
/// The latest payload per retained topic, and which of them still have to go to the broker. Pure and thread-safe:
/// producers call <see cref="Set"/> from anywhere, one sender takes dirty topics in send order. Only the latest
/// value of a topic is kept, so a long outage replays current values, not stale intermediate ones.
/// </summary>
internal sealed class RetainedStore
{
    private readonly Lock _gate = new();
    private readonly string _discoveryPrefix;
    private readonly Dictionary<string, string> _latest = new(StringComparer.Ordinal);

    // topic -> payloads to send once, in order, before its latest value.
    private readonly Dictionary<string, Queue<string>> _once = new(StringComparer.Ordinal);

    // topic -> order in which it became dirty (a topic set again keeps its place), and the timestamp it has waited since.
    private readonly Dictionary<string, (long Order, long Since)> _dirty = new(StringComparer.Ordinal);
    private long _sequence;

    public RetainedStore(string discoveryPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(discoveryPrefix);
        _discoveryPrefix = discoveryPrefix.TrimEnd('/') + "/";
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _latest.Count;
            }
        }
    }

    public bool HasDirty
    {
        get
        {
            lock (_gate)
            {
                return _dirty.Count > 0;
            }
        }
    }

    /// <summary>
    /// Records <paramref name="payload"/> as the topic's value to send. Empty clears the topic. Returns, when it replaced
    /// a different value that was still waiting to be sent, the <paramref name="timestamp"/> that value has waited since
    /// (the sender is behind: only the latest value goes out); otherwise null.
    /// </summary>
    public long? Set(string topic, string payload, long timestamp = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(payload);
        lock (_gate)
        {
            long? superseded = _dirty.TryGetValue(topic, out var waiting) && _latest.TryGetValue(topic, out var old) && !string.Equals(old, payload, StringComparison.Ordinal)
                ? waiting.Since
                : null;
            _latest[topic] = payload;
            MarkDirtyLocked(topic, timestamp);
            return superseded;
        }
    }

    /// <summary>Records <paramref name="payload"/> to send once before the topic's latest value (see <c>IRetainedPublisher.PublishOnce</c>).</summary>
    public void SetOnce(string topic, string payload, long timestamp = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(payload);
        lock (_gate)
        {
            if (!_once.TryGetValue(topic, out var queue))
            {
                _once[topic] = queue = new Queue<string>();
            }

            queue.Enqueue(payload);
            MarkDirtyLocked(topic, timestamp);
        }
    }

    /// <summary>
    /// Everything known must be sent again: after a reconnect or Home Assistant's birth message. Every topic waits from
    /// <paramref name="timestamp"/> on (a wait through an outage is not the sender falling behind).
    /// </summary>
    public void MarkAllDirty(long timestamp = 0)
    {
        lock (_gate)
        {
            foreach (var topic in _latest.Keys)
            {
                _dirty[topic] = _dirty.TryGetValue(topic, out var waiting) ? waiting with { Since = timestamp } : (_sequence++, timestamp);
            }
        }
    }

    /// <summary>
    /// Dirty topics in the order they should go out: discovery configs first (Home Assistant must know an
    /// entity before its state means anything), then the rest in the order they changed.
    /// </summary>
    public IReadOnlyList<string> DirtyInSendOrder()
    {
        lock (_gate)
        {
            // A topic with payloads to send once is listed once more per payload: each take sends the next one.
            return _dirty
                .OrderBy(d => IsDiscovery(d.Key) ? 0 : 1)
                .ThenBy(d => d.Value.Order)
                .SelectMany(d => Enumerable.Repeat(d.Key, 1 + (_once.TryGetValue(d.Key, out var queue) ? queue.Count : 0)))
                .ToList();
        }
    }

    /// <summary>Takes a dirty topic for sending; false when it is no longer dirty.</summary>
    public bool TryTake(string topic, out string payload)
    {
        lock (_gate)
        {
            if (_dirty.ContainsKey(topic) && _once.TryGetValue(topic, out var queue) && queue.Count > 0)
            {
                // Stays dirty: the latest value follows. Dequeued only once sent, so a failed send repeats it.
                payload = queue.Peek();
                return true;
            }

            if (_dirty.Remove(topic) && _latest.TryGetValue(topic, out var value))
            {
                payload = value;
                return true;
            }

            payload = string.Empty;
            return false;
        }
    }

    /// <summary>The broker has <paramref name="payload"/>. A sent clear is forgotten unless the topic was set again meanwhile.</summary>
    public void Sent(string topic, string payload)
    {
        lock (_gate)
        {
            if (_once.TryGetValue(topic, out var queue) && queue.TryPeek(out var first) && first == payload)
            {
                queue.Dequeue();
                if (queue.Count == 0)
                {
                    _once.Remove(topic);
                }

                return;
            }

            if (payload.Length == 0 && !_dirty.ContainsKey(topic) && _latest.TryGetValue(topic, out var value) && value.Length == 0)
            {
                _latest.Remove(topic);
            }
        }
    }

    /// <summary>A send failed: the topic goes back to the dirty set (it keeps its old place if set again meanwhile).</summary>
    public void SendFailed(string topic, long timestamp = 0)
    {
        lock (_gate)
        {
            if (_latest.ContainsKey(topic))
            {
                MarkDirtyLocked(topic, timestamp);
            }
        }
    }

    public IReadOnlyDictionary<string, string> Snapshot()
    {
        lock (_gate)
        {
            return new Dictionary<string, string>(_latest, StringComparer.Ordinal);
        }
    }

    public bool IsDiscovery(string topic) => topic.StartsWith(_discoveryPrefix, StringComparison.Ordinal);

    private void MarkDirtyLocked(string topic, long timestamp)
    {
        if (!_dirty.ContainsKey(topic))
        {
            _dirty[topic] = (_sequence++, timestamp);
        }
    }
}
