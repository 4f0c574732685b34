using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.Scheduling;
using MqttBridge.Sources;
using MqttBridge.Sources.Eloverblik;
using static MqttBridge.TestSupport.EloverblikResponses;

namespace MqttBridge.IntegrationTests.Eloverblik;

/// <summary>
/// The Eloverblik modules against a fake Eloverblik on 127.0.0.1 that enforces Energinet's limits, on a fake clock:
/// the token lifecycle across days and restarts, the limits by construction, faults, and what the sources hand the sensors.
/// </summary>
public sealed class EloverblikSourceTests : IDisposable
{
    private static readonly DateTimeOffset RefreshExpires = At(2027, 2, 1, 12);
    private static readonly string Refresh = Jwt(RefreshExpires, "refresh");

    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-eloverblik-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    /// <summary>One bridge process: its sites made from YAML by the catalog, refreshed as the scheduler would.</summary>
    private sealed class Process : IDisposable
    {
        private readonly SourceContext _context;

        public Process(string yaml, string dataDir, TimeProvider time)
        {
            var result = ConfigLoader.Parse(yaml, "test.yaml", new Dictionary<string, string?>());
            Assert.True(result.IsValid, string.Join("\n", result.Problems));
            _context = new SourceContext(dataDir, time, NullLoggerFactory.Instance);
            Sites = [.. result.Options!.Sites.Select(s => SiteRuntime.Create(s, _context))];
        }

        public List<SiteRuntime> Sites { get; }

        public IEnumerable<SourceRunner> Runners => Sites.SelectMany(s => s.Sources);

        public SiteRuntime Site(string id) => Sites.Single(s => s.Site.Id == id);

        /// <summary>Refreshes every source that is due at <paramref name="now"/>, all at once, as the scheduler's tasks would.</summary>
        public async Task RefreshDueAsync(DateTimeOffset now) =>
            await Task.WhenAll(Sites.SelectMany(site => site.Sources.Where(r => r.Due <= now).Select(r => r.RefreshAsync(site.Site.Id, now, site.Zone, NullLogger.Instance, CancellationToken.None))));

        public void Dispose() => _context.Dispose();
    }

    private string Yaml(FakeEloverblik fake, string extraSites = "", bool tariff = true, string meterExtra = "") => $"""
        data_dir: {_dataDir}
        sites:
          - id: home
            name: Home
            meter:
              type: eloverblik
              refresh_token: {Refresh}
              metering_point_id: "{MeteringPointId}"
              base_url: {fake.BaseUrl}
        {meterExtra}
        {(tariff ? $"""
                    tariff:
                      type: eloverblik
                      refresh_token: {Refresh}
                      base_url: {fake.BaseUrl}
                """ : string.Empty)}
        {extraSites}
        """;

    /// <summary>Runs <paramref name="process"/> from the clock's now to <paramref name="until"/>, stepping to each source's due time.</summary>
    private static async Task RunUntilAsync(Process process, FakeTimeProvider time, DateTimeOffset until)
    {
        for (var guard = 0; guard < 1000; guard++)
        {
            await process.RefreshDueAsync(time.GetUtcNow());
            var next = process.Runners.Min(r => r.Due);
            if (next > until)
            {
                time.SetUtcNow(until);
                return;
            }

            time.SetUtcNow(next > time.GetUtcNow() ? next : time.GetUtcNow());
        }

        Assert.Fail("the sources kept asking to be refreshed at once");
    }

