using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace MqttBridge.Mqtt;

/// <summary>
/// The one owner of the MQTT client: connects (and reconnects for ever), keeps <c>&lt;base&gt;/status</c>
/// right (Last Will <c>offline</c>, <c>online</c> after every connect, <c>offline</c> before a clean stop), and
/// sends the retained store: changes while connected, everything after a reconnect or a Home Assistant birth.
/// </summary>
internal sealed class MqttConnection : BackgroundService, IRetainedPublisher
{
    private const string Online = "online";

    /// <summary>How long the first connection waits for a retained <c>&lt;base&gt;/status</c> (a broker sends it right after SUBACK).</summary>
    private static readonly TimeSpan OtherBridgeWindow = TimeSpan.FromMilliseconds(500);
    private const string Offline = BrokerClientOptions.Offline;
    private static readonly TimeSpan OperationTimeout = BrokerClientOptions.OperationTimeout;

    /// <summary>Home Assistant asks for a random delay so a restart does not make every bridge publish at once.</summary>
    private static readonly TimeSpan MaxBirthDelay = TimeSpan.FromSeconds(5);

    /// <summary>Stop budget (SIGTERM must end the process within 10 s): offline, then DISCONNECT.</summary>
    private static readonly TimeSpan StopPublishTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StopDisconnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A broker sends retained messages right after SUBACK; this long without one means it has sent them all.</summary>
    private static readonly TimeSpan RetainedQuietPeriod = TimeSpan.FromSeconds(1);

    /// <summary>
    /// QoS 1 publishes sent before the first acknowledgement is awaited: a boundary's thousands of states go out at the
    /// pace of the link, not one round trip each. Bounded, so a slow broker holds up the sender, never memory.
    /// </summary>
    private const int MaxInFlight = 64;

    /// <summary>A value replaced before it was sent after waiting this long (while connected) means the broker cannot keep up.</summary>
    private static readonly TimeSpan DefaultBehindAfter = TimeSpan.FromMinutes(1);

    private readonly MqttOptions _options;
    private readonly EmbeddedBrokerOptions _embedded;
    private readonly EmbeddedBroker? _broker;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttConnection> _logger;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly string _statusTopic;
    private readonly string _homeAssistantStatusTopic;
    private readonly RetainedStore _store;
    private readonly ReconnectSchedule _schedule;
    private readonly string _clientId;
    private readonly TakeoverWatch _takeovers = new();

    // Capacity one: a wake-up pending is all the sender needs to know; more writes add nothing.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _firstConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _readersGate = new();
    private readonly List<RetainedReader> _readers = [];

    private volatile IMqttClient? _client;
    private volatile TaskCompletionSource<string>? _lost;
    private volatile bool _isConnected;
    private int _connectedCount;
    private ITimer? _birthTimer;
    private int _resendStatus;
    private readonly TimeSpan _behindAfter;
    private int _behind;

    public MqttConnection(
        MqttOptions options,
        EmbeddedBrokerOptions embedded,
        TimeProvider time,
        ILogger<MqttConnection> logger,
        EmbeddedBroker? broker = null,
        Random? random = null,
        TimeSpan? behindAfter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(embedded);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        // A connection built without a resolved id (tests) still never shares the fixed 'mqttbridge' id.
        _options = options.ClientId is null ? options with { ClientId = ClientIdentity.New() } : options;
        _embedded = embedded;
        _broker = broker;
        _time = time;
        _logger = logger;
        _random = random ?? new Random();
        _statusTopic = options.BaseTopic.TrimEnd('/') + "/status";
        _homeAssistantStatusTopic = options.DiscoveryPrefix.TrimEnd('/') + "/status";
        _store = new RetainedStore(options.DiscoveryPrefix);
        _clientId = _options.ClientId!;

        _schedule = new ReconnectSchedule(NextRandom);
        _behindAfter = behindAfter ?? DefaultBehindAfter;
    }

    /// <summary>True while connected and <c>online</c> has been published.</summary>
    public bool IsConnected => _isConnected && _client?.IsConnected == true;

