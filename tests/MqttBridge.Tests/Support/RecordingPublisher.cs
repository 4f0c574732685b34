using System.Collections.Concurrent;
using MqttBridge.Mqtt;

namespace MqttBridge.Tests.Support;

/// <summary>An in-memory broker stand-in: keeps the retained value per topic and every publish in order.</summary>
internal sealed class RecordingPublisher : IRetainedPublisher
{
    private readonly ConcurrentDictionary<string, string> _retained = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<KeyValuePair<string, string>> _log = new();

    public IReadOnlyDictionary<string, string> PreExisting { get; init; } = new Dictionary<string, string>();

    public bool AnotherBridgeOnline { get; init; }

    public IReadOnlyDictionary<string, string> Retained => _retained;

    public IReadOnlyList<KeyValuePair<string, string>> Log => [.. _log];

    public void Publish(string topic, string payload)
    {
        _log.Enqueue(new(topic, payload));
        if (payload.Length == 0)
        {
            _retained.TryRemove(topic, out _);
        }
        else
        {
            _retained[topic] = payload;
        }
    }

    /// <summary>Recorded in order like any publish; the broker would hold it until the next publish of the topic.</summary>
    public void PublishOnce(string topic, string payload) => Publish(topic, payload);

    public Task<IReadOnlyDictionary<string, string>> ReadRetainedAsync(string topicFilter, TimeSpan window, CancellationToken cancellationToken) =>
        Task.FromResult(PreExisting);

    public string? Get(string topic) => _retained.TryGetValue(topic, out var v) ? v : null;

    /// <summary>Waits (real time, generous deadline) until <paramref name="topic"/> holds <paramref name="expected"/>.</summary>
    public async Task<string?> WaitForAsync(string topic, Func<string, bool> expected, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            if (Get(topic) is { } value && expected(value))
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }

        return Get(topic);
    }
}
