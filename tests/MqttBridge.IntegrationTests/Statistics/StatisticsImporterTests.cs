using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.Mqtt;
using MqttBridge.Statistics;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.Statistics;

/// <summary>The statistics import against a fake Home Assistant that validates as Home Assistant does.</summary>
public sealed class StatisticsImporterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private static readonly FaultSchedule Quick = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400));
    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-stats-").FullName;
    private readonly TestLogger<StatisticsImporter> _log = new(output);

    private static LocalDay Yesterday => LocalDay.Of(TimeProvider.System.GetUtcNow(), Oslo).Previous;

    /// <summary>Yesterday's hours at 0.5 + 0.1 × hour index kWh (quarter-hours of a quarter each), with <paramref name="change"/> applied.</summary>
    private static SiteView Site(Func<DateTimeOffset, decimal, decimal>? change = null, bool tariff = true)
    {
        var day = Yesterday;
        var readings = new List<MeterReading>();
        var index = 0;
        for (var t = day.Start; t < day.End; t = t.AddHours(1), index++)
        {
            var kwh = change?.Invoke(t, 0.5m + (0.1m * index)) ?? 0.5m + (0.1m * index);
            for (var q = 0; q < 4; q++)
            {
                readings.Add(new MeterReading(t.AddMinutes(15 * q), t.AddMinutes(15 * (q + 1)), kwh / 4));
            }
        }

        var now = TimeProvider.System.GetUtcNow();
        var meter = new SourceReport(SourceRole.Meter, "elvia", SourceCapabilities.Consumption)
        {
            MeterData = new MeterSnapshot(new ConsumptionSeries(readings), null, now, now.AddHours(3)),
            LastGoodFetch = now,
        };

        // 15-minute grid prices: 1.00 in the first half of each hour, 0.60 in the second: 0.80 per hour time-weighted.
        var slots = new List<PriceSlot>();
        for (var t = day.Start; t < day.End.AddDays(1); t = t.AddMinutes(15))
        {
            slots.Add(new PriceSlot(t, t.AddMinutes(15), t.Minute < 30 ? 1.00m : 0.60m));
        }

        var tariffReport = tariff
            ? new SourceReport(SourceRole.Tariff, "static", SourceCapabilities.PriceCurve) { TariffData = new TariffSnapshot(new PriceCurve("NOK", slots), null, now, now.AddDays(1)), LastGoodFetch = now }
            : null;
        return new SiteView("home", "Home", Oslo, tariffReport, meter);
    }

    private StatisticsImporter Importer(FakeHomeAssistant ha, string? token = null) =>
        new(new HomeAssistantOptions(HomeAssistantOptions.SocketOf(ha.Url)!, token ?? ha.Token), new HashSet<string>(["home"]), _dataDir, TimeProvider.System, _log, Quick);

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, limit.Token).ContinueWith(t => Assert.False(t.IsCanceled, $"timed out waiting for {what}"), TaskScheduler.Default);
        }
    }

    [Theory]
    [InlineData("2025.11.2")]
    [InlineData("2025.10.4")]
    public async Task Imports_yesterdays_hours_with_running_sums_and_time_weighted_cost_in_the_versions_metadata(string version)
    {
        using var ha = new FakeHomeAssistant(version);
        var importer = Importer(ha);
        Assert.Equal(ExportHealth.Starting, importer.Health?.Status);
        await importer.StartAsync(CancellationToken.None);
        importer.Refreshed(Site());
        await UntilAsync(() => ha.Rows("mqttbridge:home_cost").Count > 0 && importer.Health?.Status == ExportHealth.Ok, "the cost rows");
        await importer.StopAsync(CancellationToken.None);

        var hours = (int)Yesterday.Length.TotalHours;
        var consumption = ha.Rows("mqttbridge:home_consumption");
        Assert.Equal(hours, consumption.Count);
        Assert.Equal(Yesterday.Start, consumption[0].Start);
        Assert.Equal(0.5, consumption[0].State, 6);
        Assert.Equal(0.5 + 0.6 + 0.7, consumption[2].Sum, 6);
        Assert.Equal((hours * 0.5) + (0.1 * hours * (hours - 1) / 2), consumption[^1].Sum, 6);

        var cost = ha.Rows("mqttbridge:home_cost");
        Assert.Equal(hours, cost.Count);
        Assert.Equal(0.5 * 0.8, cost[0].State, 6);
        Assert.Equal(consumption[^1].Sum * 0.8, cost[^1].Sum, 6);

        var metadata = ha.Metadata["mqttbridge:home_consumption"];
        Assert.Equal("mqttbridge", metadata["source"]!.GetValue<string>());
        Assert.Equal("kWh", metadata["unit_of_measurement"]!.GetValue<string>());
        Assert.Equal("NOK", ha.Metadata["mqttbridge:home_cost"]["unit_of_measurement"]!.GetValue<string>());
        if (version == "2025.11.2")
        {
            Assert.Equal(0, metadata["mean_type"]!.GetValue<int>());
            Assert.Equal("energy", metadata["unit_class"]!.GetValue<string>());
            Assert.Null(ha.Metadata["mqttbridge:home_cost"]["unit_class"]);
        }
        else
        {
            Assert.False(metadata["has_mean"]!.GetValue<bool>());
        }

        Assert.Empty(ha.Errors);
        Assert.Contains(_log.Lines, l => l.Contains($"Home Assistant {version}", StringComparison.Ordinal));
    }

    /// <summary>A tariff's past prices: hourly, 0.50 for the hours <see cref="Knows"/> says, a gap elsewhere; records each ask.</summary>
    private sealed class FakePastPrices : IPastPrices
    {
        public Func<DateTimeOffset, bool> Knows { get; set; } = _ => false;

        public List<(DateTimeOffset From, DateTimeOffset To)> Asked { get; } = [];

        public Task<PriceCurve> PricesAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
        {
            lock (Asked)
            {
                Asked.Add((from, to));
            }

            var slots = new List<PriceSlot>();
            for (var t = from; t < to; t = t.AddHours(1))
            {
                if (Knows(t))
                {
                    slots.Add(new PriceSlot(t, t.AddHours(1), 0.50m));
                }
            }

            return Task.FromResult(new PriceCurve("NOK", slots));
        }
    }

    /// <summary>The site with a tariff whose curve starts at yesterday 12:00 (a first run at noon) and can price earlier hours through <paramref name="past"/>.</summary>
    private static SiteView SiteWithPast(FakePastPrices past, DateTimeOffset tariffFetched)
    {
        var site = Site();
        var data = site.Tariff!.TariffData!;
        var noon = Yesterday.Start.AddHours(12);
        var curve = new PriceCurve("NOK", data.Curve.Slots.Where(s => s.Start >= noon));
        return site with { Tariff = site.Tariff with { TariffData = data with { Curve = curve, FetchedAt = tariffFetched, Past = past } } };
    }

    [Fact]
    public async Task Hours_before_the_tariffs_curve_get_no_cost_row_until_their_price_is_known_then_come_with_every_later_sum_re_sent()
    {
        using var ha = new FakeHomeAssistant();
        var past = new FakePastPrices();
        var importer = Importer(ha);
        await importer.StartAsync(CancellationToken.None);
        var fetched = TimeProvider.System.GetUtcNow();
        importer.Refreshed(SiteWithPast(past, fetched));
        await UntilAsync(() => ha.Rows("mqttbridge:home_cost").Count > 0, "the cost rows of the priced hours");

        // The tariff was asked for the twelve morning hours; it knew none, so they have no cost row (never 0).
        var noon = Yesterday.Start.AddHours(12);
        Assert.Equal([(Yesterday.Start, noon)], past.Asked);
        var first = ha.Rows("mqttbridge:home_cost");
        Assert.Equal(noon, first[0].Start);
        Assert.DoesNotContain(first, r => r.State == 0);
        Assert.Equal(12 * 0.5 + 0.1 * 66, ha.Rows("mqttbridge:home_consumption")[11].Sum, 6);

        // The same view again asks nothing; once the tariff has refreshed and knows the morning, its rows follow.
        importer.Refreshed(SiteWithPast(past, fetched));
        past.Knows = t => t < noon;
        importer.Refreshed(SiteWithPast(past, fetched.AddHours(1)));
        await UntilAsync(() => ha.Rows("mqttbridge:home_cost").Count == (int)Yesterday.Length.TotalHours, "the morning's cost rows");
        await importer.StopAsync(CancellationToken.None);

        Assert.Equal(2, past.Asked.Count);
        var cost = ha.Rows("mqttbridge:home_cost");
        var consumption = ha.Rows("mqttbridge:home_consumption");
        Assert.Equal(consumption.Select(r => r.Start), cost.Select(r => r.Start));
        Assert.Equal(0.5 * 0.50, cost[0].State, 6);
        Assert.Equal(consumption[12].State * 0.8, cost[12].State, 6);
        Assert.Equal(cost[11].Sum + cost[12].State, cost[12].Sum, 6); // the afternoon's sums now carry the morning
        Assert.Equal(first[^1].Sum + (consumption[11].Sum * 0.50), cost[^1].Sum, 6);
        Assert.Empty(ha.Errors);
    }

    [Fact]
    public async Task A_corrected_hour_is_re_sent_with_every_later_sum_and_nothing_before_it()
    {
        using var ha = new FakeHomeAssistant();
        var importer = Importer(ha);
        await importer.StartAsync(CancellationToken.None);
        importer.Refreshed(Site());
        await UntilAsync(() => ha.Imports.Count == 2, "the first import");
        var before = ha.Rows("mqttbridge:home_consumption");

        var corrected = Yesterday.Start.AddHours(20);
        importer.Refreshed(Site((t, kwh) => t == corrected ? kwh + 1.5m : kwh));
        await UntilAsync(() => ha.Imports.Count == 4, "the correction");
        await importer.StopAsync(CancellationToken.None);

        var resent = ha.Imports[2]["stats"]!.AsArray();
        Assert.Equal(before.Count - 20, resent.Count);
        Assert.Equal(corrected, DateTimeOffset.Parse(resent[0]!["start"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        var after = ha.Rows("mqttbridge:home_consumption");
        Assert.Equal(before[19], after[19]);
        Assert.Equal(before[20].State + 1.5, after[20].State, 6);
        Assert.Equal(before[^1].Sum + 1.5, after[^1].Sum, 6);
        Assert.Equal(ha.Rows("mqttbridge:home_cost")[^1].Sum, after[^1].Sum * 0.8, 6);
    }

    [Fact]
    public async Task A_restart_re_imports_nothing_and_a_lost_record_is_read_back_from_home_assistant()
    {
        using var ha = new FakeHomeAssistant();
        var first = Importer(ha);
        await first.StartAsync(CancellationToken.None);
        first.Refreshed(Site());
        await UntilAsync(() => ha.Imports.Count == 2, "the first import");
        await first.StopAsync(CancellationToken.None);

        // Restarted with its record: the same data sends nothing.
        var second = Importer(ha);
        await second.StartAsync(CancellationToken.None);
        second.Refreshed(Site());
        second.Refreshed(Site(tariff: false));
        await UntilAsync(() => _log.Lines.Count(l => l.Contains("connected", StringComparison.Ordinal)) == 2, "the second connection");
        await second.StopAsync(CancellationToken.None);
        Assert.Equal(2, ha.Imports.Count);

        // Record lost, one hour corrected: read back, only that hour onward is sent, sums continue from Home Assistant's.
        File.Delete(Path.Combine(_dataDir, StatisticsRecord.FileName));
        var last = Yesterday.End.AddHours(-1);
        var third = Importer(ha);
        await third.StartAsync(CancellationToken.None);
        third.Refreshed(Site((t, kwh) => t == last ? kwh + 1m : kwh, tariff: false));
        await UntilAsync(() => ha.Imports.Count == 3, "the corrected last hour");
        await third.StopAsync(CancellationToken.None);

        Assert.Contains("recorder/statistics_during_period", ha.Commands);
        Assert.Single(ha.Imports[2]["stats"]!.AsArray());
        var rows = ha.Rows("mqttbridge:home_consumption");
        Assert.Equal(rows[^2].Sum + rows[^1].State, rows[^1].Sum, 6);
    }

    [Fact]
    public async Task Home_assistant_restarting_mid_way_is_caught_up_after_it_is_back()
    {
        using var ha = new FakeHomeAssistant();
        var importer = Importer(ha);
        await importer.StartAsync(CancellationToken.None);
        importer.Refreshed(Site(tariff: false));
        await UntilAsync(() => ha.Imports.Count == 1, "the first import");

        ha.Stop();
        var corrected = Yesterday.Start.AddHours(3);
        importer.Refreshed(Site((t, kwh) => t == corrected ? kwh * 2 : kwh, tariff: false));
        await UntilAsync(() => _log.Lines.Any(l => l.Contains("trying again", StringComparison.Ordinal)), "the fault");
        ha.Start();
        await UntilAsync(() => ha.Imports.Count == 2, "the import after the restart");
        await importer.StopAsync(CancellationToken.None);

        var rows = ha.Rows("mqttbridge:home_consumption");
        Assert.Equal((0.5 + 0.3) * 2, rows[3].State, 6);
        Assert.Contains(_log.Lines, l => l.Contains("up to date again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_non_admin_token_is_asked_again_only_after_an_hour_on_the_same_connection_with_one_log_line()
    {
        using var ha = new FakeHomeAssistant(admin: false);
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var importer = new StatisticsImporter(new HomeAssistantOptions(HomeAssistantOptions.SocketOf(ha.Url)!, ha.Token), new HashSet<string>(["home"]), _dataDir, time, _log, Quick);
        await importer.StartAsync(CancellationToken.None);
        importer.Refreshed(Site());
        await UntilAsync(() => _log.Lines.Any(l => l.Contains("no administrator", StringComparison.Ordinal)), "the refusal");

        // New data and minutes passing do not bring the next try forward (it was every 5 s … 5 min before).
        importer.Refreshed(Site());
        time.Advance(TimeSpan.FromMinutes(30));
        importer.Refreshed(Site());
        time.Advance(TimeSpan.FromMinutes(29));
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        Assert.Single(ha.Errors);

        time.Advance(TimeSpan.FromMinutes(1));
        await UntilAsync(() => ha.Errors.Count == 2, "the try an hour later");
        await importer.StopAsync(CancellationToken.None);

        Assert.Single(ha.AuthTypes); // one login: the connection is kept, the token itself is fine
        var lines = _log.Lines.Where(l => l.Contains("no administrator", StringComparison.Ordinal) && !l.StartsWith("Debug", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count); // the refusal, and an hour later "still failing since"
        Assert.Contains("still failing since", lines[1], StringComparison.Ordinal);
        Assert.Empty(ha.Rows("mqttbridge:home_consumption"));
        Assert.DoesNotContain(_log.Lines, l => l.Contains(ha.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_token_stops_the_import_after_one_login_attempt_with_one_error_line_naming_the_key()
    {
        using var ha = new FakeHomeAssistant();
        var importer = Importer(ha, token: "not-the-token");
        await importer.StartAsync(CancellationToken.None);
        importer.Refreshed(Site());
        await UntilAsync(() => importer.ExecuteTask!.IsCompleted, "the import to stop");

        // Later data starts nothing: Home Assistant counts each refused login toward its IP ban.
        importer.Refreshed(Site());
        await importer.StopAsync(CancellationToken.None);
        Assert.Single(ha.AuthTypes);
        var line = Assert.Single(_log.Lines, l => l.Contains("refused the token", StringComparison.Ordinal));
        Assert.StartsWith("Error: Statistics stopped", line, StringComparison.Ordinal);
        Assert.Contains("set homeassistant.token and restart the bridge", line, StringComparison.Ordinal);
        Assert.Contains("No more login attempts", line, StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Lines, l => l.Contains(ha.Token, StringComparison.Ordinal) || l.Contains("not-the-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_supervisor_token_says_to_restart_the_add_on_not_to_make_a_long_lived_token()
    {
        using var ha = new FakeHomeAssistant(supervisor: true);
        var importer = new StatisticsImporter(new HomeAssistantOptions(new Uri($"ws://127.0.0.1:{ha.Port}{HomeAssistantOptions.SupervisorSocketPath}"), "stale-supervisor-token"), new HashSet<string>(["home"]), _dataDir, TimeProvider.System, _log, Quick);
        await importer.StartAsync(CancellationToken.None);
        importer.Refreshed(Site());
        await UntilAsync(() => importer.ExecuteTask!.IsCompleted, "the import to stop");
        await importer.StopAsync(CancellationToken.None);

        // bridge/info says it has stopped, and why, without the token.
        Assert.Equal(ExportHealth.Stopped, importer.Health?.Status);
        Assert.Contains("SUPERVISOR_TOKEN", importer.Health?.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("stale-supervisor-token", importer.Health?.Message, StringComparison.Ordinal);
        Assert.Single(ha.AuthTypes);
        var line = Assert.Single(_log.Lines, l => l.Contains("SUPERVISOR_TOKEN", StringComparison.Ordinal));
        Assert.Contains("restart the add-on", line, StringComparison.Ordinal);
        Assert.Contains("until the add-on restarts", line, StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Lines, l => l.Contains("long-lived", StringComparison.Ordinal) || l.Contains("stale-supervisor-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_faults_say_what_happened_refused_tls_or_an_http_page_instead_of_a_websocket()
    {
        using var ha = new FakeHomeAssistant();
        var closed = TestPorts.GetFree();
        var cases = new (Uri Socket, string Says)[]
        {
            (new Uri($"ws://127.0.0.1:{closed}/api/websocket"), $"Home Assistant at ws://127.0.0.1:{closed}/api/websocket not reachable (connection refused); check homeassistant.url"),
            (new Uri($"wss://127.0.0.1:{ha.Port}/api/websocket"), "TLS handshake with Home Assistant at wss://"),
            (new Uri($"ws://127.0.0.1:{ha.Port}/lovelace/0/api/websocket"), "answered HTTP 404 instead of a WebSocket"),
        };
        foreach (var (socket, says) in cases)
        {
            var importer = new StatisticsImporter(new HomeAssistantOptions(socket, ha.Token), new HashSet<string>(["home"]), _dataDir, TimeProvider.System, _log, Quick);
            await importer.StartAsync(CancellationToken.None);
            importer.Refreshed(Site());
            await UntilAsync(() => _log.Lines.Any(l => l.Contains(says, StringComparison.Ordinal)), says);
            await importer.StopAsync(CancellationToken.None);
        }

        Assert.DoesNotContain(_log.Lines, l => l.Contains("Unable to connect", StringComparison.Ordinal));
        Assert.Empty(ha.AuthTypes);
    }

    [Fact]
    public void A_host_name_that_does_not_resolve_is_named_as_such()
    {
        var options = new HomeAssistantOptions(new Uri("ws://homeassistant.lcoal:8123/api/websocket"), "t");
        var fault = new System.Net.WebSockets.WebSocketException("Unable to connect to the remote server", new HttpRequestException("nope", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound)));

        Assert.Equal(
            "Home Assistant at ws://homeassistant.lcoal:8123/api/websocket not reachable (host not found); check homeassistant.url and that Home Assistant runs",
            StatisticsImporter.ConnectFault(fault, options, 0));
    }

    [Fact]
    public async Task Every_different_fault_is_logged_a_repeated_one_hourly_and_the_recovery_once()
    {
        using var ha = new FakeHomeAssistant();
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var importer = new StatisticsImporter(new HomeAssistantOptions(HomeAssistantOptions.SocketOf(ha.Url)!, ha.Token), new HashSet<string>(["home"]), _dataDir, time, _log, Quick);
        await importer.StartAsync(CancellationToken.None);
        importer.Refreshed(Site(tariff: false));
        await UntilAsync(() => ha.Imports.Count == 1, "the first import");

        // Home Assistant goes away after a good import: the lost connection, then the refused reconnects, are logged.
        ha.Stop();
        importer.Refreshed(Site((t, kwh) => kwh * 2, tariff: false));
        async Task AdvanceUntilAsync(Func<bool> condition, string what)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (!condition())
            {
                Assert.False(limit.IsCancellationRequested, $"timed out waiting for {what}");
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
            }
        }

        bool Refused(string l) => l.Contains("(connection refused)", StringComparison.Ordinal);
        await AdvanceUntilAsync(() => _log.Lines.Count(l => l.StartsWith("Debug", StringComparison.Ordinal) && Refused(l)) >= 3, "several refused reconnects");
        Assert.Single(_log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && Refused(l));

        time.Advance(StatisticsImporter.RepeatLogEvery);
        await AdvanceUntilAsync(() => _log.Lines.Any(l => l.Contains("still failing since", StringComparison.Ordinal)), "the hourly reminder");
        Assert.Single(_log.Lines, l => l.Contains("still failing since", StringComparison.Ordinal) && Refused(l));

        ha.Start();
        await AdvanceUntilAsync(() => ha.Imports.Count == 2, "the import after Home Assistant is back");
        await UntilAsync(() => _log.Lines.Any(l => l.Contains("up to date again", StringComparison.Ordinal)), "the recovery line");
        await importer.StopAsync(CancellationToken.None);

        Assert.Single(_log.Lines, l => l.Contains("up to date again", StringComparison.Ordinal));
        Assert.Equal((0.5 + 0.3) * 2, ha.Rows("mqttbridge:home_consumption")[3].State, 6);
    }

    [Fact]
    public async Task The_retry_time_is_logged_in_local_time_with_its_offset_like_the_log_itself()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());
        var time = new FakeTimeProvider(start);
        time.SetLocalTimeZone(Oslo);
        var closed = TestPorts.GetFree();
        var importer = new StatisticsImporter(new HomeAssistantOptions(new Uri($"ws://127.0.0.1:{closed}/api/websocket"), "t"), new HashSet<string>(["home"]), _dataDir, time, _log, Quick);
        await importer.StartAsync(CancellationToken.None);
        importer.Refreshed(Site());
        await UntilAsync(() => _log.Lines.Any(l => l.Contains("trying again at", StringComparison.Ordinal)), "the fault");
        await importer.StopAsync(CancellationToken.None);

        var expected = TimeZoneInfo.ConvertTime(start + Quick.After(1), Oslo).ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(_log.Lines, l => l.Contains($"trying again at {expected} (", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Before_the_meters_first_data_the_url_and_token_are_checked_and_their_state_shown()
    {
        // A meter that has not answered yet (a Fluvius mandate still requested): no rows, yet Home Assistant is asked.
        var now = TimeProvider.System.GetUtcNow();
        var noData = new SiteView("home", "Home", Oslo, null, new SourceReport(SourceRole.Meter, "elvia", SourceCapabilities.Consumption) { LastError = "not yet" });

        using var ha = new FakeHomeAssistant();
        var importer = Importer(ha);
        await importer.StartAsync(CancellationToken.None);
        importer.Refreshed(noData);
        await UntilAsync(() => importer.Health?.Status == ExportHealth.Ok, "the check");
        await importer.StopAsync(CancellationToken.None);
        Assert.Single(ha.AuthTypes);
        Assert.Empty(ha.Metadata);

        // A Home Assistant that is not there: failing, with the reason, before any data.
        var closed = new FakeHomeAssistant();
        var port = closed.Port;
        closed.Dispose();
        var unreachable = new StatisticsImporter(new HomeAssistantOptions(new Uri($"ws://127.0.0.1:{port}/api/websocket"), "token"), new HashSet<string>(["home"]), _dataDir, TimeProvider.System, _log, Quick);
        await unreachable.StartAsync(CancellationToken.None);
        unreachable.Refreshed(noData);
        await UntilAsync(() => unreachable.Health?.Status == ExportHealth.Failing, "the fault");
        await unreachable.StopAsync(CancellationToken.None);
        Assert.Contains("connection refused", unreachable.Health?.Message, StringComparison.Ordinal);
        Assert.True(unreachable.Health!.Since <= TimeProvider.System.GetUtcNow() && unreachable.Health.Since >= now);
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