    /// <summary>How many times a connection was made and the store sent (1 after the first connect).</summary>
    public int ConnectedCount => Volatile.Read(ref _connectedCount);

    /// <summary>host:port of the broker, for log lines.</summary>
    public string BrokerEndpoint
    {
        get
        {
            var (host, port) = ResolveBroker();
            return host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        }
    }

    public void Publish(string topic, string payload)
    {
        // Refused here, at the caller: a topic the broker cannot take would otherwise fail every send and look
        // like a broken connection.
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(payload);
        if (topic.AsSpan().IndexOfAny('+', '#', '\0') >= 0)
        {
            throw new ArgumentException($"'{topic}' is not a topic to publish to (wildcard or NUL)", nameof(topic));
        }

        var now = _time.GetTimestamp();
        if (_store.Set(topic, payload, now) is { } waitingSince
            && _isConnected
            && _time.GetElapsedTime(waitingSince, now) >= _behindAfter
            && Interlocked.Exchange(ref _behind, 1) == 0)
        {
            // Nothing is lost (the store keeps the latest value of every topic, bounded by the number of topics), but
            // subscribers see values late: say so once, and once more when it has caught up.
            _logger.LogWarning(
                "MQTT broker {Broker} is not keeping up: {Topic} changed again before its value of {Seconds} s ago was sent; only the latest value of each topic is sent",
                BrokerEndpoint,
                topic,
                Seconds(_time.GetElapsedTime(waitingSince, now)));
        }

        _wake.Writer.TryWrite(true);
    }

    public void PublishOnce(string topic, string payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        _store.SetOnce(topic, payload, _time.GetTimestamp());
        _wake.Writer.TryWrite(true);
    }

    public async Task<IReadOnlyDictionary<string, string>> ReadRetainedAsync(string topicFilter, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        await _firstConnected.Task.WaitAsync(cancellationToken);

        var client = _client ?? throw new MqttClientNotConnectedException();
        return await ReadRetainedAsync(client, topicFilter, window, cancellationToken);
    }

    /// <summary>
    /// True when <c>&lt;base&gt;/status</c> was already retained <c>online</c> before this bridge's first connection: another
    /// bridge is live on the same base topic (or a previous run ended without its Last Will, the broker having died).
    /// </summary>
    public bool AnotherBridgeOnline { get; private set; }

