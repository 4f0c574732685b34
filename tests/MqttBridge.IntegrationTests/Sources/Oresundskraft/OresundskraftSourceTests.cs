using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.Sources;
using MqttBridge.Sources.Http;
using MqttBridge.Sources.Oresundskraft;
using MqttBridge.Storage;
using static MqttBridge.TestSupport.OresundskraftAnswers;

namespace MqttBridge.IntegrationTests.Oresundskraft;

public sealed class OresundskraftSourceTests : IDisposable
{
    private const string Key = "sub-key-7f3a";
    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-oresundskraft-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private OresundskraftFeed Feed(FakeOresundskraft fake, TimeProvider time, ApiPolicy? policy = null)
    {
        var options = new OresundskraftOptions { SubscriptionKey = Key, CustomerNumber = Customer, BaseUrl = fake.Server.BaseUrl };
        var client = new ApiClient(
            new HttpClient { BaseAddress = new Uri(options.BaseUrl), Timeout = Timeout.InfiniteTimeSpan },
            policy ?? OresundskraftFeed.DefaultPolicy with { MaxAttempts = 1 },
            time,
            NullLogger.Instance);
        return new OresundskraftFeed(options, client, new ResponseCache(_dataDir, "oresundskraft", NullLogger.Instance), NullLogger.Instance);
    }

    private OresundskraftSource Source(FakeOresundskraft fake, TimeProvider time, string? point = null) => new(Feed(fake, time), point);

    private static DaySum Yesterday(MeterSnapshot snapshot, DateTimeOffset now) => snapshot.Consumption.SumOf(LocalDay.Of(now, Stockholm).Previous)!;

