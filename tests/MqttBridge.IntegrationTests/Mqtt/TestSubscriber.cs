using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace MqttBridge.IntegrationTests.Mqtt;

internal sealed record ReceivedMessage(string Topic, string Payload, bool Retain);

/// <summary>
/// A plain MQTTnet client that records everything it receives under a filter, like a user's
/// <c>mosquitto_sub -v</c>. Messages present before it subscribed arrive as retained; live ones do not carry the
/// retain flag (brokers clear it on forwarding), so tests only look at the flag for the former.
/// </summary>
internal sealed class TestSubscriber : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<ReceivedMessage> _messages = new();

    private TestSubscriber(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            _messages.Enqueue(new ReceivedMessage(message.Topic, message.ConvertPayloadToString() ?? string.Empty, message.Retain));
            return Task.CompletedTask;
        };
    }

    public IReadOnlyList<ReceivedMessage> Messages => [.. _messages];

    public static async Task<TestSubscriber> ConnectAsync(string host, int port, string filter = "#", string? username = null, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var subscriber = new TestSubscriber(client);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId("test-subscriber-" + Guid.NewGuid().ToString("N"))
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (username is not null)
        {
            options.WithCredentials(username, password);
        }

        await client.ConnectAsync(options.Build());
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS()).Build());
        return subscriber;
    }

    /// <summary>Publishes as another client would (Home Assistant's birth, a stale retained config).</summary>
    public Task PublishAsync(string topic, string payload, bool retain) =>
        _client.PublishStringAsync(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce, retain);

    public string? Latest(string topic) => Messages.LastOrDefault(m => m.Topic == topic)?.Payload;

    public int Count(string topic, string? payload = null) =>
        Messages.Count(m => m.Topic == topic && (payload is null || m.Payload == payload));

    /// <summary>Waits until the topic's latest payload is <paramref name="payload"/>; fails with what arrived instead.</summary>
    public Task WaitForLatestAsync(string topic, string payload, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Latest(topic) == payload, $"{topic} = '{payload}'", timeout);

    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = timeout ?? DefaultTimeout;
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > deadline)
            {
                var seen = string.Join("\n  ", Messages.Select(m => $"{m.Topic} = '{m.Payload}'{(m.Retain ? " (retained)" : "")}"));
                Assert.Fail($"Waited {deadline.TotalSeconds} s for {what}; received:\n  {seen}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), deadline.Token);
            }
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            // The broker may already be gone.
        }
        finally
        {
            _client.Dispose();
        }
    }
}
