using MqttBridge.Configuration;
using MqttBridge.Mqtt;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.Mqtt;

/// <summary>
/// <see cref="MqttConnection"/> against a real mosquitto: what a user subscribed to the broker sees on
/// <c>mqttbridge/status</c>, discovery and state topics across connects, losses, restarts and stops.
/// </summary>
public sealed class MqttConnectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Status = "mqttbridge/status";
    private const string Discovery = "homeassistant/device/mqttbridge_home/config";
    private const string GridPrice = "mqttbridge/home/grid_price";
    private const string PriceLevel = "mqttbridge/home/price_level";
    private const string DiscoveryPayload = """{"device":{"identifiers":["mqttbridge_home"]},"origin":{"name":"MqttBridge"},"components":{}}""";

    private readonly List<IAsyncDisposable> _cleanup = [];
    private MosquittoBroker _mosquitto = null!;

    public async Task InitializeAsync() => _mosquitto = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }

        _mosquitto.Dispose();
    }

    [Fact]
    public async Task Publishes_online_and_every_stored_topic_retained()
    {
        var connection = CreateConnection();
        connection.Publish(Discovery, DiscoveryPayload);
        connection.Publish(GridPrice, "0.3508");
        await StartAsync(connection);
        connection.Publish(PriceLevel, "cheap");

        // A user subscribing afterwards gets them from the broker's retained store.
        await WaitUntilAsync(() => connection.ConnectedCount >= 1, "first connect");
        await using var late = await SubscribeAsync();
        await late.WaitUntilAsync(() => late.Latest(PriceLevel) == "cheap" && late.Latest(Status) == "online", "all topics");

        Assert.Equal("online", late.Latest(Status));
        Assert.Equal(DiscoveryPayload, late.Latest(Discovery));
        Assert.Equal("0.3508", late.Latest(GridPrice));
        Assert.All(late.Messages, m => Assert.True(m.Retain, $"{m.Topic} should be retained"));
        Assert.True(connection.IsConnected);
    }

    [Fact]
    public async Task Sends_only_the_latest_value_and_clears_a_topic_with_an_empty_payload()
    {
        var connection = CreateConnection();
        connection.Publish(GridPrice, "1.00");
        connection.Publish(GridPrice, "2.00");
        connection.Publish(PriceLevel, "normal");
        connection.Publish(PriceLevel, string.Empty);
        await StartAsync(connection);
        await WaitUntilAsync(() => connection.ConnectedCount >= 1, "first connect");

        await using var late = await SubscribeAsync();
        await late.WaitForLatestAsync(GridPrice, "2.00");
        connection.Publish("mqttbridge/home/marker", "done");
        await late.WaitForLatestAsync("mqttbridge/home/marker", "done");

        Assert.Equal(1, late.Count(GridPrice));
        Assert.Equal(0, late.Count(PriceLevel));
    }

    [Fact]
    public async Task Clean_stop_leaves_offline_retained()
    {
        var connection = CreateConnection();
        connection.Publish(GridPrice, "0.3508");
        await StartAsync(connection);
        await WaitUntilAsync(() => connection.ConnectedCount >= 1, "first connect");

        await connection.StopAsync(CancellationToken.None);

        await using var late = await SubscribeAsync();
        await late.WaitForLatestAsync(Status, "offline");
        Assert.Equal("0.3508", late.Latest(GridPrice));
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task Broker_publishes_offline_as_will_when_the_connection_dies_and_online_returns_after_reconnect()
    {
        var connection = CreateConnection();
        await StartAsync(connection);
        await WaitUntilAsync(() => connection.ConnectedCount >= 1, "first connect");
        await using var watcher = await SubscribeAsync(Status);
        await watcher.WaitForLatestAsync(Status, "online");

        // Socket closed without DISCONNECT, as when the process is killed: only the broker can say offline.
        connection.DropConnectionWithoutDisconnect();

        await watcher.WaitUntilAsync(() => watcher.Count(Status, "offline") >= 1, "the Last Will");
        await watcher.WaitForLatestAsync(Status, "online");
        await WaitUntilAsync(() => connection.ConnectedCount >= 2, "reconnect");
    }

    [Fact]
    public async Task A_blocked_broker_gets_every_topics_latest_value_retained_once_it_answers_and_the_backlog_is_said_once()
    {
        // Any value replaced before it was sent counts as falling behind here (in the bridge: after a minute of waiting).
        var connection = CreateConnection(behindAfter: TimeSpan.Zero);
        await StartAsync(connection);
        await WaitUntilAsync(() => connection.ConnectedCount >= 1, "first connect");
        var topics = Enumerable.Range(0, 500).Select(i => $"mqttbridge/s{i:D5}/grid_price").ToList();

        // A frozen broker: the sender has at most its window of publishes out, the rest waits in the store. Two
        // boundaries' worth of states arrive meanwhile; the caller (the scheduler) is never held up.
        _mosquitto.Pause();
        try
        {
            foreach (var topic in topics)
            {
                connection.Publish(topic, "1.00");
            }

            foreach (var topic in topics)
            {
                connection.Publish(topic, "2.00");
            }

            Assert.Single(_logger.Lines, l => l.Contains("is not keeping up", StringComparison.Ordinal));
        }
        finally
        {
            _mosquitto.Resume();
        }

        // Nothing lost: every topic ends with its latest value, retained, whether the connection held or was made again.
        await using (var watcher = await SubscribeAsync("mqttbridge/+/grid_price"))
        {
            await watcher.WaitUntilAsync(() => topics.All(t => watcher.Latest(t) == "2.00"), "every topic's latest value", TimeSpan.FromSeconds(60));
        }

        await using var late = await SubscribeAsync("mqttbridge/+/grid_price");
        await late.WaitUntilAsync(() => topics.All(t => late.Latest(t) == "2.00"), "every topic's latest value, retained");
        Assert.All(late.Messages, m => Assert.True(m.Retain, $"{m.Topic} should be retained"));
        await WaitUntilAsync(() => _logger.Lines.Any(l => l.Contains("has caught up", StringComparison.Ordinal)), "the caught-up line", TimeSpan.FromSeconds(60));
        Assert.Single(_logger.Lines, l => l.Contains("is not keeping up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_completes_when_the_broker_hangs_and_the_will_says_offline()
    {
        var connection = CreateConnection();
        await StartAsync(connection);
        await WaitUntilAsync(() => connection.ConnectedCount >= 1, "first connect");

        // A frozen broker keeps the TCP connection open but never acknowledges: the offline publish must give up.
        _mosquitto.Pause();
        try
        {
            using var hostDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await connection.StopAsync(hostDeadline.Token).WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            _mosquitto.Resume();
        }

        Assert.Contains(_logger.Lines, l => l.Contains("Could not say offline", StringComparison.Ordinal));
        await using var late = await SubscribeAsync(Status);
        await late.WaitForLatestAsync(Status, "offline");
    }

    [Fact]
    public async Task Republishes_everything_after_the_broker_restarts_including_values_set_while_it_was_down()
    {
        var connection = CreateConnection();
        connection.Publish(Discovery, DiscoveryPayload);
        connection.Publish(GridPrice, "0.3508");
        connection.Publish(PriceLevel, "cheap");
        await StartAsync(connection);
        await WaitUntilAsync(() => connection.ConnectedCount >= 1, "first connect");

        _mosquitto.Stop();
        await WaitUntilAsync(() => !connection.IsConnected, "loss noticed");
        connection.Publish(GridPrice, "0.4100");

        // One line per failed attempt, naming the broker and the next delay; no stack trace.
        var refused = $"MQTT broker 127.0.0.1:{_mosquitto.Port} not reachable (connection refused); check mqtt.host and mqtt.port; next attempt in ";
        await WaitUntilAsync(() => _logger.Lines.Any(l => l.Contains(refused, StringComparison.Ordinal)), "a failed attempt");
        await _mosquitto.StartAgainAsync();

        // mosquitto runs without persistence: whatever a new subscriber sees was published again.
        await WaitUntilAsync(() => connection.ConnectedCount >= 2, "reconnect", TimeSpan.FromSeconds(30));
        await using var late = await SubscribeAsync();
        await late.WaitUntilAsync(() => late.Latest(GridPrice) == "0.4100" && late.Latest(PriceLevel) == "cheap", "store re-sent");
        Assert.Equal("online", late.Latest(Status));
        Assert.Equal(DiscoveryPayload, late.Latest(Discovery));
        Assert.DoesNotContain(_logger.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Home_assistant_birth_makes_it_send_discovery_then_online_then_states_again()
    {
        var connection = CreateConnection();
        connection.Publish(GridPrice, "0.3508");
        connection.Publish(Discovery, DiscoveryPayload);
        await StartAsync(connection);
        await WaitUntilAsync(() => connection.ConnectedCount >= 1, "first connect");
        await using var watcher = await SubscribeAsync();
        await watcher.WaitUntilAsync(() => watcher.Count(Discovery) == 1 && watcher.Count(GridPrice) == 1, "initial retained topics");

        await watcher.PublishAsync("homeassistant/status", "online", retain: false);

        await watcher.WaitUntilAsync(() => watcher.Count(Discovery) == 2 && watcher.Count(GridPrice) == 2, "re-sent topics");
        var resent = watcher.Messages.Where(m => m.Topic is Discovery or GridPrice or Status).Skip(3).Select(m => m.Topic).ToList();

        // "online" again too: a subscriber that raced the on-connect "online" would otherwise never see it.
        Assert.Equal([Discovery, Status, GridPrice], resent);
    }

    [Fact]
    public async Task ReadRetainedAsync_returns_configs_already_on_the_broker()
    {
        await using (var other = await SubscribeAsync("nothing/#"))
        {
            await other.PublishAsync("homeassistant/device/mqttbridge_old/config", DiscoveryPayload, retain: true);
            await other.PublishAsync("homeassistant/device/someone_else/config", "{}", retain: true);
            await other.PublishAsync("homeassistant/sensor/x/state", "1", retain: true);
        }

        var connection = CreateConnection();
        connection.Publish(Discovery, DiscoveryPayload);
        await StartAsync(connection);

        var found = await connection.ReadRetainedAsync("homeassistant/device/+/config", TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(DiscoveryPayload, found["homeassistant/device/mqttbridge_old/config"]);
        Assert.Equal("{}", found["homeassistant/device/someone_else/config"]);
        Assert.DoesNotContain("homeassistant/sensor/x/state", found.Keys);

        // Clearing one, as start-up does for a site that no longer exists, removes it for everybody.
        // The marker goes out after the clear on the same connection: once a subscriber has seen it, the clear has been
        // processed too, and a subscriber that comes after that gets no retained config (the first subscriber may have
        // subscribed before either was sent, and seen the old config and then the clear live).
        connection.Publish("homeassistant/device/mqttbridge_old/config", string.Empty);
        connection.Publish("mqttbridge/home/marker", "done");
        await using (var watcher = await SubscribeAsync())
        {
            await watcher.WaitForLatestAsync("mqttbridge/home/marker", "done");
        }

        await using var late = await SubscribeAsync();
        await late.WaitForLatestAsync("mqttbridge/home/marker", "done");
        Assert.Equal(0, late.Count("homeassistant/device/mqttbridge_old/config"));
    }

    private TestLogger<MqttConnection> _logger = null!;

    private MqttConnection CreateConnection(TimeSpan? behindAfter = null)
    {
        _logger = new TestLogger<MqttConnection>(output);
        var options = new MqttOptions { Host = MosquittoBroker.Host, Port = _mosquitto.Port, ClientId = "mqttbridge-test-" + Guid.NewGuid().ToString("N")[..8] };
        var connection = new MqttConnection(options, new EmbeddedBrokerOptions(), TimeProvider.System, _logger, random: new Random(42), behindAfter: behindAfter);
        _cleanup.Add(new Stopper(connection));
        return connection;
    }

    private static Task StartAsync(MqttConnection connection) => connection.StartAsync(CancellationToken.None);

    private Task<TestSubscriber> SubscribeAsync(string filter = "#")
    {
        return Track(TestSubscriber.ConnectAsync(MosquittoBroker.Host, _mosquitto.Port, filter));

        static async Task<TestSubscriber> Track(Task<TestSubscriber> connecting) => await connecting;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = timeout ?? TestSubscriber.DefaultTimeout;
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < deadline, $"Waited {deadline.TotalSeconds} s for {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }

    /// <summary>Stops (host-style, with a deadline) and disposes a connection at the end of a test.</summary>
    private sealed class Stopper(MqttConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await connection.StopAsync(deadline.Token);
            connection.Dispose();
        }
    }
}
