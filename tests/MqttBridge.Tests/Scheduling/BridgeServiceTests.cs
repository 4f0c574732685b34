using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Domain;
using MqttBridge.Scheduling;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Storage;
using MqttBridge.Tests.Support;
using static MqttBridge.Tests.Support.TestCurves;

namespace MqttBridge.Tests.Scheduling;

public sealed class BridgeServiceTests
{
    private static readonly Topics Topics = new("mqttbridge", "homeassistant");

    /// <summary>A tariff source that serves a curve built on demand, or fails when told to.</summary>
    private sealed class ScriptedTariff(Func<DateTimeOffset, PriceCurve> curve) : ITariffSource
    {
        public int Calls { get; private set; }

        public Exception? FailWith { get; set; }

        public Task<TariffSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            Calls++;
            if (FailWith is { } ex)
            {
                throw ex;
            }

            return Task.FromResult(new TariffSnapshot(curve(now), null, now, LocalDay.Of(now, Oslo).Next.Start));
        }
    }

    /// <summary>A tariff API that takes <paramref name="delay"/> (on the fake clock) to answer each call.</summary>
    private sealed class SlowTariff(TimeProvider time, TimeSpan delay, Func<DateTimeOffset, PriceCurve> curve) : ITariffSource
    {
        public int Answered { get; private set; }

        public async Task<TariffSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, time, cancellationToken);
            Answered++;
            return new TariffSnapshot(curve(now), null, now, LocalDay.Of(now, Oslo).Next.Start);
        }
    }

    private static SiteRuntime Runtime(string id, ITariffSource source) =>
        new(Site(id, id), Oslo, SourceRunner.For(new SourceReport(SourceRole.Tariff, "scripted", SourceCapabilities.PriceCurve), source), null);

    private static (BridgeService Service, RecordingPublisher Publisher) Start(FakeTimeProvider time, ITariffSource source, RecordingPublisher? publisher = null)
    {
        publisher ??= new RecordingPublisher();
        var service = new BridgeService([new SiteRuntime(Site(), Oslo, SourceRunner.For(new SourceReport(SourceRole.Tariff, "scripted", SourceCapabilities.PriceCurve), source), null)], publisher, Topics, time, NullLogger<BridgeService>.Instance, "0.1.0");
        return (service, publisher);
    }

    private static decimal DayNight(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Oslo).Hour is >= 6 and < 22 ? 0.466m : 0.314m;

    [Fact]
    public async Task Grid_price_changes_exactly_at_0600()
    {
        var time = new FakeTimeProvider(Local(2026, 11, 23, 5, 59));
        var source = new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, DayNight));
        var (service, publisher) = Start(time, source);
        await service.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal("0.314", await publisher.WaitForAsync("mqttbridge/home/grid_price", _ => true));

            time.Advance(TimeSpan.FromSeconds(59.999));
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            Assert.Equal("0.314", publisher.Get("mqttbridge/home/grid_price"));

            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal("0.466", await publisher.WaitForAsync("mqttbridge/home/grid_price", v => v == "0.466"));
            Assert.Equal("0.466", publisher.Get("mqttbridge/home/next_hour_price"));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Grid_price_changes_at_0300_on_the_25_hour_day()
    {
        // 2026-10-25: 02:00-03:00 local happens twice; a price per clock hour (ClockPrice) must step 1 → 2 (CEST) → 2 (CET) → 3.
        var time = new FakeTimeProvider(Local(2026, 10, 25, 1, 30));
        var source = new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, ClockPrice));
        var (service, publisher) = Start(time, source);
        await service.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal("1", await publisher.WaitForAsync("mqttbridge/home/grid_price", _ => true));
            time.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal("2", await publisher.WaitForAsync("mqttbridge/home/grid_price", v => v == "2"));
            time.Advance(TimeSpan.FromHours(1));
            Assert.Equal("2.001", await publisher.WaitForAsync("mqttbridge/home/grid_price", v => v == "2.001"));
            Assert.Equal("3.001", publisher.Get("mqttbridge/home/next_hour_price"));
            time.Advance(TimeSpan.FromHours(1));
            Assert.Equal("3.001", await publisher.WaitForAsync("mqttbridge/home/grid_price", v => v == "3.001"));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Keeps_last_price_when_the_source_fails_and_says_so()
    {
        var time = new FakeTimeProvider(Local(2026, 11, 23, 12));
        var source = new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, DayNight));
        var (service, publisher) = Start(time, source);
        await service.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal("0.466", await publisher.WaitForAsync("mqttbridge/home/grid_price", _ => true));
            source.FailWith = new SourceException("HTTP 503 from the test server");

            // The refresh at midnight fails: yesterday's snapshot still covers the 24th, so prices go on.
            time.Advance(TimeSpan.FromHours(12));
            await publisher.WaitForAsync("mqttbridge/home/tariff_problem/attributes", v => v.Contains("503", StringComparison.Ordinal));
            Assert.Equal("0.314", publisher.Get("mqttbridge/home/grid_price"));
            Assert.Equal("OFF", publisher.Get("mqttbridge/home/tariff_problem"));
            Assert.Contains("HTTP 503", publisher.Get("mqttbridge/bridge/info"), StringComparison.Ordinal);

            // A whole day later the data has run out: unknown, and the problem sensor turns on.
            time.Advance(TimeSpan.FromHours(24));
            Assert.Equal("None", await publisher.WaitForAsync("mqttbridge/home/grid_price", v => v == "None"));
            Assert.Equal("ON", publisher.Get("mqttbridge/home/tariff_problem"));

            // The source recovers at its next attempt: prices are back.
            source.FailWith = null;
            time.Advance(TimeSpan.FromHours(1));
            Assert.NotEqual("None", await publisher.WaitForAsync("mqttbridge/home/grid_price", v => v != "None"));
            Assert.Equal("OFF", await publisher.WaitForAsync("mqttbridge/home/tariff_problem", v => v == "OFF"));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Asks_the_source_once_a_day_and_publishes_only_changes()
    {
        var time = new FakeTimeProvider(Local(2026, 12, 31, 0, 30));
        var source = new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, DayNight));
        var (service, publisher) = Start(time, source);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await publisher.WaitForAsync("mqttbridge/home/grid_price", _ => true);
            for (var i = 0; i < 48; i++)
            {
                time.Advance(TimeSpan.FromHours(1));
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
            }

            await publisher.WaitForAsync("mqttbridge/home/next_hour_price/attributes", v => v.Contains("2027-01-02T01:00", StringComparison.Ordinal));

            // Three local days were started (31 Dec, 1 Jan, 2 Jan): one fetch each, across the year boundary.
            Assert.Equal(3, source.Calls);
            var discovery = publisher.Log.Count(m => m.Key == "homeassistant/device/mqttbridge_home/config");
            Assert.Equal(1, discovery);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Clears_discovery_of_sites_that_no_longer_exist()
    {
        var time = new FakeTimeProvider(Local(2026, 11, 23, 12));
        var old = """{"origin":{"name":"MqttBridge"},"availability_topic":"mqttbridge/status","components":{"grid_price":{"platform":"sensor","state_topic":"mqttbridge/cabin/grid_price"}}}""";
        var otherBridge = """{"origin":{"name":"MqttBridge"},"availability_topic":"bridge_b/status","components":{"grid_price":{"platform":"sensor","state_topic":"bridge_b/cabin/grid_price"}}}""";
        var publisher = new RecordingPublisher
        {
            PreExisting = new Dictionary<string, string>
            {
                ["homeassistant/device/mqttbridge_cabin/config"] = old,
                ["homeassistant/device/mqttbridge_bridge_b_cabin/config"] = otherBridge,
            },
        };
        var (service, _) = Start(time, new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, DayNight)), publisher);
        await service.StartAsync(CancellationToken.None);
        try
        {
            var deadline = Environment.TickCount64 + 10_000;
            while (!publisher.Log.Any(m => m.Key == "homeassistant/device/mqttbridge_cabin/config" && m.Value.Length == 0) && Environment.TickCount64 < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
            }

            Assert.Contains(publisher.Log, m => m.Key == "homeassistant/device/mqttbridge_cabin/config" && m.Value.Length == 0);
            Assert.Contains(publisher.Log, m => m.Key == "mqttbridge/cabin/grid_price" && m.Value.Length == 0);
            Assert.NotNull(await publisher.WaitForAsync("homeassistant/device/mqttbridge_home/config", _ => true));
            Assert.DoesNotContain(publisher.Log, m => m.Key.Contains("bridge_b", StringComparison.Ordinal));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(10, 14, false)] // 10:15, a quarter-hour inside the hour
    [InlineData(10, 59, true)] // 11:00, also a clock hour: next_hour_price moves on
    public async Task At_a_slot_boundary_only_the_states_and_the_evcc_forecast_are_sent_again(int hour, int minute, bool clockHour)
    {
        var time = new FakeTimeProvider(Local(2026, 11, 23, hour, minute).AddSeconds(30));
        var site = Runtime("home", new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 15, ClockPrice)));
        var publisher = new RecordingPublisher();
        var service = new BridgeService([site], publisher, Topics, time, NullLogger<BridgeService>.Instance, "0.1.0");
        await service.StartAsync(CancellationToken.None);
        try
        {
            await publisher.WaitForAsync(Topics.BridgeInfo, _ => true);
            var before = publisher.Log.Count;
            var boundary = Local(2026, 11, 23, hour, minute).AddMinutes(1);

            time.Advance(TimeSpan.FromSeconds(30));
            var stamp = Format.Timestamp(boundary, Oslo);
            await publisher.WaitForAsync("mqttbridge/home/evcc/forecast", v => v.StartsWith($"[{{\"start\":\"{stamp}\"", StringComparison.Ordinal));
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);

            var sent = publisher.Log.Skip(before).Select(m => m.Key).ToHashSet();
            var allowed = new HashSet<string>
            {
                "mqttbridge/home/grid_price", "mqttbridge/home/price_level", "mqttbridge/home/evcc/forecast",
            };
            if (clockHour)
            {
                allowed.UnionWith(["mqttbridge/home/next_hour_price", "mqttbridge/home/next_hour_price/attributes"]);
                Assert.Contains("mqttbridge/home/next_hour_price/attributes", sent);
            }

            Assert.Contains("mqttbridge/home/grid_price", sent);
            Assert.Contains("mqttbridge/home/evcc/forecast", sent);
            Assert.Empty(sent.Except(allowed));

            // What is retained is what a bridge started at the boundary would publish: nothing kept from the slot before.
            foreach (var (topic, payload) in SiteSensors.Render(site.View, boundary, Topics, "0.1.0"))
            {
                Assert.Equal(payload, publisher.Get(topic));
            }
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_discovery_record_in_data_dir_holds_every_sites_discovery_after_start()
    {
        var dir = Directory.CreateTempSubdirectory("mqttbridge-record-");
        try
        {
            var time = new FakeTimeProvider(Local(2026, 11, 23, 12));
            var record = new MqttBridge.Storage.DiscoveryRecord(dir.FullName, NullLogger.Instance);
            var sites = Enumerable.Range(0, 3).Select(i => Runtime($"site{i}", new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, DayNight)))).ToList();
            var publisher = new RecordingPublisher();
            var service = new BridgeService(sites, publisher, Topics, time, NullLogger<BridgeService>.Instance, "0.1.0", record);
            await service.StartAsync(CancellationToken.None);
            try
            {
                var deadline = Environment.TickCount64 + 10_000;
                while (record.Load().Count < 3 && Environment.TickCount64 < deadline)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
                }

                var saved = record.Load();
                foreach (var i in Enumerable.Range(0, 3))
                {
                    var topic = $"homeassistant/device/mqttbridge_site{i}/config";
                    Assert.Equal(publisher.Get(topic), saved[topic]);
                }
            }
            finally
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_source_that_takes_a_minute_to_answer_does_not_delay_another_sites_slot_boundary()
    {
        var time = new FakeTimeProvider(Local(2026, 11, 23, 5, 59).AddSeconds(30));
        var slow = new SlowTariff(time, TimeSpan.FromSeconds(60), now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, _ => 9.99m));
        var fast = new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, DayNight));
        var publisher = new RecordingPublisher();
        var service = new BridgeService([Runtime("slow", slow), Runtime("fast", fast)], publisher, Topics, time, NullLogger<BridgeService>.Instance, "0.1.0");
        await service.StartAsync(CancellationToken.None);
        try
        {
            // The fast site publishes at once; the slow one publishes nothing while its API is still busy.
            Assert.Equal("0.314", await publisher.WaitForAsync("mqttbridge/fast/grid_price", _ => true));
            Assert.Null(publisher.Get("homeassistant/device/mqttbridge_slow/config"));
            Assert.Null(publisher.Get("mqttbridge/slow/grid_price"));

            // 06:00, 30 s into the slow call: the fast site's new price is published on the boundary, not after the call.
            time.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal("0.466", await publisher.WaitForAsync("mqttbridge/fast/grid_price", v => v == "0.466"));
            Assert.Equal(0, slow.Answered);
            Assert.Null(publisher.Get("mqttbridge/slow/grid_price"));

            // When the slow API answers, its site's states follow at once.
            time.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal("9.99", await publisher.WaitForAsync("mqttbridge/slow/grid_price", _ => true));
            Assert.NotNull(publisher.Get("homeassistant/device/mqttbridge_slow/config"));
            Assert.Equal(1, slow.Answered);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Removing_many_sites_clears_every_topic_and_names_only_the_first_ten_devices_in_the_log()
    {
        var dataDir = Directory.CreateTempSubdirectory("mqttbridge-clear-").FullName;
        try
        {
            var logger = new FakeLogger<BridgeService>();
            var record = new DiscoveryRecord(dataDir, logger);
            var removed = Enumerable.Range(1, 25).Select(i => $"old{i}").ToList();
            record.Save(removed.ToDictionary(
                Topics.Discovery,
                id => "{\"origin\":{\"name\":\"MqttBridge\"},\"availability_topic\":\"mqttbridge/status\",\"components\":{\"grid_price\":{\"platform\":\"sensor\",\"unique_id\":\"mqttbridge_" + id + "_grid_price\",\"state_topic\":\"mqttbridge/" + id + "/grid_price\"}}}"));

            var time = new FakeTimeProvider(Local(2026, 11, 23, 12));
            var publisher = new RecordingPublisher();
            var source = new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, DayNight));
            var service = new BridgeService([new SiteRuntime(Site(), Oslo, SourceRunner.For(new SourceReport(SourceRole.Tariff, "scripted", SourceCapabilities.PriceCurve), source), null)], publisher, Topics, time, logger, "0.1.0", record);
            await service.StartAsync(CancellationToken.None);
            try
            {
                await publisher.WaitForAsync("mqttbridge/home/grid_price", _ => true);
            }
            finally
            {
                await service.StopAsync(CancellationToken.None);
            }

            // Every removed site's config and state topic is cleared...
            var cleared = publisher.Log.Where(p => p.Value.Length == 0).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
            Assert.All(removed, id => Assert.Contains(Topics.Discovery(id), cleared));
            Assert.All(removed, id => Assert.Contains($"mqttbridge/{id}/grid_price", cleared));

            // ...and the log names ten devices, then says how many more: not a line per topic.
            var lines = logger.Collector.GetSnapshot().Select(r => r.Message).Where(m => m.StartsWith("Clearing", StringComparison.Ordinal)).ToList();
            Assert.Equal(11, lines.Count);
            Assert.Equal("Clearing 15 more devices whose sites are no longer configured", lines[^1]);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Records the views it is told of (the statistics import's seam).</summary>
    private sealed class RecordingObserver : ISiteObserver
    {
        public System.Collections.Concurrent.ConcurrentQueue<SiteView> Views { get; } = new();

        public ExportHealth? Health { get; private set; }

        public event Action? HealthChanged;

        public void Refreshed(SiteView site) => Views.Enqueue(site);

        public void Report(ExportHealth health)
        {
            Health = health;
            HealthChanged?.Invoke();
        }
    }

    [Fact]
    public async Task An_observer_is_told_of_each_sites_view_with_the_data_a_refresh_brought()
    {
        var time = new FakeTimeProvider(Local(2026, 11, 23, 12, 0));
        var observer = new RecordingObserver();
        var source = new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, DayNight));
        var publisher = new RecordingPublisher();
        using var service = new BridgeService([Runtime("home", source)], publisher, Topics, time, NullLogger<BridgeService>.Instance, "0.1.0", observer: observer);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await publisher.WaitForAsync("mqttbridge/home/grid_price", _ => true);
            var view = Assert.Single(observer.Views);
            Assert.Equal("home", view.Id);
            Assert.Equal(0.466m, view.Tariff!.TariffData!.Curve.At(time.GetUtcNow())!.Price);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_statistics_imports_health_is_in_bridge_info_and_a_change_publishes_it_at_once()
    {
        var time = new FakeTimeProvider(Local(2026, 11, 23, 12, 0));
        var observer = new RecordingObserver();
        observer.Report(new ExportHealth(ExportHealth.Starting, null, time.GetUtcNow()));
        var source = new ScriptedTariff(now => Days(LocalDay.Of(now, Oslo).Date, 2, 60, DayNight));
        var publisher = new RecordingPublisher();
        using var service = new BridgeService([Runtime("home", source)], publisher, Topics, time, NullLogger<BridgeService>.Instance, "0.1.0", observer: observer);
        await service.StartAsync(CancellationToken.None);
        try
        {
            var info = await publisher.WaitForAsync("mqttbridge/bridge/info", v => v.Contains("\"statistics\"", StringComparison.Ordinal));
            Assert.Contains("\"statistics\":{\"status\":\"starting\"", info, StringComparison.Ordinal);

            // No refresh and no boundary: the health change alone wakes the loop and is published.
            observer.Report(new ExportHealth(ExportHealth.Failing, "cannot reach Home Assistant at ws://ha:8123/api/websocket (connection refused)", time.GetUtcNow()));
            info = await publisher.WaitForAsync("mqttbridge/bridge/info", v => v.Contains("\"failing\"", StringComparison.Ordinal));
            Assert.Contains("\"message\":\"cannot reach Home Assistant at ws://ha:8123/api/websocket (connection refused)\"", info, StringComparison.Ordinal);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
