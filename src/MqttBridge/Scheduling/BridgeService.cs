using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MqttBridge.Mqtt;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Storage;

namespace MqttBridge.Scheduling;

/// <summary>
/// The bridge's one loop: asks each source when it is due, renders every site's entities, publishes what changed,
/// and sleeps until the next slot boundary, hour boundary or refresh. The timer is set on the boundary itself
/// (through the injected TimeProvider), so prices change on the minute, not on a polling tick.
/// </summary>
internal sealed partial class BridgeService(
    IReadOnlyList<SiteRuntime> sites,
    IRetainedPublisher publisher,
    Topics topics,
    TimeProvider time,
    ILogger<BridgeService> logger,
    string version,
    DiscoveryRecord? discoveryRecord = null) : BackgroundService
{
    /// <summary>Re-check at least this often, so a wall clock set late at boot (a Pi without RTC) is caught up.</summary>
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan StaleDiscoveryWindow = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, string> _published = new(StringComparer.Ordinal);

    // Discovery topic -> the payload last published there, across restarts: what a site had before.
    private readonly Dictionary<string, string> _discovery = discoveryRecord?.Load() ?? [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var site in sites)
        {
            LogSite(site.Site.Id, site.Site.Tariff?.Type ?? "-", site.Site.Meter?.Type ?? "-", site.Zone.Id);
        }

        ClearRecordedStaleDiscovery();
        var cleanup = ClearStaleDiscoveryAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                await RefreshDueSourcesAsync(now, stoppingToken);
                PublishChanged(now);
                await SleepUntilAsync(NextWake(now), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        await cleanup.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RefreshDueSourcesAsync(DateTimeOffset now, CancellationToken ct)
    {
        foreach (var site in sites)
        {
            if (site.Tariff is { } tariff && tariff.Due <= now)
            {
                await RefreshAsync(site, tariff, now, async t => new SourceUpdate(await t.FetchAsync(now, ct), null), ct);
            }

            if (site.Meter is { } meter && meter.Due <= now)
            {
                await RefreshAsync(site, meter, now, async m => new SourceUpdate(null, await m.FetchAsync(now, ct)), ct);
            }
        }
    }

    private async Task RefreshAsync<TSource>(SiteRuntime site, SourceSlot<TSource> slot, DateTimeOffset now, Func<TSource, Task<SourceUpdate>> fetch, CancellationToken ct)
    {
        try
        {
            var update = await fetch(slot.Source);
            var next = update.Tariff?.NextRefresh ?? update.Meter?.NextRefresh ?? now.AddHours(1);
            slot.Due = next > now ? next : now.AddMinutes(1);
            slot.Failures = 0;
            slot.View = slot.View with
            {
                TariffData = update.Tariff ?? slot.View.TariffData,
                MeterData = update.Meter ?? slot.View.MeterData,
                LastGoodFetch = now,
                NextAttempt = slot.Due,
                LastError = null,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Expected faults keep the last good data; the sensors go unknown only when that data runs out.
            slot.Failures++;
            var retryAt = (ex as SourceException)?.RetryAt ?? now + Backoff(slot.Failures);
            slot.Due = retryAt > now ? retryAt : now.AddMinutes(1);
            var message = ex is SourceException ? ex.Message : $"unexpected {ex.GetType().Name}: {ex.Message}";
            slot.View = slot.View with { NextAttempt = slot.Due, LastError = message };
            LogSourceFailed(site.Site.Id, slot.View.Role, slot.View.Type, message, Format.Timestamp(slot.Due, site.Zone));
        }
    }

    /// <summary>1, 2, 4 … minutes, at most an hour: a failing API is asked again, but never hammered.</summary>
    internal static TimeSpan Backoff(int failures) => TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Clamp(failures - 1, 0, 10))));

    private void PublishChanged(DateTimeOffset now)
    {
        foreach (var site in sites)
        {
            var discovery = topics.Discovery(site.Site.Id);
            foreach (var (topic, payload) in SiteSensors.Render(site.View, now, topics, version))
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

        PublishIfChanged(topics.BridgeInfo, BridgeInfo.Render(sites.Select(s => s.View), version));
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
            discoveryRecord?.Save(_discovery);
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

            if (site.Tariff?.Due is { } tariffDue && tariffDue < next)
            {
                next = tariffDue;
            }

            if (site.Meter?.Due is { } meterDue && meterDue < next)
            {
                next = meterDue;
            }
        }

        return next;
    }

    private async Task SleepUntilAsync(DateTimeOffset target, CancellationToken ct)
    {
        // A timer may fire a hair early; sleep again for the rest so the boundary is never rendered too soon.
        for (var now = time.GetUtcNow(); now < target; now = time.GetUtcNow())
        {
            await Task.Delay(target - now, time, ct);
        }
    }

    /// <summary>Sites the record in data_dir knows and the configuration no longer has: cleared at once, broker or not.</summary>
    private void ClearRecordedStaleDiscovery()
    {
        var ids = sites.Select(s => s.Site.Id).ToHashSet(StringComparer.Ordinal);
        var stale = StaleDiscovery.TopicsToClear(_discovery, ids, topics);
        foreach (var topic in stale)
        {
            LogClearing(topic);
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
            var ids = sites.Select(s => s.Site.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var topic in StaleDiscovery.TopicsToClear(retained, ids, topics))
            {
                LogClearing(topic);
                publisher.Publish(topic, string.Empty);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped before the broker answered: the next start clears them.
        }
    }

    private sealed record SourceUpdate(TariffSnapshot? Tariff, MeterSnapshot? Meter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {Site}: tariff {Tariff}, meter {Meter}, time zone {Zone}")]
    private partial void LogSite(string site, string tariff, string meter, string zone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {Site}: {Role} source {Type} failed: {Reason}; keeping the last good data, next attempt at {Next}")]
    private partial void LogSourceFailed(string site, string role, string type, string reason, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retracting {Components} from {Topic}: the site no longer publishes them")]
    private partial void LogRetracting(string topic, string components);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clearing {Topic}: its site is no longer configured")]
    private partial void LogClearing(string topic);
}