    [Fact]
    public async Task Over_a_week_with_restarts_the_bridge_spends_at_most_one_token_call_a_day_none_after_a_restart_and_never_meets_a_429()
    {
        var time = new FakeTimeProvider(At(2026, 3, 24, 7, 3));
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        fake.Points.Add(("571313180400055555", "E17", "PT1H"));
        var second = """
              - id: cabin
                name: Cabin
                time_zone: Europe/Copenhagen
                meter:
                  type: eloverblik
                  refresh_token: REFRESH
                  metering_point_id: "571313180400055555"
                  base_url: BASE
            """.Replace("REFRESH", Refresh, StringComparison.Ordinal).Replace("BASE", fake.BaseUrl, StringComparison.Ordinal);
        var yaml = Yaml(fake, second);
        var start = time.GetUtcNow();

        // Three processes: a restart on the 26th at noon and one on the 29th (the 23-hour day) in the evening.
        foreach (var until in new[] { At(2026, 3, 26, 12), At(2026, 3, 29, 20), At(2026, 3, 31, 10) })
        {
            using var process = new Process(yaml, _dataDir, time);
            var tokenCallsBefore = fake.TokenCalls;
            await process.RefreshDueAsync(time.GetUtcNow());
            if (time.GetUtcNow() > start)
            {
                Assert.Equal(tokenCallsBefore, fake.TokenCalls); // the token on disk serves after a restart
            }

            await RunUntilAsync(process, time, until);
        }

        Assert.Empty(fake.Violations);
        var days = (int)Math.Ceiling((time.GetUtcNow() - start).TotalDays);
        Assert.InRange(fake.TokenCalls, 1, days);
        var tokenTimes = fake.Calls.Where(c => c.Request.Path.EndsWith("/api/token", StringComparison.Ordinal)).Select(c => c.At).ToList();
        Assert.All(tokenTimes.Zip(tokenTimes.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromHours(23)));

        // Per day: one time series call per meter, one charges call; the metering point list once per process at most.
        Assert.InRange(fake.DataCalls, days * 3 - 3, (days * 3) + 3);
        Assert.All(fake.Calls, c => Assert.Matches("^[0-9a-f-]{36}$", c.Request.Header("X-User-Correlation-ID") ?? string.Empty));
        Assert.DoesNotContain(fake.Calls, c => c.Request.Header("Authorization") == $"Bearer {Refresh}" && !c.Request.Path.EndsWith("/api/token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_data_access_token_is_kept_on_disk_for_the_owner_only_and_without_the_refresh_token()
    {
        var time = new FakeTimeProvider(At(2026, 5, 12, 8));
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        using var process = new Process(Yaml(fake), _dataDir, time);

        await process.RefreshDueAsync(time.GetUtcNow());

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_dataDir, "eloverblik")));
        var text = File.ReadAllText(file);
        Assert.DoesNotContain(Refresh, text, StringComparison.Ordinal);
        Assert.Contains("accessToken", text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        }

        // Both modules of the site shared the one token.
        Assert.Equal(1, fake.TokenCalls);
        Assert.All(process.Site("home").Sources, r => Assert.Null(r.Report.LastError));
        Assert.Equal(RefreshExpires, process.Site("home").Meter!.Report.Diagnostic("token_expires")!.At);
        Assert.Equal(RefreshExpires, process.Site("home").Tariff!.Report.Diagnostic("token_expires")!.At);
    }

