using MqttBridge.Domain;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.Sources;
using MqttBridge.Sources.Digin;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;
using static MqttBridge.TestSupport.DiginFixtures;

namespace MqttBridge.IntegrationTests.Digin;

/// <summary>The DIGIN source against a fake GridTariffAPI on 127.0.0.1: the requests it sends, the faults, the calls it spends.</summary>
public sealed class DiginSourceTests : IDisposable
{
    private const string Key = "test-api-key-0123456789";
    private const string MpLow = "707057500000000001";
    private const string MpHigh = "707057500000000002";
    private const string Path = "/digin/api/1.0/tariffquery/meteringpointsgridtariffs";

    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-digin-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static DateTimeOffset Oslo(int year, int month, int day, int hour, int minute = 0) =>
        new(new DateTime(year, month, day, hour, minute, 0), DiginFixtures.Oslo.GetUtcOffset(new DateTime(year, month, day, hour, minute, 0)));

    private DiginService Service(FakeApiServer server, TimeProvider time, bool cache = true) => new(
        DiginEndpoints.ApiRoot(server.BaseUrl),
        Key,
        "Test grid",
        new ApiClient(new HttpClient(), DiginService.PolicyFor("Test grid") with { FirstRetryDelay = TimeSpan.FromMilliseconds(10) }, time, NullLogger.Instance),
        cache ? new ResponseCache(_dataDir, "digin", NullLogger.Instance) : null,
        time,
        NullLogger.Instance);

    private static DiginTariffSource Site(DiginService service, string meteringPoint) =>
        new(service, new DiginTariffOptions { ApiKey = Key, MeteringPointId = meteringPoint, BaseUrl = "unused" });

    /// <summary>The fixture's shape around the request's own startTime, for <paramref name="days"/> days.</summary>
    private static FakeResponse Answer(ReceivedRequest request, string fixture = MonthlyMax, int days = 2)
    {
        using var body = JsonDocument.Parse(request.Body);
        var start = DateTimeOffset.Parse(body.RootElement.GetProperty("startTime").GetString()!, CultureInfo.InvariantCulture);
        return FakeResponse.Json(Around(fixture, DateOnly.FromDateTime(start.DateTime), days));
    }

    private static decimal Expected(DateTimeOffset now, string fixture = MonthlyMax) => PriceOfHour(fixture, TemplateHour(now));

    [Fact]
    public async Task Sends_one_post_for_all_sites_with_the_key_header_and_a_window_of_today_and_tomorrow()
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(r => Answer(r));
        using var service = Service(server, time);
        var low = Site(service, MpLow);
        var high = Site(service, MpHigh);