    private async Task<IReadOnlyDictionary<string, string>> ReadRetainedAsync(IMqttClient client, string topicFilter, TimeSpan window, CancellationToken cancellationToken)
    {
        var reader = new RetainedReader(topicFilter);
        lock (_readersGate)
        {
            _readers.Add(reader);
        }

        try
        {
            await SubscribeAsync(client, topicFilter, cancellationToken);
            var started = _time.GetTimestamp();
            while (true)
            {
                var remaining = window - _time.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                using var quiet = new CancellationTokenSource(remaining < RetainedQuietPeriod ? remaining : RetainedQuietPeriod, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(quiet.Token, cancellationToken);
                try
                {
                    await reader.Arrived.Reader.ReadAsync(linked.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }

            await UnsubscribeQuietlyAsync(client, topicFilter);
            return reader.Messages;
        }
        finally
        {
            lock (_readersGate)
            {
                _readers.Remove(reader);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            await CloseCleanlyAsync();
        }
    }

    public override void Dispose()
    {
        Interlocked.Exchange(ref _birthTimer, null)?.Dispose();
        Interlocked.Exchange(ref _client, null)?.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Test hook: drops the connection as a crash would (socket closed, no DISCONNECT), so the broker publishes
    /// the Last Will. The service then reconnects as after any loss.
    /// </summary>
    internal void DropConnectionWithoutDisconnect()
    {
        _client?.Dispose();
        _lost?.TrySetResult("connection dropped");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first attempt goes at once; after a failure or a loss the schedule says how long to wait. The wait is
        // measured from when the log line named it, so the line and the clock agree.
        DateTimeOffset? next = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            long? connectedAt = null;
            try
            {
                if (next is { } due && due - _time.GetUtcNow() is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, _time, stoppingToken);
                }

                Task<string> lost;
                try
                {
                    lost = await ConnectOnceAsync(stoppingToken);
                    connectedAt = _time.GetTimestamp();
                }
                catch (Exception ex) when (IsExpectedFault(ex) && !stoppingToken.IsCancellationRequested)
                {
                    next = ScheduleNext(out var delay);
                    _logger.LogWarning("{Problem}; next attempt in {Delay} s", BrokerFault.ConnectFailed(ex, FaultTarget), Seconds(delay));
                    continue;
                }

                _schedule.Reset();
                var reason = await RunConnectedAsync(lost, stoppingToken);
                NoteConnectionEnded(connectedAt);
                next = ScheduleNext(out var afterLoss);
                _logger.LogWarning("Lost connection to MQTT broker {Broker} ({Reason}); next attempt in {Delay} s", BrokerEndpoint, reason, Seconds(afterLoss));
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: CloseCleanlyAsync publishes offline on the client that is still connected.
                break;
            }
            catch (Exception ex) when (IsExpectedFault(ex))
            {
                next = ScheduleNext(out var delay);
                _logger.LogWarning("Lost connection to MQTT broker {Broker} ({Reason}); next attempt in {Delay} s", BrokerEndpoint, BrokerFault.Reason(ex), Seconds(delay));
                NoteConnectionEnded(connectedAt);
            }
            catch (Exception ex)
            {
                next = ScheduleNext(out var delay);
                _logger.LogError(ex, "MQTT connection to {Broker} failed unexpectedly; next attempt in {Delay} s", BrokerEndpoint, Seconds(delay));
            }

            _isConnected = false;
            if (!stoppingToken.IsCancellationRequested)
            {
                Interlocked.Exchange(ref _client, null)?.Dispose();
            }
        }
    }

    private DateTimeOffset ScheduleNext(out TimeSpan delay)
    {
        delay = _schedule.Next();
        return _time.GetUtcNow() + delay;
    }

    private static string Seconds(TimeSpan delay) => delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Which broker and keys a connect failure is about.</summary>
    private BrokerFault.Target FaultTarget
    {
        get
        {
            var (username, password) = BrokerClientOptions.Credentials(_options, _embedded);
            var sentLogin = !string.IsNullOrEmpty(username) || !string.IsNullOrEmpty(password);
            var ownLogin = sentLogin && _options.UsesEmbeddedBroker && string.IsNullOrEmpty(_options.Username) && string.IsNullOrEmpty(_options.Password);
            return new BrokerFault.Target(BrokerEndpoint, _options.UsesEmbeddedBroker, sentLogin, ownLogin, _clientId, _options.Tls.Enabled && !_options.UsesEmbeddedBroker);
        }
    }

    /// <summary>A connection that keeps ending within seconds is being taken over: one line naming the client id.</summary>
    private void NoteConnectionEnded(long? connectedAt)
    {
        if (connectedAt is { } since && _takeovers.Ended(_time.GetElapsedTime(since)))
        {
            _logger.LogError(
                "MQTT broker {Broker} closed the connection within seconds of connecting {Count} times in a row: another client is probably connecting with the same client id '{ClientId}', and the broker drops one for the other. Give each bridge its own mqtt.client_id (or leave mqtt.client_id out: each installation then has its own)",
                BrokerEndpoint,
                _takeovers.ShortCount,
                _clientId);
        }
    }

    /// <summary>One connect attempt. Returns the task that completes (with a reason) when this connection is lost.</summary>
    private async ValueTask<Task<string>> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var (host, port) = ResolveBroker();
        var client = new MqttClientFactory().CreateMqttClient();

        // One completion per connection, captured by its own handler: a late event of an old client cannot
        // end a newer connection. Reconnecting happens in ExecuteAsync, never inside the event (deadlock risk).
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            // A 3.1.1 broker cannot send DISCONNECT, so "normal" without an exception means it closed the socket.
            lost.TrySetResult(
                e.Exception is not null ? BrokerFault.Reason(e.Exception)
                : e.Reason == MqttClientDisconnectReason.NormalDisconnection ? "closed by the broker"
                : e.Reason.ToString());
            return Task.CompletedTask;
        };
        client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;

        var tlsCheck = new BrokerTls.Check();
        try
        {
            var options = BrokerClientOptions.Build(_options, _embedded, host, port, _statusTopic, tlsCheck);
            MqttClientConnectResult result;
            try
            {
                result = await WithDeadlineAsync(ct => client.ConnectAsync(options, ct), "no answer", cancellationToken);
            }
            catch (Exception ex) when (tlsCheck.Failure is not null && !cancellationToken.IsCancellationRequested)
            {
                // SslStream only says "rejected by the callback"; say why, so the user knows what to fix.
                throw new TlsCertificateException(tlsCheck.Failure, ex);
            }

            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new BrokerRefusedException(result.ResultCode);
            }

            _lost = lost;
            _client = client;
            return lost.Task;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The connected phase: the on-connect sequence, then sending changes until the connection is lost.</summary>
    private async Task<string> RunConnectedAsync(Task<string> lost, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new MqttClientNotConnectedException();

        // Before the first 'online': is another bridge already online on this base topic? Then the two overwrite each
        // other, and the stale clean-up must not take the other's sites for ours.
        if (Volatile.Read(ref _connectedCount) == 0)
        {
            var before = await ReadRetainedAsync(client, _statusTopic, OtherBridgeWindow, cancellationToken);
            AnotherBridgeOnline = before.TryGetValue(_statusTopic, out var status) && status == Online;
            if (AnotherBridgeOnline)
            {
                _logger.LogWarning(
                    "{Topic} was already 'online' before this bridge connected: another bridge seems to run with the same mqtt.base_topic, and the two overwrite each other's topics. Give each bridge its own mqtt.base_topic; until then this bridge clears no retained discovery it does not know as its own",
                    _statusTopic);
            }
        }

        // In this order: availability first, then listen for Home Assistant's birth, then everything we know
        // (a broker without persistence has lost it all; discovery goes first).
        await PublishAsync(client, _statusTopic, Online, cancellationToken);
        await SubscribeAsync(client, _homeAssistantStatusTopic, cancellationToken);
        _store.MarkAllDirty(_time.GetTimestamp());
        var sent = await FlushAsync(client, cancellationToken);

        _isConnected = true;
        Interlocked.Increment(ref _connectedCount);
        _firstConnected.TrySetResult();

        // Only what was sent just now: at start the sensors are not computed yet and follow on their own.
        if (sent == 0)
        {
            _logger.LogInformation("Connected to MQTT broker {Broker}; published {Topic} = online", BrokerEndpoint, _statusTopic);
        }
        else
        {
            _logger.LogInformation("Connected to MQTT broker {Broker}; published {Topic} = online and the {Count} retained topic(s) waiting to be sent", BrokerEndpoint, _statusTopic, sent);
        }

        while (true)
        {
            await FlushAsync(client, cancellationToken);
            if (!_store.HasDirty && Interlocked.Exchange(ref _behind, 0) == 1)
            {
                _logger.LogInformation("MQTT broker {Broker} has caught up: every topic's latest value is sent", BrokerEndpoint);
            }

            var wake = _wake.Reader.WaitToReadAsync(cancellationToken).AsTask();
            await Task.WhenAny(wake, lost);
            if (lost.IsCompleted)
            {
                return await lost;
            }

            await wake;
            _wake.Reader.TryRead(out _);
        }
    }

    /// <summary>
    /// Sends every dirty topic, up to <see cref="MaxInFlight"/> unacknowledged at a time (in send order on the one
    /// connection); returns how many were sent (the status topic not counted). A failed send puts its topic back.
    /// </summary>
    private async Task<int> FlushAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var sent = 0;
        var inFlight = new Dictionary<Task, string>(MaxInFlight);
        try
        {
            // After a birth: discovery, then "online", then states, as Home Assistant's documentation suggests.
            var statusPending = Interlocked.Exchange(ref _resendStatus, 0) == 1;
            foreach (var topic in _store.DirtyInSendOrder())
            {
                if (statusPending && !_store.IsDiscovery(topic))
                {
                    await WhenAllSentAsync(inFlight);
                    await PublishAsync(client, _statusTopic, Online, cancellationToken);
                    statusPending = false;
                }

                // A topic listed twice (a once-payload, then its latest value) goes out after the first is acknowledged.
                if (inFlight.ContainsValue(topic))
                {
                    await WhenAllSentAsync(inFlight);
                }

                while (inFlight.Count >= MaxInFlight)
                {
                    var done = await Task.WhenAny(inFlight.Keys);
                    inFlight.Remove(done);
                    await done;
                }

                if (!_store.TryTake(topic, out var payload))
                {
                    continue;
                }

                inFlight.Add(SendAsync(client, topic, payload, cancellationToken), topic);
                sent++;
            }

            await WhenAllSentAsync(inFlight);
            if (statusPending)
            {
                await PublishAsync(client, _statusTopic, Online, cancellationToken);
            }
        }
        catch
        {
            // Every send under way puts its topic back (or marks it sent) before the connection is given up.
            await Task.WhenAll(inFlight.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        return sent;
    }

    private static async Task WhenAllSentAsync(Dictionary<Task, string> inFlight)
    {
        foreach (var (task, _) in inFlight.ToList())
        {
            inFlight.Remove(task);
            await task;
        }
    }

    private async Task SendAsync(IMqttClient client, string topic, string payload, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(client, topic, payload, cancellationToken);
        }
        catch
        {
            _store.SendFailed(topic, _time.GetTimestamp());
            throw;
        }

        _store.Sent(topic, payload);
    }

    private async Task PublishAsync(IMqttClient client, string topic, string payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();

        var result = await WithDeadlineAsync(ct => client.PublishAsync(message, ct), $"no acknowledgement for {topic}", cancellationToken);

        if (!result.IsSuccess)
        {
            _logger.LogWarning("MQTT broker {Broker} did not accept {Topic} ({Reason})", BrokerEndpoint, topic, result.ReasonCode);
        }
    }

    private async Task SubscribeAsync(IMqttClient client, string topicFilter, CancellationToken cancellationToken)
    {
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(topicFilter).WithAtLeastOnceQoS())
            .Build();
        var result = await WithDeadlineAsync(ct => client.SubscribeAsync(options, ct), $"no acknowledgement for subscribing {topicFilter}", cancellationToken);
        foreach (var item in result.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                _logger.LogWarning("MQTT broker {Broker} refused subscription to {Topic} ({Reason})", BrokerEndpoint, topicFilter, item.ResultCode);
            }
        }
    }