    [Fact]
    public async Task A_refused_refresh_token_is_one_clear_message_and_is_not_tried_again_for_an_hour()
    {
        var time = new FakeTimeProvider(At(2026, 5, 12, 8));
        using var fake = new FakeEloverblik(time.GetUtcNow, "another-token");
        using var process = new Process(Yaml(fake), _dataDir, time);

        await process.RefreshDueAsync(time.GetUtcNow());
        time.Advance(TimeSpan.FromMinutes(30));
        await process.RefreshDueAsync(time.GetUtcNow());

        Assert.Equal(1, fake.TokenCalls);
        var meter = process.Site("home").Meter!;
        Assert.StartsWith("Eloverblik refused the refresh token for token (HTTP 401: [50001] TokenNotValid): it expired, was deleted or deactivated, or is not a refresh token; make a new one in the Eloverblik portal", meter.Report.LastError, StringComparison.Ordinal);
        Assert.Contains("X-Correlation-ID fake-1", meter.Report.LastError, StringComparison.Ordinal);
        Assert.Equal(process.Site("home").Tariff!.Report.LastError, meter.Report.LastError);
        Assert.True(meter.Due >= At(2026, 5, 12, 9));
        Assert.DoesNotContain(Refresh, meter.Report.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503, null, 1)]
    [InlineData(429, "300", 5)]
    public async Task A_429_or_503_stops_every_call_of_the_process_for_a_minute_or_what_retry_after_says(int status, string? retryAfter, int minutes)
    {
        var time = new FakeTimeProvider(At(2026, 5, 12, 8));
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        var once = true;
        fake.Override = r =>
        {
            if (!r.Path.Contains("gettimeseries", StringComparison.Ordinal) || !once)
            {
                return null;
            }

            once = false;
            var answer = FakeResponse.Json("\"DataHub unavailable\"", status);
            return retryAfter is null ? answer : answer with { Headers = new Dictionary<string, string> { ["Retry-After"] = retryAfter } };
        };
        using var process = new Process(Yaml(fake, tariff: false), _dataDir, time);

        await process.RefreshDueAsync(time.GetUtcNow());
        var meter = process.Site("home").Meter!;
        Assert.Contains($"Eloverblik answered {status}", meter.Report.LastError, StringComparison.Ordinal);
        Assert.Contains("X-Correlation-ID fake-", meter.Report.LastError, StringComparison.Ordinal);
        Assert.Equal(time.GetUtcNow().AddMinutes(minutes), meter.Due);
        var calls = fake.Calls.Count;

        // Nothing is sent before then, even when asked.
        time.Advance(TimeSpan.FromSeconds(30));
        await meter.RefreshAsync("home", time.GetUtcNow(), Copenhagen, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(calls, fake.Calls.Count);

        time.SetUtcNow(meter.Due);
        await process.RefreshDueAsync(time.GetUtcNow());
        Assert.Null(meter.Report.LastError);
        Assert.NotNull(meter.Report.MeterData!.Consumption.SumOf(LocalDay.Of(time.GetUtcNow(), Copenhagen).Previous));
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task Thirty_metering_points_on_one_login_stay_within_25_calls_a_minute_and_10_points_a_request()
    {
        var time = new FakeTimeProvider(At(2026, 5, 12, 8));
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        var sites = string.Join("\n", Enumerable.Range(0, 30).Select(i =>
        {
            var id = $"5713131804001{i:D5}";
            fake.Points.Add((id, "E17", "PT1H"));
            return $"""
                  - id: s{i}
                    name: S{i}
                    meter:
                      type: eloverblik
                      refresh_token: {Refresh}
                      metering_point_id: "{id}"
                      base_url: {fake.BaseUrl}
                    tariff:
                      type: eloverblik
                      refresh_token: {Refresh}
                      metering_point_id: "{id}"
                      base_url: {fake.BaseUrl}
                """;
        }));
        using var process = new Process(Yaml(fake, sites), _dataDir, time);

        // 62 sources at once: the limiter holds them back; the clock moves on whenever no call is on its way.
        var refresh = process.RefreshDueAsync(time.GetUtcNow());
        while (!refresh.IsCompleted)
        {
            var before = fake.Calls.Count;
            await Task.Delay(TimeSpan.FromMilliseconds(30), TimeProvider.System);
            if (fake.Calls.Count == before)
            {
                time.Advance(TimeSpan.FromSeconds(2));
            }
        }

        await refresh;
        Assert.True(fake.Violations.Count == 0, string.Join("\n", fake.Violations));
        Assert.All(process.Runners, r => Assert.Null(r.Report.LastError));
        Assert.Equal(63, fake.DataCalls);
        Assert.True(time.GetUtcNow() - At(2026, 5, 12, 8) >= TimeSpan.FromMinutes(2), "64 calls need at least three one-minute windows");
    }

    [Fact]
    public async Task The_meter_asks_from_the_first_of_last_month_to_today_then_only_the_days_not_yet_settled()
    {
        var time = new FakeTimeProvider(At(2026, 3, 30, 8, 10)); // the day after spring-forward
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        fake.Quality = (_, t) => t >= At(2026, 3, 27) && t < At(2026, 3, 28) ? "A03" : "A04"; // the 27th is estimated
        using var process = new Process(Yaml(fake, tariff: false), _dataDir, time);

        await process.RefreshDueAsync(time.GetUtcNow());
        var first = fake.Calls.Single(c => c.Request.Path.Contains("gettimeseries", StringComparison.Ordinal)).Request;
        Assert.Equal("/CustomerApi/api/meterdata/gettimeseries/2026-02-01/2026-03-30/Actual", first.Path);
        Assert.Equal($$$"""{"meteringPoints":{"meteringPoint":["{{{MeteringPointId}}}"]}}""", first.Body);
        Assert.StartsWith("Bearer ", first.Header("Authorization"), StringComparison.Ordinal);

        var meter = process.Site("home").Meter!;
        var data = meter.Report.MeterData!;
        var spring = data.Consumption.SumOf(new LocalDay(new DateOnly(2026, 3, 29), Copenhagen))!;
        Assert.Equal((23, 0.5m * 23 + 0.1m * 253), (spring.Intervals, spring.Kwh));
        Assert.False(data.Consumption.SumOf(new LocalDay(new DateOnly(2026, 3, 27), Copenhagen))!.AllVerified);
        Assert.Equal(2.8m, data.MonthMax!.Kw); // hour index 23 of a 24-hour day: 0.5 + 2.3
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.FromHours(1)).AddHours(23), data.LastMonthMax!.Peaks[0].Start);
        Assert.Null(data.Production);
        Assert.Equal(At(2026, 3, 31, 6), meter.Due);

        // Next morning: from the estimated 27th, the first day not settled, to the new today.
        time.SetUtcNow(meter.Due);
        await process.RefreshDueAsync(time.GetUtcNow());
        Assert.EndsWith("/gettimeseries/2026-03-27/2026-03-31/Actual", fake.Calls.Last(c => c.Request.Path.Contains("gettimeseries", StringComparison.Ordinal)).Request.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_inside_an_http_200_names_the_code_and_masks_the_metering_point()
    {
        var time = new FakeTimeProvider(At(2026, 5, 12, 8));
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        fake.Override = r => r.Path.Contains("gettimeseries", StringComparison.Ordinal)
            ? FakeResponse.Json(Envelope(Failed(MeteringPointId, 30006, "AccessToMeteringPointDenied")))
            : null;
        using var process = new Process(Yaml(fake, tariff: false), _dataDir, time);

        await process.RefreshDueAsync(time.GetUtcNow());

        var error = process.Site("home").Meter!.Report.LastError!;
        Assert.StartsWith("Eloverblik answered gettimeseries for metering point …2345 with error 30006 AccessToMeteringPointDenied (AccessToMeteringPointDenied); check metering_point_id", error, StringComparison.Ordinal);
        Assert.DoesNotContain(MeteringPointId, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"[20010] Relation not found\"", "HTTP 400: [20010] Relation not found")]
    [InlineData("""{"type":"about:blank","title":"Bad Request","status":400,"detail":"Invalid date","traceId":"x"}""", "HTTP 400: Bad Request: Invalid date")]
    public async Task Error_bodies_as_bare_strings_or_problem_documents_are_both_reported(string body, string expected)
    {
        var time = new FakeTimeProvider(At(2026, 5, 12, 8));
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        fake.Override = r => r.Path.Contains("getcharges", StringComparison.Ordinal) ? FakeResponse.Json(body, 400) : null;
        using var process = new Process(Yaml(fake), _dataDir, time);

        await process.RefreshDueAsync(time.GetUtcNow());

        Assert.Matches($"^Eloverblik rejected the getcharges request \\({System.Text.RegularExpressions.Regex.Escape(expected)}\\) \\(X-Correlation-ID fake-[0-9]+\\)$", process.Site("home").Tariff!.Report.LastError);
    }

    [Fact]
    public async Task The_grid_price_is_the_charges_summed_with_vat_and_the_subscription_is_per_month()
    {
        var time = new FakeTimeProvider(At(2026, 10, 25, 1, 30)); // the 25-hour day, before the clocks go back
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        using var process = new Process(Yaml(fake), _dataDir, time);

        await process.RefreshDueAsync(time.GetUtcNow());

        var tariff = process.Site("home").Tariff!;
        var data = tariff.Report.TariffData!;
        Assert.Equal("DKK", data.Curve.Currency);
        Assert.Equal((0.10m + 0.83m) * 1.25m, data.Curve.At(time.GetUtcNow())!.Price);
        Assert.Equal(25 + 24 + 24, data.Curve.Slots.Count);
        Assert.Equal(31.25m, data.SubscriptionMonthly);
        Assert.Equal(At(2026, 10, 26), tariff.Due);

        // At midnight the curve moves on without a call; the charges are asked again a day after they were.
        var calls = fake.DataCalls;
        time.SetUtcNow(tariff.Due);
        await process.RefreshDueAsync(time.GetUtcNow());
        Assert.Equal(calls, fake.DataCalls);
        Assert.Equal(At(2026, 10, 26), tariff.Report.TariffData!.Curve.Start);
    }

    [Fact]
    public async Task After_a_restart_the_charges_and_readings_on_disk_serve_without_any_call()
    {
        var time = new FakeTimeProvider(At(2026, 5, 12, 8));
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        using (var first = new Process(Yaml(fake), _dataDir, time))
        {
            await first.RefreshDueAsync(time.GetUtcNow());
        }

        var calls = fake.Calls.Count;
        time.Advance(TimeSpan.FromHours(2));
        using var second = new Process(Yaml(fake), _dataDir, time);
        await second.RefreshDueAsync(time.GetUtcNow());

        Assert.Equal(calls, fake.Calls.Count);
        var site = second.Site("home");
        Assert.NotNull(site.Meter!.Report.MeterData!.Consumption.SumOf(LocalDay.Of(time.GetUtcNow(), Copenhagen).Previous));
        Assert.NotNull(site.Tariff!.Report.TariffData!.Curve.At(time.GetUtcNow()));
        Assert.Equal(At(2026, 5, 13, 6), site.Meter.Due);
    }

    [Fact]
    public async Task Without_a_metering_point_the_logins_first_consumption_point_is_used_and_production_comes_from_its_production_point()
    {
        var time = new FakeTimeProvider(At(2026, 5, 12, 8));
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        fake.Points.Insert(0, (ProductionPointId, "E18", "PT15M"));
        fake.Minutes = 15;
        fake.Kwh = (id, _) => id == ProductionPointId ? 0.25m : 0.1m;
        var yaml = Yaml(fake, tariff: false, meterExtra: "      include_production: true").Replace($"      metering_point_id: \"{MeteringPointId}\"\n", string.Empty, StringComparison.Ordinal);
        using var process = new Process(yaml, _dataDir, time);

        await process.RefreshDueAsync(time.GetUtcNow());

        var series = fake.Calls.Single(c => c.Request.Path.Contains("gettimeseries", StringComparison.Ordinal)).Request;
        Assert.Equal($$$"""{"meteringPoints":{"meteringPoint":["{{{MeteringPointId}}}","{{{ProductionPointId}}}"]}}""", series.Body);
        var data = process.Site("home").Meter!.Report.MeterData!;
        var yesterday = LocalDay.Of(time.GetUtcNow(), Copenhagen).Previous;
        Assert.Equal(9.6m, data.Consumption.SumOf(yesterday)!.Kwh);
        Assert.Equal(24m, data.Production!.SumOf(yesterday)!.Kwh);
        Assert.Equal(0.4m, data.MonthMax!.Kw); // four quarters of 0.1 in a clock hour
    }

    [Fact]
    public async Task The_refresh_token_expiry_is_published_and_warned_about_from_30_days_before()
    {
        var time = new FakeTimeProvider(RefreshExpires.AddDays(-20));
        using var fake = new FakeEloverblik(time.GetUtcNow, Refresh);
        var logs = new List<string>();
        using var loggers = LoggerFactoryOf(logs);
        using var limits = new EloverblikLimits(time, loggers);
        using var client = new EloverblikClient(fake.BaseUrl, Refresh, limits, _dataDir, loggers.CreateLogger("test"));

        client.WarnIfExpiring(time.GetUtcNow(), Copenhagen);
        client.WarnIfExpiring(time.GetUtcNow().AddHours(1), Copenhagen);

        Assert.Equal(RefreshExpires, client.RefreshTokenExpires);
        var warning = Assert.Single(logs);
        Assert.Equal("Eloverblik: the refresh token expires on 2027-02-01, in 20 day(s); " + EloverblikClient.NewTokenAdvice, warning);
    }

    private static ListLoggerFactory LoggerFactoryOf(List<string> lines) => new(lines);

    /// <summary>Warnings and errors as the log shows them, in order.</summary>
    private sealed class ListLoggerFactory(List<string> lines) : Microsoft.Extensions.Logging.ILoggerFactory
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lines.Add(formatter(state, exception));
                }
            }
        }
    }
}