        var a = await low.FetchAsync(now, CancellationToken.None);
        var b = await high.FetchAsync(now, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(Path, request.Path);
        Assert.Equal(Key, request.Header("X-API-Key"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("2026-11-23T00:00:00+01:00", body.RootElement.GetProperty("startTime").GetString());
        Assert.Equal("2026-11-25T00:00:00+01:00", body.RootElement.GetProperty("endTime").GetString());
        Assert.Equal([MpLow, MpHigh], body.RootElement.GetProperty("meteringPointIds").EnumerateArray().Select(e => e.GetString()));
        Assert.False(body.RootElement.TryGetProperty("range", out _));
        Assert.Contains("\"startTime\":\"2026-11-23T00:00:00+01:00\"", request.Body, StringComparison.Ordinal);

        Assert.Same(a.Curve, b.Curve);
        Assert.Equal(48, a.Curve.Slots.Count);
        Assert.Equal(0.285m, a.Curve.At(now)!.Price);
        Assert.Equal(0.2585m, a.Curve.At(Oslo(2026, 11, 24, 3))!.Price);
        Assert.Equal(Oslo(2026, 11, 24, 0), a.NextRefresh);
        Assert.Equal(1, a.Fixed!.CurrentNumber);
        Assert.Equal(4, b.Fixed!.CurrentNumber);
        Assert.Equal(0.1388m, a.Fixed.PerHour.At(now)!.Price);
    }

    [Fact]
    public async Task Spends_one_call_a_day_and_none_after_a_restart()
    {
        var time = new FakeTimeProvider(Oslo(2026, 11, 23, 10, 15));
        using var server = new FakeApiServer(r => Answer(r));
        var calls = await RunAsync(server, time, TimeSpan.FromHours(48));

        // 10:15 start, then each local midnight: 3 calls over two days.
        Assert.Equal([Oslo(2026, 11, 23, 10, 15), Oslo(2026, 11, 24, 0), Oslo(2026, 11, 25, 0)], calls);
        Assert.Equal(3, server.Requests.Count);

        // A restart at 14:00 re-uses the answer on disk: no call, same prices.
        time.Advance(TimeSpan.FromHours(4) - TimeSpan.FromMinutes(15));
        using var restarted = Service(server, time);
        var (low, _) = (Site(restarted, MpLow), Site(restarted, MpHigh));
        var snapshot = await low.FetchAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(Expected(time.GetUtcNow()), snapshot.Curve.At(time.GetUtcNow())!.Price);
        Assert.Equal(Oslo(2026, 11, 26, 0), snapshot.NextRefresh);
    }

    [Fact]
    public async Task A_restart_after_midnight_with_the_api_down_still_serves_the_prices_on_disk_and_asks_again()
    {
        // Fetched on the 23rd for the 23rd and 24th; the bridge restarts at 00:30 on the 24th, when the answer is due.
        var time = new FakeTimeProvider(Oslo(2026, 11, 23, 10, 15));
        var down = false;
        // Down: 503 with an hour's Retry-After, which the client does not wait out in-line.
        using var server = new FakeApiServer(r => down ? FakeResponse.Plain(503) with { Headers = new Dictionary<string, string> { ["Retry-After"] = "3600" } } : Answer(r));
        using (var first = Service(server, time))
        {
            await Site(first, MpLow).FetchAsync(time.GetUtcNow(), CancellationToken.None);
        }

        time.SetUtcNow(Oslo(2026, 11, 24, 0, 30));
        down = true;
        using var restarted = Service(server, time);
        var site = Site(restarted, MpLow);

        // No call before the known prices are served: today's prices come from disk, and it is due again at once.
        var snapshot = await site.FetchAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.Single(server.Requests);
        Assert.Equal(Expected(time.GetUtcNow()), snapshot.Curve.At(time.GetUtcNow())!.Price);
        Assert.Equal(time.GetUtcNow(), snapshot.NextRefresh);

        // The next round asks the API; it is down, which is a fault to report, not a reason to forget the prices.
        time.Advance(TimeSpan.FromMinutes(1));
        var fault = await Assert.ThrowsAsync<SourceException>(() => site.FetchAsync(time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(time.GetUtcNow().AddHours(1), fault.RetryAt);
    }

    [Fact]
    public async Task Asks_again_at_noon_when_tomorrow_is_missing_but_never_more_than_twice_a_day()
    {
        var time = new FakeTimeProvider(Oslo(2026, 11, 23, 0, 0));
        using var server = new FakeApiServer(r => Answer(r, days: 1));
        var calls = await RunAsync(server, time, TimeSpan.FromHours(48));

        Assert.Equal([Oslo(2026, 11, 23, 0), Oslo(2026, 11, 23, 12), Oslo(2026, 11, 24, 0), Oslo(2026, 11, 24, 12)], calls);
    }

    [Fact]
    public async Task Serves_the_dst_day_with_25_hourly_slots_across_the_change()
    {
        var time = new FakeTimeProvider(Oslo(2026, 10, 24, 18, 0));
        using var server = new FakeApiServer(r => Answer(r));
        var calls = await RunAsync(server, time, TimeSpan.FromHours(30));

        Assert.Equal([Oslo(2026, 10, 24, 18), Oslo(2026, 10, 25, 0)], calls);
        using var service = Service(server, time);
        var (low, _) = (Site(service, MpLow), Site(service, MpHigh));
        var snapshot = await low.FetchAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(25, snapshot.Curve.Between(Oslo(2026, 10, 25, 0), Oslo(2026, 10, 26, 0)).Count());
    }

    /// <summary>
    /// Runs two sites as the scheduler does, every 15 minutes for <paramref name="span"/>: each asks when its snapshot
    /// is due, and the price of the slot now must be the fixture's at every step. Returns when requests were sent.
    /// </summary>
    private async Task<List<DateTimeOffset>> RunAsync(FakeApiServer server, FakeTimeProvider time, TimeSpan span)
    {
        using var service = Service(server, time);
        var sites = new[] { Site(service, MpLow), Site(service, MpHigh) };
        var due = new DateTimeOffset[sites.Length];
        var snapshots = new TariffSnapshot?[sites.Length];
        var calls = new List<DateTimeOffset>();
        var end = time.GetUtcNow() + span;
        for (var now = time.GetUtcNow(); now < end; now = time.GetUtcNow())
        {
            for (var i = 0; i < sites.Length; i++)
            {
                if (now >= due[i])
                {
                    var before = server.Requests.Count;
                    snapshots[i] = await sites[i].FetchAsync(now, CancellationToken.None);
                    due[i] = snapshots[i]!.NextRefresh;
                    if (server.Requests.Count > before)
                    {
                        calls.Add(now);
                    }
                }

                Assert.Equal(Expected(now), snapshots[i]!.Curve.At(now)?.Price);
            }

            time.Advance(TimeSpan.FromMinutes(15));
        }

        time.SetUtcNow(end);
        return calls;
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_refused_key_is_one_clear_message_and_no_retry_storm(int status)
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(_ => FakeResponse.Plain(status));
        using var service = Service(server, time);
        var (low, high) = (Site(service, MpLow), Site(service, MpHigh));

        var ex = await Assert.ThrowsAsync<SourceException>(() => low.FetchAsync(now, CancellationToken.None));
        var other = await Assert.ThrowsAsync<SourceException>(() => high.FetchAsync(now, CancellationToken.None));

        Assert.Equal(
            $"DIGIN GridTariffAPI (Test grid) refused the API key (HTTP {status}): the key is wrong, or not subscribed to the GridTariffAPI product (Elvia: developer portal → Products → GridTariffAPI); check tariff.api_key",
            ex.Message);
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
        Assert.Equal(now.AddHours(1), ex.RetryAt);
        Assert.Equal(now.AddHours(1), other.RetryAt);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Waits_for_retry_after_on_429_and_then_gets_the_prices()
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        var first = true;
        using var server = new FakeApiServer(r =>
        {
            if (!first)
            {
                return Answer(r);
            }

            first = false;
            return FakeResponse.Plain(429) with { Headers = new Dictionary<string, string> { ["Retry-After"] = "30" } };
        });
        using var service = Service(server, time);

        var fetch = Site(service, MpLow).FetchAsync(now, CancellationToken.None);
        await server.WaitForRequestsAsync(1);

        // A second at a time: the client's wait may be scheduled a moment after the 429 arrives (see ApiClientTests).
        var advanced = TimeSpan.Zero;
        while (server.Requests.Count < 2 && advanced < TimeSpan.FromMinutes(2))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        var snapshot = await fetch.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        Assert.True(advanced >= TimeSpan.FromSeconds(30), $"asked again after {advanced.TotalSeconds} s of a 30 s Retry-After");
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(0.285m, snapshot.Curve.At(now)!.Price);
    }

    [Fact]
    public async Task A_long_retry_after_becomes_the_next_attempt_for_every_site()
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(_ => FakeResponse.Plain(429) with { Headers = new Dictionary<string, string> { ["Retry-After"] = "3600" } });
        using var service = Service(server, time);
        var (low, high) = (Site(service, MpLow), Site(service, MpHigh));

        var ex = await Assert.ThrowsAsync<SourceException>(() => low.FetchAsync(now, CancellationToken.None));
        var other = await Assert.ThrowsAsync<SourceException>(() => high.FetchAsync(now, CancellationToken.None));

        Assert.Equal(now.AddHours(1), ex.RetryAt);
        Assert.Equal(now.AddHours(1), other.RetryAt);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Retries_server_errors_with_backoff_and_gives_up_with_one_message()
    {
        var answers = new Queue<int>([503, 500]);
        using var server = new FakeApiServer(r => answers.TryDequeue(out var status) ? FakeResponse.Plain(status, "down") : Answer(r));
        using var service = Service(server, TimeProvider.System);
        var now = TimeProvider.System.GetUtcNow();

        var snapshot = await Site(service, MpLow).FetchAsync(now, CancellationToken.None);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(Expected(now), snapshot.Curve.At(now)!.Price);

        using var down = new FakeApiServer(_ => FakeResponse.Plain(502, "bad gateway"));
        using var failing = Service(down, TimeProvider.System, cache: false);
        var ex = await Assert.ThrowsAsync<SourceException>(() => Site(failing, MpLow).FetchAsync(now, CancellationToken.None));
        Assert.Equal("DIGIN GridTariffAPI (Test grid) answered 502 BadGateway after 4 attempts: bad gateway", ex.Message);
        Assert.Equal(4, down.Requests.Count);
        Assert.NotNull(ex.RetryAt);
    }

    [Fact]
    public async Task A_lasting_fault_is_asked_again_ever_more_slowly_and_shared_by_every_site()
    {
        // A broken answer is a fault the client does not retry itself (as 5xx are, after their own attempts).
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(_ => FakeResponse.Json("<html>maintenance</html>"));
        using var service = Service(server, time, cache: false);
        var (low, high) = (Site(service, MpLow), Site(service, MpHigh));

        var retries = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var at = time.GetUtcNow();
            var ex = await Assert.ThrowsAsync<SourceException>(() => low.FetchAsync(at, CancellationToken.None));
            await Assert.ThrowsAsync<SourceException>(() => high.FetchAsync(at, CancellationToken.None));
            retries.Add(ex.RetryAt!.Value - at);
            time.SetUtcNow(ex.RetryAt.Value);
        }

        Assert.Equal([15, 30, 60, 120, 120], retries.Select(r => r.TotalMinutes));
        Assert.Equal(5, server.Requests.Count);
    }

    [Theory]
    [InlineData(204, "", "it answered with no tariff at all (204 or empty gridTariffCollections)")]
    [InlineData(200, """{"gridTariffCollections": []}""", "it answered with no tariff at all (204 or empty gridTariffCollections)")]
    [InlineData(200, "fixture", "it left it out of its answer (unknown id, or not served by this company)")]
    public async Task No_tariff_for_the_metering_point_names_it(int status, string body, string why)
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(r => body == "fixture" ? Answer(r) : FakeResponse.Json(body, status));
        using var service = Service(server, time);

        var ex = await Assert.ThrowsAsync<SourceException>(() => Site(service, "707057500000000099").FetchAsync(now, CancellationToken.None));

        Assert.Equal($"DIGIN GridTariffAPI (Test grid) has no tariff for metering point …0099: {why}; check tariff.metering_point_id and base_url", ex.Message);
        Assert.NotNull(ex.RetryAt);
        Assert.True(ex.RetryAt > now);
    }

    [Fact]
    public async Task Malformed_json_is_a_clear_message_and_a_later_good_answer_recovers()
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        var broken = true;
        using var server = new FakeApiServer(r => broken ? FakeResponse.Json("""{"gridTariffCollections": [ {"gridTariff": """) : Answer(r));
        using var service = Service(server, time);
        var site = Site(service, MpLow);

        var ex = await Assert.ThrowsAsync<SourceException>(() => site.FetchAsync(now, CancellationToken.None));
        Assert.StartsWith("DIGIN GridTariffAPI (Test grid): the answer is not valid DIGIN JSON", ex.Message, StringComparison.Ordinal);

        broken = false;
        time.SetUtcNow(ex.RetryAt!.Value);
        var snapshot = await site.FetchAsync(ex.RetryAt.Value, CancellationToken.None);
        Assert.Equal(0.285m, snapshot.Curve.At(ex.RetryAt.Value)!.Price);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_latin1_answer_is_read_as_latin1()
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(r => new FakeResponse(200, Encoding.Latin1.GetBytes(Around(Hsdn, new DateOnly(2026, 11, 23))), "application/json"));
        using var service = Service(server, time);

        var snapshot = await Site(service, "707057500000000013").FetchAsync(now, CancellationToken.None);

        Assert.Equal(0.2585m, snapshot.Curve.At(now)!.Price);
        Assert.Equal(27.5m, snapshot.Fixed!.Power!.Steps[0].ActiveMonthly);
        Assert.Equal(0.1944m, snapshot.Fixed.PerHour.At(now)!.Price);
    }

    [Fact]
    public async Task Ten_thousand_metering_points_go_in_one_call()
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(r => Answer(r));
        using var service = Service(server, time, cache: false);
        for (var i = 0; i < 10_001; i++)
        {
            service.Register($"7070575{i:D11}");
        }

        var (site, _) = await service.ForMeteringPointAsync(MpLow, now, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(10_000, body.RootElement.GetProperty("meteringPointIds").GetArrayLength());
        Assert.Equal(0.285m, site.Tariff.Curve.At(now)!.Price);
    }

    [Fact]
    public async Task A_tariff_key_is_fetched_with_tariffquery()
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        var collection = JsonNode.Parse(Around(MonthlyMax, new DateOnly(2026, 11, 23)))!["gridTariffCollections"]![0]!;
        var answer = new JsonObject { ["gridTariff"] = collection["gridTariff"]!.DeepClone() }.ToJsonString();
        using var server = new FakeApiServer(_ => FakeResponse.Json(answer));
        using var service = Service(server, time);
        var site = new DiginTariffSource(service, new DiginTariffOptions { ApiKey = Key, TariffKey = "normal_low_cons", BaseUrl = "unused" });

        var snapshot = await site.FetchAsync(now, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/digin/api/1.0/tariffquery", request.Path);
        Assert.Equal("normal_low_cons", request.QueryValue("TariffKey"));
        Assert.Equal("2026-11-23T00:00:00+01:00", request.QueryValue("StartTime"));
        Assert.Equal("2026-11-25T00:00:00+01:00", request.QueryValue("EndTime"));
        Assert.Equal(Key, request.Header("X-API-Key"));
        Assert.Equal(0.285m, snapshot.Curve.At(now)!.Price);
        Assert.Null(snapshot.Fixed!.Current);
        Assert.Equal(6, snapshot.Fixed.Steps.Count);
    }

    /// <summary>The fixture's shape over the request's own [startTime, endTime), whole days: past days included.</summary>
    private static FakeResponse AnswerAsAsked(ReceivedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        var start = DateTimeOffset.Parse(body.RootElement.GetProperty("startTime").GetString()!, CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse(body.RootElement.GetProperty("endTime").GetString()!, CultureInfo.InvariantCulture);
        var (first, last) = (DateOnly.FromDateTime(start.DateTime), DateOnly.FromDateTime(end.DateTime));
        return FakeResponse.Json(Around(MonthlyMax, first, last.DayNumber - first.DayNumber));
    }

    [Fact]
    public async Task Past_prices_for_the_statistics_are_one_shared_call_for_the_past_days_kept_on_disk_and_never_change_the_curve()
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(AnswerAsAsked);
        using var service = Service(server, time);
        var (low, high) = (Site(service, MpLow), Site(service, MpHigh));
        var snapshot = await low.FetchAsync(now, CancellationToken.None);
        await high.FetchAsync(now, CancellationToken.None);

        // A fresh install's meter holds hours from 1 October: both sites' past days come in one call, up to today.
        var past = await snapshot.Past!.PricesAsync(Oslo(2026, 10, 1, 0), Oslo(2026, 11, 23, 10), now, CancellationToken.None);
        var pastHigh = await high.PricesAsync(Oslo(2026, 10, 1, 0), Oslo(2026, 11, 23, 10), now, CancellationToken.None);

        Assert.Equal(2, server.Requests.Count);
        using (var body = JsonDocument.Parse(server.Requests[1].Body))
        {
            Assert.Equal("2026-10-01T00:00:00+02:00", body.RootElement.GetProperty("startTime").GetString());
            Assert.Equal("2026-11-23T00:00:00+01:00", body.RootElement.GetProperty("endTime").GetString());
            Assert.Equal([MpLow, MpHigh], body.RootElement.GetProperty("meteringPointIds").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal((Oslo(2026, 10, 1, 0), Oslo(2026, 11, 23, 0)), (past.Start, past.End));
        Assert.Equal(Expected(Oslo(2026, 10, 25, 2, 30)), past.At(Oslo(2026, 10, 25, 2, 30))!.Price); // the 25-hour day
        Assert.Equal(Expected(Oslo(2026, 11, 2, 8)), pastHigh.At(Oslo(2026, 11, 2, 8))!.Price);
        Assert.Equal(Oslo(2026, 11, 23, 0), snapshot.Curve.Start); // what prices/evcc publish is unchanged

        // Asked again (the same day, and after a restart): served from memory and disk, no call.
        await low.PricesAsync(Oslo(2026, 10, 1, 0), Oslo(2026, 11, 23, 10), now, CancellationToken.None);
        using var restarted = Service(server, time);
        var (lowAgain, _) = (Site(restarted, MpLow), Site(restarted, MpHigh)); // every site registers before the first fetch
        var again = await lowAgain.PricesAsync(Oslo(2026, 10, 1, 0), Oslo(2026, 11, 23, 10), now, CancellationToken.None);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(past.Slots.Count, again.Slots.Count);
    }

    [Fact]
    public async Task Past_prices_the_api_refuses_are_a_fault_asked_about_again_only_a_day_later()
    {
        var now = Oslo(2026, 11, 23, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(r => r.Body.Contains("2026-10-", StringComparison.Ordinal)
            ? FakeResponse.Plain(400, "Query before 2026-11-01 not supported")
            : Answer(r));
        using var service = Service(server, time);
        var site = Site(service, MpLow);
        await site.FetchAsync(now, CancellationToken.None);

        var fault = await Assert.ThrowsAsync<SourceException>(() => site.PricesAsync(Oslo(2026, 10, 1, 0), Oslo(2026, 11, 23, 10), now, CancellationToken.None));
        Assert.Contains("Query before 2026-11-01 not supported", fault.Message, StringComparison.Ordinal);
        Assert.True((await site.PricesAsync(Oslo(2026, 10, 1, 0), Oslo(2026, 11, 23, 10), now.AddHours(6), CancellationToken.None)).IsEmpty);
        Assert.Equal(2, server.Requests.Count);

        await Assert.ThrowsAsync<SourceException>(() => site.PricesAsync(Oslo(2026, 10, 1, 0), Oslo(2026, 11, 23, 10), now.AddDays(1), CancellationToken.None));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Lists_tariff_types()
    {
        using var server = new FakeApiServer(_ => FakeResponse.Json(TariffTypes));
        using var service = Service(server, TimeProvider.System, cache: false);

        var types = await service.TariffTypesAsync(CancellationToken.None);

        Assert.Equal("/digin/api/1.0/tarifftype", Assert.Single(server.Requests).Path);
        Assert.Equal(["private_tou_rush1", "private_flatrate_house"], types.Select(t => t.TariffKey));
        Assert.Equal(
            "tariffKey               title                             company   resolution  basis\n" +
            "private_tou_rush1       Nettleie Rush&Ro (Oslo og Viken)  Elvia AS  60 min      monthlymax\n" +
            "private_flatrate_house  Nettleie - bolig (Oslo og Viken)  Elvia AS  15 min      fixed",
            DiginTariffsCommand.Table(types));
    }

    internal const string TariffTypes = """
        {"tariffTypes": [
          {"tariffKey": "private_tou_rush1", "product": "HN ELHA", "companyName": "Elvia AS", "companyOrgNo": "980489698",
           "title": "Nettleie Rush&Ro (Oslo og Viken)", "consumptionFlag": true, "lastUpdated": "2022-01-06T08:00:00+00:00",
           "fixedPriceConfiguration": {"basis": "monthlymax"}, "powerPriceConfiguration": null, "resolution": 60},
          {"tariffKey": "private_flatrate_house", "companyName": "Elvia AS", "companyOrgNo": "980489698",
           "title": "Nettleie - bolig (Oslo og Viken)", "consumptionFlag": true, "lastUpdated": "2022-01-06T08:00:00+00:00",
           "fixedPriceConfiguration": {"basis": "fixed", "maxhoursPerDay": 0}, "resolution": 15}
        ]}
        """;
}
