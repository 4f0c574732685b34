using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MqttBridge.Domain;
using MqttBridge.Mqtt;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Storage;

namespace MqttBridge.Scheduling;

/// <summary>
/// The bridge's one loop: starts each source's refresh when it is due (each in its own task, so a slow or failing API
/// never holds up another site or a slot-boundary publish), renders every site's entities, publishes what changed, and
/// sleeps until the next slot boundary, hour boundary or refresh — or until a refresh ends. The timer is set on the
/// boundary itself (through the injected TimeProvider), so prices change on the minute, not on a polling tick.
/// </summary>
internal sealed partial class BridgeService(
    IReadOnlyList<SiteRuntime> sites,
    IRetainedPublisher publisher,
    Topics topics,
    TimeProvider time,
    ILogger<BridgeService> logger,
    string version,
    DiscoveryRecord? discoveryRecord = null,
    ISiteObserver? observer = null) : BackgroundService
{
    /// <summary>Re-check at least this often, so a wall clock set late at boot (a Pi without RTC) is caught up.</summary>
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan StaleDiscoveryWindow = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, string> _published = new(StringComparer.Ordinal);

    /// <summary>Refreshes under way; only the loop adds and removes.</summary>
    private readonly Dictionary<SourceRunner, Task> _refreshing = [];

    /// <summary>Released when a refresh ends, so the loop publishes its data at once.</summary>
    /// <remarks>Capacity one: a thousand refreshes ending together are one wake and one render, not a thousand.</remarks>
    private readonly Channel<bool> _refreshed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Discovery topic -> the payload last published there, across restarts: what a site had before.
    private readonly Dictionary<string, string> _discovery = discoveryRecord?.Load() ?? [];

    // Set when _discovery changed in this pass: the record is written once per pass, not once per site (with
    // 1,000 sites starting, a write per site rewrote the whole file a thousand times: 11 of the 12 s of start).
    private bool _discoveryChanged;

    // Per site (by position), what its messages were last rendered from and until when they hold.
    private readonly RenderMark?[] _rendered = new RenderMark?[sites.Count];
    private bool _bridgeInfoRendered;
    private ExportHealth? _statisticsShown;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var site in sites)
        {
            LogSite(site.Site.Id, site.Site.Tariff?.Type ?? "-", site.Site.Meter?.Type ?? "-", site.Zone.Id);
        }

        if (observer is not null)
        {
            // The statistics import's health goes into bridge/info: a change wakes the loop like a refresh does.
            observer.HealthChanged += () => _refreshed.Writer.TryWrite(true);
        }

        ClearRecordedStaleDiscovery();
        var cleanup = ClearStaleDiscoveryAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                StartDueRefreshes(now, stoppingToken);
                PublishChanged(now);
                await SleepUntilAsync(NextWake(now), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        await Task.WhenAll(_refreshing.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await cleanup.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void StartDueRefreshes(DateTimeOffset now, CancellationToken ct)
    {
        foreach (var done in _refreshing.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
        {
            _refreshing.Remove(done);
        }

        foreach (var site in sites)
        {
            foreach (var source in site.Sources)
            {
                if (source.Due <= now && !_refreshing.ContainsKey(source))
                {
                    _refreshing[source] = RefreshAsync(site, source, now, ct);
                }
            }
        }
    }

    private async Task RefreshAsync(SiteRuntime site, SourceRunner source, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await source.RefreshAsync(site.Site.Id, now, site.Zone, logger, ct);
            if (source == site.Meter)
            {
                site.RecordPeaks(now);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            observer?.Refreshed(site.View);
            _refreshed.Writer.TryWrite(true);
        }
    }

    private void PublishChanged(DateTimeOffset now)
    {
        var rendered = false;
        for (var i = 0; i < sites.Count; i++)
        {
            var site = sites[i];
            // Until each of its sources has answered once, a site publishes nothing: its states would all be unknown, and its
            // discovery could lack what only data reveals (a power price), which would retract it for a moment.
            if (!site.Ready)
            {
                continue;
            }

            // Rendering is pure in the sources' reports and the instant, and its output holds until SiteSensors.NextChange:
            // a site whose reports are the same objects as last time, before that instant, would render the same messages.
            var mark = new RenderMark(site.Tariff?.Report, site.Meter?.Report, now, SiteSensors.NextChange(site.View, now));
            if (_rendered[i] is { } last && last.Holds(mark))
            {
                continue;
            }

            // Discovery follows from the reports alone: with the same reports (a boundary), it is what was published.
            var sameReports = _rendered[i] is { } previous && previous.SameReports(mark);
            _rendered[i] = mark;
            rendered = true;
            var discovery = topics.Discovery(site.Site.Id);
            foreach (var (topic, payload) in SiteSensors.Render(site.View, now, topics, version, withDiscovery: !sameReports))
            {
                if (topic == discovery)
                {
                    PublishDiscovery(topic, payload);
                }
                else
                {
                    PublishIfChanged(topic, payload);
                }
            }
        }

        // bridge/info says what the sites' reports and the statistics import say: only a pass that rendered a site, or
        // a change of the import's health, can have changed it.
        var statistics = observer?.Health;
        if (rendered || !_bridgeInfoRendered || statistics != _statisticsShown)
        {
            (_bridgeInfoRendered, _statisticsShown) = (true, statistics);
            PublishIfChanged(topics.BridgeInfo, BridgeInfo.Render(sites.Select(s => s.View), version, now, statistics));
        }

        if (_discoveryChanged)
        {
            _discoveryChanged = false;
            discoveryRecord?.Save(_discovery);
        }
    }

    /// <summary>
    /// A site's discovery. Components it no longer has (a source removed, <c>include_production</c> turned off, a price
    /// the API stopped sending) are sent once in Home Assistant's removal form, then the payload without them, then their
    /// retained state and attributes are cleared: nothing is left that Home Assistant or a flow would still read.
    /// </summary>
    private void PublishDiscovery(string topic, string payload)
    {
        if (_published.TryGetValue(topic, out var last) && last == payload)
        {
            return;
        }

        IReadOnlyList<string> clear = [];
        if (_discovery.TryGetValue(topic, out var previous) && previous != payload && StaleDiscovery.Retract(previous, payload, topics) is { } retraction)
        {
            LogRetracting(topic, string.Join(", ", retraction.Removed));
            publisher.PublishOnce(topic, retraction.RemovalPayload);
            clear = retraction.TopicsToClear;
        }

        PublishIfChanged(topic, payload);
        foreach (var stale in clear)
        {
            PublishIfChanged(stale, string.Empty);
        }

        if (previous != payload)
        {
            _discovery[topic] = payload;
            _discoveryChanged = true;
        }
    }

    private void PublishIfChanged(string topic, string payload)
    {
        if (_published.TryGetValue(topic, out var last) && last == payload)
        {
            return;
        }

        _published[topic] = payload;
        publisher.Publish(topic, payload);
    }

    private DateTimeOffset NextWake(DateTimeOffset now)
    {
        var next = now + MaxSleep;
        foreach (var site in sites)
        {
            if (SiteSensors.NextChange(site.View, now) is { } change && change < next)
            {
                next = change;
            }

            foreach (var source in site.Sources)
            {
                // A refresh under way wakes the loop when it ends; its old due time would spin the loop.
                if (source.Due < next && !_refreshing.ContainsKey(source))
                {
                    next = source.Due;
                }
            }
        }

        return next;
    }

    private async Task SleepUntilAsync(DateTimeOffset target, CancellationToken ct)
    {
        // A timer may fire a hair early; sleep again for the rest so the boundary is never rendered too soon.
        for (var now = time.GetUtcNow(); now < target; now = time.GetUtcNow())
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var timer = Task.Delay(target - now, time, stop.Token);
            var refreshed = _refreshed.Reader.ReadAsync(stop.Token).AsTask();
            var first = await Task.WhenAny(timer, refreshed);
            await stop.CancelAsync();
            ct.ThrowIfCancellationRequested();
            if (first == refreshed)
            {
                return;
            }
        }
    }

    /// <summary>Sites the record in data_dir knows and the configuration no longer has: cleared at once, broker or not.</summary>
    private void ClearRecordedStaleDiscovery()
    {
        var ids = sites.Select(s => s.Site.Id).ToHashSet(StringComparer.Ordinal);
        var stale = StaleDiscovery.TopicsToClear(_discovery, ids, topics);
        LogClearing(stale);
        foreach (var topic in stale)
        {
            PublishIfChanged(topic, string.Empty);
            _discovery.Remove(topic);
        }

        if (stale.Count > 0)
        {
            discoveryRecord?.Save(_discovery);
        }
    }

    private async Task ClearStaleDiscoveryAsync(CancellationToken ct)
    {
        try
        {
            var retained = await publisher.ReadRetainedAsync(topics.AllDeviceDiscovery, StaleDiscoveryWindow, ct);
            if (publisher.AnotherBridgeOnline)
            {
                // Sites the broker shows but this config lacks are then likely the other bridge's, still live.
                return;
            }

            var ids = sites.Select(s => s.Site.Id).ToHashSet(StringComparer.Ordinal);
            var stale = StaleDiscovery.TopicsToClear(retained, ids, topics);
            LogClearing(stale);
            foreach (var topic in stale)
            {
                publisher.Publish(topic, string.Empty);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped before the broker answered: the next start clears them.
        }
    }

    /// <summary>A site's render: from which reports (compared by reference: a refresh makes new ones), at and until which instant.</summary>
    private sealed record RenderMark(SourceReport? Tariff, SourceReport? Meter, DateTimeOffset At, DateTimeOffset? Until)
    {
        /// <summary>True when <paramref name="now"/> would render what this mark rendered: same reports, within [At, Until).</summary>
        public bool Holds(RenderMark now) => SameReports(now) && now.At >= At && (Until is null || now.At < Until);

        public bool SameReports(RenderMark other) => ReferenceEquals(Tariff, other.Tariff) && ReferenceEquals(Meter, other.Meter);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {Site}: tariff {Tariff}, meter {Meter}, time zone {Zone}")]
    private partial void LogSite(string site, string tariff, string meter, string zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retracting {Components} from {Topic}: the site no longer publishes them")]
    private partial void LogRetracting(string topic, string components);

    /// <summary>
    /// One line per cleared device config up to <see cref="ClearedNamed"/>, then one line for the rest; the state
    /// topics cleared with them are not named. Removing a thousand sites is not fifteen thousand lines.
    /// </summary>
    private void LogClearing(IReadOnlyCollection<string> stale)
    {
        var devices = stale.Where(t => t.StartsWith($"{topics.DiscoveryPrefix}/device/", StringComparison.Ordinal)).ToList();
        foreach (var topic in devices.Take(ClearedNamed))
        {
            LogClearing(topic);
        }

        if (devices.Count > ClearedNamed)
        {
            LogClearingMore(devices.Count - ClearedNamed);
        }
    }

    private const int ClearedNamed = 10;

    [LoggerMessage(Level = LogLevel.Information, Message = "Clearing {Topic}: its site is no longer configured")]
    private partial void LogClearing(string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clearing {Count} more devices whose sites are no longer configured")]
    private partial void LogClearingMore(int count);
}