    private static string Clock(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Stockholm).ToString("dd HH:mm", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Asks_for_last_month_through_yesterday_with_the_key_the_version_and_the_customer()
    {
        var now = At(2026, 3, 30, 11);
        using var fake = new FakeOresundskraft(() => now);

        var snapshot = await Source(fake, new FakeTimeProvider(now)).FetchAsync(now, CancellationToken.None);

        var request = Assert.Single(fake.Server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/Consumption/TimeSeries/Customers", request.Path);
        Assert.Equal(
            ("2026-02-01", "2026-03-30", "58095", "EL", "0", "0", "false"),
            (request.QueryValue("fromDate"), request.QueryValue("toDate"), request.QueryValue("customerNumbers"), request.QueryValue("deliveryCategories"), request.QueryValue("offset"), request.QueryValue("maxRows"), request.QueryValue("subsidiary")));
        Assert.Equal(Key, request.Header("Ocp-Apim-Subscription-Key"));
        Assert.Equal("2.1", request.Header("api-version"));

        // Yesterday is the 23-hour day; the window (toDate exclusive) holds no hour of today.
        Assert.Equal((36.8m, 23), (Yesterday(snapshot, now).Kwh, Yesterday(snapshot, now).Intervals));
        Assert.Equal(LocalDay.Of(now, Stockholm).Start, snapshot.Consumption.Readings[^1].End);
        Assert.Equal(LocalDay.StartOf(new DateOnly(2026, 2, 1), Stockholm), snapshot.Consumption.Readings[0].Start);
    }

    [Fact]
    public async Task Polls_once_a_day_with_backoff_until_yesterday_is_complete_and_restarts_from_the_cache()
    {
        var time = new FakeTimeProvider(At(2026, 10, 24, 0, 5));
        using var fake = new FakeOresundskraft(time.GetUtcNow);
        var source = Source(fake, time);
        var yesterdays = new Dictionary<DateOnly, DaySum>();

        while (time.GetUtcNow() < At(2026, 10, 27, 12))
        {
            var snapshot = await source.FetchAsync(time.GetUtcNow(), CancellationToken.None);
            if (snapshot.Consumption.SumOf(LocalDay.Of(time.GetUtcNow(), Stockholm).Previous) is { } sum)
            {
                yesterdays[sum.Date] = sum;
            }

            time.SetUtcNow(snapshot.NextRefresh < At(2026, 10, 27, 12) ? snapshot.NextRefresh : At(2026, 10, 27, 12));
        }

        // At start (cache empty), then from 09:00 until the day arrives at 10:30: 30 min, then 1 h. Three calls a day.
        Assert.Equal(
            ["24 00:05", "24 09:00", "24 09:30", "24 10:30", "25 09:00", "25 09:30", "25 10:30", "26 09:00", "26 09:30", "26 10:30", "27 09:00", "27 09:30", "27 10:30"],
            fake.Calls.Select(Clock));
        Assert.Equal(39.6m, yesterdays[new DateOnly(2026, 10, 24)].Kwh);
        Assert.Equal((42.5m, 25), (yesterdays[new DateOnly(2026, 10, 25)].Kwh, yesterdays[new DateOnly(2026, 10, 25)].Intervals));
        Assert.Equal(39.6m, yesterdays[new DateOnly(2026, 10, 26)].Kwh);

        // A restart at 12:00 reads the answer of 10:30 from data_dir: no call, the same data, next fetch tomorrow 09:00.
        var calls = fake.Calls.Count;
        var restarted = await Source(fake, time).FetchAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(calls, fake.Calls.Count);
        Assert.Equal(42.5m, restarted.Consumption.SumOf(new LocalDay(new DateOnly(2026, 10, 25), Stockholm))!.Kwh);
        Assert.Equal(At(2026, 10, 28, 9), restarted.NextRefresh);
    }

    [Fact]
    public async Task A_day_that_never_comes_costs_at_most_six_calls_a_day()
    {
        var time = new FakeTimeProvider(At(2026, 11, 10, 9));
        using var fake = new FakeOresundskraft(time.GetUtcNow) { ArrivesAt = new TimeOnly(23, 59) };
        var source = Source(fake, time);

        while (time.GetUtcNow() < At(2026, 11, 11, 9))
        {
            var snapshot = await source.FetchAsync(time.GetUtcNow(), CancellationToken.None);
            time.SetUtcNow(snapshot.NextRefresh);
        }

        Assert.Equal(["10 09:00", "10 09:30", "10 10:30", "10 12:30", "10 16:30", "10 20:30"], fake.Calls.Select(Clock));
    }

    [Fact]
    public async Task Sites_of_one_customer_share_one_call_and_each_gets_its_metering_point()
    {
        var now = At(2026, 1, 15, 11);
        using var fake = new FakeOresundskraft(() => now) { Points = [PointA, PointB], SubscribedEffect = 11m };
        var feed = Feed(fake, new FakeTimeProvider(now));

        var a = await new OresundskraftSource(feed, PointA).FetchAsync(now, CancellationToken.None);
        fake.Kwh = _ => 99m; // a second call would show
        var b = await new OresundskraftSource(feed, PointB).FetchAsync(now, CancellationToken.None);

        Assert.Single(fake.Server.Requests);
        Assert.Equal(39.6m, Yesterday(a, now).Kwh);
        Assert.Equal(39.6m, Yesterday(b, now).Kwh);
        Assert.Equal(11m, b.SubscribedPowerKw);
        Assert.True(b.Holds.HasFlag(SourceCapabilities.SubscribedPower));
    }

    [Theory]
    [InlineData(null, "Öresundskraft consumption API: the customer has 2 metering points (…9640, …5555); set meter.metering_point_id to the one this site is for")]
    [InlineData("735999124000001111", "Öresundskraft consumption API: the answer has no metering point …1111 (it has …9640, …5555); check meter.metering_point_id")]
    public async Task Without_a_matching_metering_point_the_message_lists_the_masked_ones_found(string? configured, string expected)
    {
        var now = At(2026, 1, 15, 11);
        using var fake = new FakeOresundskraft(() => now) { Points = [PointA, PointB] };

        var ex = await Assert.ThrowsAsync<SourceException>(() => Source(fake, new FakeTimeProvider(now), configured).FetchAsync(now, CancellationToken.None));

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public async Task The_monthly_shape_gives_month_readings_and_holds_only_them()
    {
        var now = At(2026, 5, 10, 11);
        using var fake = new FakeOresundskraft(() => now) { Monthly = true };

        var snapshot = await Source(fake, new FakeTimeProvider(now)).FetchAsync(now, CancellationToken.None);

        Assert.Equal(SourceCapabilities.MonthlyConsumption, snapshot.Holds);
        var april = Assert.Single(snapshot.Months);
        Assert.Equal((2026, 4, 1004m, new DateOnly(2026, 4, 30), "Fjärr", "2"), (april.Year, april.Month, april.Kwh, april.ReadOn, april.Method, april.Reason));
        Assert.Empty(snapshot.Consumption.Readings);
        Assert.Equal(At(2026, 5, 11, 9), snapshot.NextRefresh); // last month is there: tomorrow's poll
    }

    public static TheoryData<int, string, string, string> Faults => new()
    {
        { 401, "{\"statusCode\":401,\"message\":\"Access denied due to invalid subscription key.\"}", "Öresundskraft consumption API refused the subscription key (HTTP 401): it is wrong, expired or not valid for this API; check meter.subscription_key", "6h" },
        { 403, "", "Öresundskraft consumption API refused the subscription key (HTTP 403)", "6h" },
        { 422, "{\"error\":\"customer 58095 has no metering point 735999124000289640\"}", "Öresundskraft consumption API rejected the request (HTTP 422): {\"error\":\"customer …8095 has no metering point …9640\"}; check meter.customer_number", "6h" },
        { 400, "bad customerNumbers=58095", "rejected the request (HTTP 400): bad customerNumbers=…8095;", "6h" },
        { 200, "", "Öresundskraft consumption API answered with no data (an empty body); keeping the last good data", "15m" },
        { 200, "{}", "answered with no data (no 'consumptions')", "15m" },
        { 200, "{\"consumptions\":[{\"customerNumber\":\"customerNumber\",\"meteringPoint\":\"meteringPoint\",\"reading\":[]}]}", "answered with no data (only placeholder entries)", "15m" },
        { 200, "{\"consumptions\":[{\"meteringPoint\":\"7", "sent malformed JSON", "15m" },
        { 503, "Service Unavailable for 58095", "Öresundskraft consumption API answered 503 ServiceUnavailable after 1 attempts: Service Unavailable for …8095", "15m" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_fault_keeps_the_last_good_data_says_what_happened_with_ids_masked_and_is_asked_again_later(int status, string body, string expected, string retry)
    {
        var time = new FakeTimeProvider(At(2026, 2, 10, 11));
        using var fake = new FakeOresundskraft(time.GetUtcNow);
        var runner = SourceRunner.For(OresundskraftModule.Descriptor, Source(fake, time));
        var good = await runner.RefreshAsync("hemma", time.GetUtcNow(), Stockholm, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(39.6m, Yesterday(good.MeterData!, time.GetUtcNow()).Kwh);

        time.SetUtcNow(runner.Due);
        fake.Override = _ => status == 200 ? FakeResponse.Json(body) : new FakeResponse(status, System.Text.Encoding.UTF8.GetBytes(body));
        var failed = await runner.RefreshAsync("hemma", time.GetUtcNow(), Stockholm, NullLogger.Instance, CancellationToken.None);

        Assert.Contains(expected, failed.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, failed.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(Customer, failed.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(PointA, failed.LastError, StringComparison.Ordinal);
        Assert.Same(good.MeterData, failed.MeterData);
        Assert.Equal(SourceStatus.Degraded, failed.StatusAt(time.GetUtcNow()));
        Assert.Equal(time.GetUtcNow() + (retry == "6h" ? TimeSpan.FromHours(6) : TimeSpan.FromMinutes(15)), runner.Due);

        // Asked again before that time (as another site of the customer would be), the fault is told without a call.
        var calls = fake.Server.Requests.Count;
        time.Advance(TimeSpan.FromMinutes(5));
        var again = await runner.RefreshAsync("hemma", time.GetUtcNow(), Stockholm, NullLogger.Instance, CancellationToken.None);
        Assert.Contains(expected, again.LastError, StringComparison.Ordinal);
        Assert.Equal(calls, fake.Server.Requests.Count);
    }

    [Fact]
    public async Task A_thinner_answer_never_erases_known_hours_and_is_a_fault()
    {
        var time = new FakeTimeProvider(At(2026, 2, 10, 11));
        using var fake = new FakeOresundskraft(time.GetUtcNow);
        var source = Source(fake, time);
        await source.FetchAsync(time.GetUtcNow(), CancellationToken.None);

        time.SetUtcNow(At(2026, 2, 11, 11));
        fake.Override = r => FakeResponse.Json(Hourly(PointA, Day(new DateOnly(2026, 2, 10), _ => 1m)));
        var ex = await Assert.ThrowsAsync<SourceException>(() => source.FetchAsync(time.GetUtcNow(), CancellationToken.None));
        Assert.StartsWith("Öresundskraft consumption API answered without 960 hours already known for …9640 (2026-01-01 00:00 +01:00 … 2026-02-09 23:00 +01:00)", ex.Message, StringComparison.Ordinal);

        // The known hours stand, the new day is laid over them.
        time.Advance(TimeSpan.FromHours(1));
        fake.Override = null;
        var after = await source.FetchAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(39.6m, after.Consumption.SumOf(new LocalDay(new DateOnly(2026, 2, 9), Stockholm))!.Kwh);
        Assert.Equal(39.6m, after.Consumption.SumOf(new LocalDay(new DateOnly(2026, 2, 10), Stockholm))!.Kwh);
    }

    [Fact]
    public async Task A_slow_answer_past_the_timeout_is_a_fault_and_the_next_one_serves()
    {
        using var fake = new FakeOresundskraft(TimeProvider.System.GetUtcNow) { Delay = TimeSpan.FromSeconds(3) };
        var policy = OresundskraftFeed.DefaultPolicy with { MaxAttempts = 1, RequestTimeout = TimeSpan.FromSeconds(1) };
        var feed = Feed(fake, TimeProvider.System, policy);
        var now = TimeProvider.System.GetUtcNow();

        var ex = await Assert.ThrowsAsync<SourceException>(() => feed.GetAsync(now, CancellationToken.None));
        Assert.Equal("Öresundskraft consumption API unreachable: no answer in time", ex.Message);

        // The shipped timeout waits for a slow answer: 120 s, above HttpClient's 100 s default.
        Assert.Equal(TimeSpan.FromSeconds(120), OresundskraftFeed.DefaultPolicy.RequestTimeout);
        using var slow = new FakeOresundskraft(TimeProvider.System.GetUtcNow) { Delay = TimeSpan.FromSeconds(2) };
        var patient = Feed(slow, TimeProvider.System, OresundskraftFeed.DefaultPolicy with { MaxAttempts = 1 });
        var data = await patient.GetAsync(TimeProvider.System.GetUtcNow(), CancellationToken.None);
        Assert.Equal(PointA, Assert.Single(data.Points).Id);
    }
}