    /// <summary>
    /// Runs one client operation with its own deadline: MQTTnet's timeout does not bound a QoS 1 publish, so a dead
    /// connection would otherwise stall the sender. A missed deadline becomes a <see cref="TimeoutException"/>.
    /// </summary>
    private async Task<T> WithDeadlineAsync<T>(Func<CancellationToken, Task<T>> operation, string what, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(OperationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            return await operation(linked.Token);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} within {OperationTimeout.TotalSeconds:0} s", ex);
        }
    }

    private async Task UnsubscribeQuietlyAsync(IMqttClient client, string topicFilter)
    {
        try
        {
            using var deadline = new CancellationTokenSource(OperationTimeout, _time);
            await client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(topicFilter).Build(), deadline.Token);
        }
        catch (Exception ex) when (IsExpectedFault(ex))
        {
            // A lost connection drops the subscription anyway.
            _logger.LogDebug("Unsubscribe from {Topic} failed ({Reason})", topicFilter, BrokerFault.Reason(ex));
        }
    }

    /// <summary>Kept short: MQTTnet runs message handlers one at a time, so only hand work on.</summary>
    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        var payload = message.ConvertPayloadToString() ?? string.Empty;

        // A retained "online" delivered on subscribe is an old birth, already answered by the on-connect resend.
        if (!message.Retain
            && string.Equals(message.Topic, _homeAssistantStatusTopic, StringComparison.Ordinal)
            && string.Equals(payload, Online, StringComparison.Ordinal))
        {
            ScheduleBirthResend();
        }

        if (message.Retain && payload.Length > 0)
        {
            lock (_readersGate)
            {
                foreach (var reader in _readers)
                {
                    reader.Offer(message.Topic, payload);
                }
            }
        }

        return Task.CompletedTask;
    }

    private void ScheduleBirthResend()
    {
        var delay = TimeSpan.FromMilliseconds(NextRandom() * MaxBirthDelay.TotalMilliseconds);
        _logger.LogInformation("Home Assistant is online; sending discovery and states again in {Delay} s", delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        var timer = _time.CreateTimer(static state => ((MqttConnection)state!).ResendAll(), this, delay, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _birthTimer, timer)?.Dispose();
    }

    private void ResendAll()
    {
        // A subscriber that raced our on-connect "online" (a subscribe and a concurrent retained publish are not
        // atomic in every broker) would show every entity unavailable: the birth answer repeats it.
        Volatile.Write(ref _resendStatus, 1);
        _store.MarkAllDirty(_time.GetTimestamp());
        _wake.Writer.TryWrite(true);
    }

    private async Task CloseCleanlyAsync()
    {
        Interlocked.Exchange(ref _birthTimer, null)?.Dispose();
        var client = Interlocked.Exchange(ref _client, null);
        _isConnected = false;
        if (client is null)
        {
            return;
        }

        try
        {
            if (client.IsConnected)
            {
                // Own deadlines: the stopping token is already cancelled, and a publish cancelled mid-flight can
                // leave the next one hanging on a dead connection.
                using (var deadline = new CancellationTokenSource(StopPublishTimeout, _time))
                {
                    await PublishAsync(client, _statusTopic, Offline, deadline.Token);
                }

                using (var deadline = new CancellationTokenSource(StopDisconnectTimeout, _time))
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), deadline.Token);
                }

                _logger.LogInformation("Published {Topic} = offline and disconnected from MQTT broker {Broker}", _statusTopic, BrokerEndpoint);
            }
        }
        catch (Exception ex) when (IsExpectedFault(ex))
        {
            _logger.LogWarning("Could not say offline to MQTT broker {Broker} ({Reason}); its Last Will will", BrokerEndpoint, BrokerFault.Reason(ex));
        }
        finally
        {
            client.Dispose();
        }
    }

    private (string Host, int Port) ResolveBroker()
    {
        if (!_options.UsesEmbeddedBroker)
        {
            return (_options.Host!.Trim(), _options.Port);
        }

        if (_broker is not null)
        {
            return (_broker.ClientAddress.ToString(), _broker.Port);
        }

        var bind = _embedded.Bind.Trim();
        var host = bind is "" or "0.0.0.0" or "::" ? "127.0.0.1" : bind;
        return (host, _embedded.Port);
    }

    private double NextRandom()
    {
        lock (_randomGate)
        {
            return _random.NextDouble();
        }
    }

    private static bool IsExpectedFault(Exception ex) => ex is MqttCommunicationException
        or SocketException
        or IOException
        or TimeoutException
        or OperationCanceledException
        or ObjectDisposedException
        or AuthenticationException
        or CryptographicException
        or BrokerRefusedException;

    /// <summary>One <see cref="ReadRetainedAsync"/> call: its filter and what arrived for it.</summary>
    private sealed class RetainedReader(string filter)
    {
        private readonly Dictionary<string, string> _messages = new(StringComparer.Ordinal);

        public Channel<bool> Arrived { get; } = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        public IReadOnlyDictionary<string, string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return new Dictionary<string, string>(_messages, StringComparer.Ordinal);
                }
            }
        }

        public void Offer(string topic, string payload)
        {
            if (MqttTopicFilterComparer.Compare(topic, filter) != MqttTopicFilterCompareResult.IsMatch)
            {
                return;
            }

            lock (_messages)
            {
                _messages[topic] = payload;
            }

            Arrived.Writer.TryWrite(true);
        }
    }
}
