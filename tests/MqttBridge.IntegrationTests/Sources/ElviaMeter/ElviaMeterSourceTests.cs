using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.Sources;
using MqttBridge.Sources.ElviaMeter;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;
using static MqttBridge.TestSupport.ElviaResponses;

namespace MqttBridge.IntegrationTests.ElviaMeter;

public sealed class ElviaMeterSourceTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-elvia-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private ElviaMeterSource Source(FakeElvia fake, TimeProvider time, string? meteringPointId = MeteringPointId, bool production = false, string token = "test-token-abc")
    {
        var options = new ElviaMeterOptions
        {
            Token = token,
            MeteringPointId = meteringPointId,
            IncludeProduction = production,
            BaseUrl = fake.Server.BaseUrl,
        };
        var policy = ElviaMeterSource.DefaultPolicy with { FirstRetryDelay = TimeSpan.FromMilliseconds(10), RequestTimeout = TimeSpan.FromSeconds(5) };
        var client = new ApiClient(new HttpClient { BaseAddress = new Uri(options.BaseUrl) }, policy, time, NullLogger.Instance);
        return new ElviaMeterSource(options, client, new ResponseCache(_dataDir, "elvia-meter", NullLogger.Instance), Oslo, NullLogger.Instance);
    }

    [Fact]
    public async Task Asks_for_this_month_to_this_hour_with_oslo_offsets_and_the_bearer_token_and_once_for_last_month()
    {
        var now = At(2026, 3, 30, 8, 10); // the day after spring-forward: the month started at +01:00, now is +02:00
        using var fake = new FakeElvia(() => now);
        var source = Source(fake, new FakeTimeProvider(now));

        await source.FetchAsync(now, CancellationToken.None);

        var values = fake.Server.Requests.Single(r => r.Path == "/v1/metervalues" && r.QueryValue("startTime") == "2026-03-01T00:00:00+01:00");
        Assert.Equal("2026-03-30T08:00:00+02:00", values.QueryValue("endTime"));
        Assert.Contains("startTime=2026-03-01T00%3A00%3A00%2B01%3A00", values.Query, StringComparison.Ordinal);
        Assert.Equal(MeteringPointId, values.QueryValue("meteringPointIds"));
        Assert.Equal("false", values.QueryValue("includeProduction"));
        Assert.Equal("Bearer test-token-abc", values.Header("Authorization"));
        var maxHours = fake.Server.Requests.Single(r => r.Path == "/v2/maxhours");
        Assert.Equal("2026-03-30T08:10:00+02:00", maxHours.QueryValue("calculateTime"));
        Assert.Equal(MeteringPointId, maxHours.QueryValue("meteringPointIds"));
        Assert.Equal("Bearer test-token-abc", maxHours.Header("Authorization"));

        // The history: all of February, once (one year per request is Elvia's limit; a month is far within it).
        var lastMonth = fake.Server.Requests.Single(r => r.Path == "/v1/metervalues" && r.QueryValue("startTime") == "2026-02-01T00:00:00+01:00");
        Assert.Equal("2026-03-01T00:00:00+01:00", lastMonth.QueryValue("endTime"));
        Assert.Equal(MeteringPointId, lastMonth.QueryValue("meteringPointIds"));
        Assert.Equal("Bearer test-token-abc", lastMonth.Header("Authorization"));
        Assert.Equal(3, fake.Server.Requests.Count);
    }

    [Fact]
    public async Task On_the_first_the_window_starts_yesterday_and_without_an_id_the_tokens_meters_are_asked()
    {
        var now = At(2026, 12, 1, 9);
        using var fake = new FakeElvia(() => now);
        var source = Source(fake, new FakeTimeProvider(now), meteringPointId: null, production: true);

        await source.FetchAsync(now, CancellationToken.None);

        var values = fake.Server.Requests.First(r => r.Path == "/v1/metervalues");
        Assert.Equal("2026-11-30T00:00:00+01:00", values.QueryValue("startTime"));
        Assert.Null(values.QueryValue("meteringPointIds"));
        Assert.Equal("true", values.QueryValue("includeProduction"));
    }

    [Theory]
    [InlineData(2026, 11, 23, "39.6", 24)]
    [InlineData(2026, 3, 30, "36.8", 23)]
    [InlineData(2026, 10, 26, "42.5", 25)]
    public async Task Yesterday_is_exactly_the_sum_of_the_served_hours_on_normal_and_dst_days(int year, int month, int day, string kwh, int hours)
    {
        var now = At(year, month, day, 9);
        using var fake = new FakeElvia(() => now);

        var snapshot = await Source(fake, new FakeTimeProvider(now)).FetchAsync(now, CancellationToken.None);

        var sum = snapshot.Consumption.SumOf(LocalDay.Of(now, Oslo).Previous)!;
        Assert.Equal(decimal.Parse(kwh, System.Globalization.CultureInfo.InvariantCulture), sum.Kwh);
        Assert.Equal(hours, sum.Intervals);
    }

    [Fact]
    public async Task Polls_yesterday_from_the_morning_with_backoff_max_hours_hourly_and_restarts_from_the_cache()
    {
        var time = new FakeTimeProvider(At(2026, 11, 23, 0));
        using var fake = new FakeElvia(time.GetUtcNow);
        var source = Source(fake, time);

        var last = await RunAsync(source, time, At(2026, 11, 25, 12));

        // Day two (24 November) in full: meter values at 01:30 and 04:30 (night: no hurry), from 06:00 until
        // yesterday is complete (it arrives at 07:00: 06:00, 06:30 +30 min, 07:30 +1 h), then every 3 h.
        var dayTwo = fake.Calls.Where(c => LocalDay.Of(c.At, Oslo).Date == new DateOnly(2026, 11, 24)).ToList();
        Assert.Equal(
            ["01:30", "04:30", "06:00", "06:30", "07:30", "10:30", "13:30", "16:30", "19:30", "22:30"],
            dayTwo.Where(c => c.Path == "/v1/metervalues").Select(c => Clock(c.At)));
        Assert.Equal(24, dayTwo.Count(c => c.Path == "/v2/maxhours"));
        Assert.Equal(34, dayTwo.Count);
        Assert.Equal(39.6m, last.Consumption.SumOf(new LocalDay(new DateOnly(2026, 11, 24), Oslo))!.Kwh);

        // A restart at 12:02 re-uses the cached answers (meter values of 10:30, max hours of 11:05): nothing is
        // asked before it is due, and the first refresh is the max hours at 12:05.
        var callsBefore = fake.Calls.Count;
        time.Advance(TimeSpan.FromMinutes(2));
        var restarted = Source(fake, time);
        var first = await restarted.FetchAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(callsBefore, fake.Calls.Count);
        Assert.Equal(39.6m, first.Consumption.SumOf(new LocalDay(new DateOnly(2026, 11, 24), Oslo))!.Kwh);
        Assert.Equal(2.8m, first.MonthMax!.Kw);
        Assert.Equal(At(2026, 11, 25, 12, 5), first.NextRefresh);
    }

    [Fact]
    public async Task A_fresh_install_holds_last_month_and_this_month_and_a_restart_asks_for_neither_again()
    {
        var time = new FakeTimeProvider(At(2026, 11, 23, 9));
        using var fake = new FakeElvia(time.GetUtcNow);

        var snapshot = await Source(fake, time).FetchAsync(time.GetUtcNow(), CancellationToken.None);

        // Every day of October and of November up to yesterday, and nothing before October.
        Assert.Equal(At(2026, 10, 1, 0), snapshot.Consumption.Readings[0].Start);
        Assert.Equal(42.5m, snapshot.Consumption.SumOf(new LocalDay(new DateOnly(2026, 10, 25), Oslo))!.Kwh); // 25 hours
        Assert.All(Days(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 23)), day => Assert.NotNull(snapshot.Consumption.SumOf(day)));
        Assert.Single(fake.LastMonthCalls);

        var calls = fake.Calls.Count;
        time.Advance(TimeSpan.FromMinutes(2));
        var restarted = await Source(fake, time).FetchAsync(time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(calls, fake.Calls.Count);
        Assert.All(Days(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 23)), day => Assert.NotNull(restarted.Consumption.SumOf(day)));
    }

    [Fact]
    public async Task Over_a_month_boundary_last_month_is_asked_once_when_its_last_day_is_in_and_older_months_are_let_go()
    {
        var time = new FakeTimeProvider(At(2026, 11, 29, 12));
        using var fake = new FakeElvia(time.GetUtcNow);

        var last = await RunAsync(Source(fake, time), time, At(2026, 12, 2, 12));

        // October once at the first start; November once on the 1st, with the window fetch that found its last
        // day complete (the fake's hours arrive 7 h late: 30 November 23:00 is in at 07:00).
        Assert.Equal(
            [(At(2026, 11, 29, 12), "2026-10-01T00:00:00+02:00"), (At(2026, 12, 1, 7, 30), "2026-11-01T00:00:00+01:00")],
            fake.LastMonthCalls.Select(c => (c.At, c.Start)));
        Assert.Equal(At(2026, 12, 1, 7, 30), fake.WindowCalls.Single(c => c.At == At(2026, 12, 1, 7, 30)).At);
        Assert.Equal(At(2026, 11, 1, 0), last.Consumption.Readings[0].Start);
        Assert.All(Days(new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 2)), day => Assert.NotNull(last.Consumption.SumOf(day)));

        // A restart on the 2nd has all of November from disk and asks for nothing before it is due.
        var calls = fake.Calls.Count;
        time.Advance(TimeSpan.FromMinutes(1));
        var restarted = await Source(fake, time).FetchAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(calls, fake.Calls.Count);
        Assert.Equal(At(2026, 11, 1, 0), restarted.Consumption.Readings[0].Start);
        Assert.All(Days(new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 2)), day => Assert.NotNull(restarted.Consumption.SumOf(day)));
    }

    [Fact]
    public async Task A_failing_last_month_call_is_logged_and_asked_again_with_the_next_meter_values_while_the_current_data_serves()
    {
        var time = new FakeTimeProvider(At(2026, 11, 23, 9));
        using var fake = new FakeElvia(time.GetUtcNow);
        fake.Override = r => r.Path == "/v1/metervalues" && r.QueryValue("startTime") == "2026-10-01T00:00:00+02:00" ? FakeResponse.Plain(400, "startTime out of range") : null;
        var source = Source(fake, time);

        var first = await source.FetchAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(39.6m, first.Consumption.SumOf(new LocalDay(new DateOnly(2026, 11, 22), Oslo))!.Kwh);
        Assert.Null(first.Consumption.SumOf(new LocalDay(new DateOnly(2026, 10, 31), Oslo)));

        // Not at the next max hours (10:05), but with the next meter values (12:00): then it answers.
        fake.Override = null;
        var last = await RunAsync(source, time, At(2026, 11, 23, 12, 1));
        Assert.Equal([At(2026, 11, 23, 9), At(2026, 11, 23, 12)], fake.LastMonthCalls.Select(c => c.At));
        Assert.NotNull(last.Consumption.SumOf(new LocalDay(new DateOnly(2026, 10, 31), Oslo)));
    }

    private static IEnumerable<LocalDay> Days(DateOnly from, DateOnly before)
    {
        for (var d = from; d < before; d = d.AddDays(1))
        {
            yield return new LocalDay(d, Oslo);
        }
    }

    [Fact]
    public async Task Two_households_tokens_on_one_bridge_keep_their_cached_answers_apart()
    {
        // A company runs one bridge for two customers; both configure "the token's first meter".
        var time = new FakeTimeProvider(At(2026, 11, 23, 12));
        using var fake = new FakeElvia(time.GetUtcNow) { Kwh = _ => 1m };
        var first = await Source(fake, time, meteringPointId: null, token: "token-household-a").FetchAsync(time.GetUtcNow(), CancellationToken.None);
        fake.Kwh = _ => 2m;
        var second = await Source(fake, time, meteringPointId: null, token: "token-household-b").FetchAsync(time.GetUtcNow(), CancellationToken.None);
        var yesterday = new LocalDay(new DateOnly(2026, 11, 22), Oslo);
        Assert.Equal(24m, first.Consumption.SumOf(yesterday)!.Kwh);
        Assert.Equal(48m, second.Consumption.SumOf(yesterday)!.Kwh);

        // After a restart each reads its own answer from disk, with no call spent.
        var calls = fake.Calls.Count;
        var firstAgain = await Source(fake, time, meteringPointId: null, token: "token-household-a").FetchAsync(time.GetUtcNow(), CancellationToken.None);
        var secondAgain = await Source(fake, time, meteringPointId: null, token: "token-household-b").FetchAsync(time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(calls, fake.Calls.Count);
        Assert.Equal(24m, firstAgain.Consumption.SumOf(yesterday)!.Kwh);
        Assert.Equal(48m, secondAgain.Consumption.SumOf(yesterday)!.Kwh);
        Assert.DoesNotContain(Directory.GetFiles(_dataDir, "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains("token-household", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unverified_values_are_published_and_refetched_but_never_waited_for()
    {
        var time = new FakeTimeProvider(At(2026, 11, 23, 7, 30));
        using var fake = new FakeElvia(time.GetUtcNow) { Verified = _ => false }; // Innlandet: never verified
        var source = Source(fake, time);

        var snapshot = await RunAsync(source, time, At(2026, 11, 24, 8));

        var sum = snapshot.Consumption.SumOf(new LocalDay(new DateOnly(2026, 11, 23), Oslo))!;
        Assert.Equal(39.6m, sum.Kwh);
        Assert.False(sum.AllVerified);
        // The same rhythm as verified data: re-fetched every 3 h with the window (overwriting when Elvia verifies), no extra polling.
        Assert.Equal(
            ["07:30", "10:30", "13:30", "16:30", "19:30", "22:30", "01:30", "04:30", "06:00", "06:30", "07:30"],
            fake.WindowCalls.Select(c => Clock(c.At)));
        Assert.Single(fake.LastMonthCalls);
    }

    [Fact]
    public async Task Both_dst_transitions_and_a_month_boundary_are_walked_through_with_exact_sums()
    {
        var spring = new FakeTimeProvider(At(2026, 3, 28, 12));
        using var fake = new FakeElvia(spring.GetUtcNow);
        var days = new Dictionary<DateOnly, DaySum>();
        await RunAsync(Source(fake, spring), spring, At(2026, 4, 1, 10), days);

        Assert.Equal((36.8m, 23), (days[new DateOnly(2026, 3, 29)].Kwh, days[new DateOnly(2026, 3, 29)].Intervals));
        Assert.Equal((39.6m, 24), (days[new DateOnly(2026, 3, 31)].Kwh, days[new DateOnly(2026, 3, 31)].Intervals));

        var autumn = new FakeTimeProvider(At(2026, 10, 24, 12));
        using var fake2 = new FakeElvia(autumn.GetUtcNow);
        days.Clear();
        await RunAsync(Source(fake2, autumn), autumn, At(2026, 10, 26, 10), days);

        Assert.Equal((42.5m, 25), (days[new DateOnly(2026, 10, 25)].Kwh, days[new DateOnly(2026, 10, 25)].Intervals));

        // Hourly max hours by the real clock: the 25-hour day has 25 of them.
        Assert.Equal(25, fake2.Calls.Count(c => c.Path == "/v2/maxhours" && LocalDay.Of(c.At, Oslo).Date == new DateOnly(2026, 10, 25)));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_refused_token_is_a_clear_message_naming_the_metering_point_and_is_not_retried(int status)
    {
        var now = At(2026, 11, 23, 9);
        using var fake = new FakeElvia(() => now) { Override = _ => FakeResponse.Json("""{ "statusCode": 401, "message": "Access denied" }""", status) };

        var ex = await Assert.ThrowsAsync<SourceException>(() => Source(fake, TimeProvider.System).FetchAsync(now, CancellationToken.None));

        Assert.Equal(
            $"Elvia MeterValue API refused the token for v1/metervalues (HTTP {status}): it was deleted on Elvia's Min side or does not cover metering point …5678; create a new token (Min side, TILGANGER, Opprett token) and set it as meter.token",
            ex.Message);
        Assert.Equal(now.AddHours(1), ex.RetryAt);
        Assert.Single(fake.Server.Requests);
        Assert.DoesNotContain("test-token-abc", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_meteringpoints_is_a_clear_message()
    {
        var now = At(2026, 11, 23, 9);
        using var fake = new FakeElvia(() => now) { Override = _ => FakeResponse.Json("""{ "meteringpoints": [] }""") };

        var ex = await Assert.ThrowsAsync<SourceException>(() => Source(fake, TimeProvider.System, meteringPointId: null).FetchAsync(now, CancellationToken.None));

        Assert.StartsWith("Elvia MeterValue API: the token covers no metering points", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_are_retried_then_reported_for_the_scheduler_to_back_off()
    {
        var now = At(2026, 11, 23, 9);
        using var fake = new FakeElvia(() => now) { Override = _ => FakeResponse.Plain(503, "Service Unavailable") };

        var ex = await Assert.ThrowsAsync<SourceException>(() => Source(fake, TimeProvider.System).FetchAsync(now, CancellationToken.None));

        Assert.Contains("Elvia MeterValue API answered 503", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.RetryAt);
        Assert.Equal(4, fake.Server.Requests.Count);
    }

    [Fact]
    public async Task Too_many_requests_with_a_long_retry_after_sets_the_next_attempt()
    {
        var now = At(2026, 11, 23, 9);
        using var fake = new FakeElvia(() => now)
        {
            Override = _ => FakeResponse.Plain(429, "Rate limit is exceeded") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "900" } },
        };
        var time = new FakeTimeProvider(now);

        var ex = await Assert.ThrowsAsync<SourceException>(() => Source(fake, time).FetchAsync(now, CancellationToken.None));

        Assert.Equal(now.AddMinutes(15), ex.RetryAt);
        Assert.Single(fake.Server.Requests);
    }

    [Fact]
    public async Task Malformed_json_is_a_clear_message_and_the_last_good_data_survives_it_and_a_restart()
    {
        var time = new FakeTimeProvider(At(2026, 11, 23, 9));
        using var fake = new FakeElvia(time.GetUtcNow);
        var source = Source(fake, time);
        await source.FetchAsync(time.GetUtcNow(), CancellationToken.None);

        fake.Override = _ => FakeResponse.Json("""{ "meteringpoints": [ { "metervalue": { "timeSeries": [ { "value": "lots" """);
        time.Advance(TimeSpan.FromHours(3));
        var ex = await Assert.ThrowsAsync<SourceException>(() => source.FetchAsync(time.GetUtcNow(), CancellationToken.None));
        Assert.StartsWith("Elvia MeterValue API sent malformed JSON for v1/metervalues", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.RetryAt);

        // After a restart with the API still failing, the cached good answer is published first, the fault next.
        var restarted = Source(fake, time);
        var snapshot = await restarted.FetchAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(39.6m, snapshot.Consumption.SumOf(new LocalDay(new DateOnly(2026, 11, 22), Oslo))!.Kwh);
        Assert.Equal(time.GetUtcNow(), snapshot.NextRefresh);
        var calls = fake.Calls.Count;
        await Assert.ThrowsAsync<SourceException>(() => restarted.FetchAsync(time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(calls, fake.Calls.Count);
    }

    [Fact]
    public async Task Unreachable_api_is_a_source_fault()
    {
        var now = At(2026, 11, 23, 9);
        var fake = new FakeElvia(() => now);
        var source = Source(fake, TimeProvider.System);
        fake.Dispose();

        var ex = await Assert.ThrowsAsync<SourceException>(() => source.FetchAsync(now, CancellationToken.None));

        Assert.StartsWith("Elvia MeterValue API unreachable", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>What the scheduler does: ask when the source says, on a fake clock, until <paramref name="until"/>.</summary>
    private static async Task<MeterSnapshot> RunAsync(ElviaMeterSource source, FakeTimeProvider time, DateTimeOffset until, Dictionary<DateOnly, DaySum>? yesterdays = null)
    {
        MeterSnapshot? last = null;
        while (time.GetUtcNow() < until)
        {
            last = await source.FetchAsync(time.GetUtcNow(), CancellationToken.None);
            if (yesterdays is not null && last.Consumption.SumOf(LocalDay.Of(time.GetUtcNow(), Oslo).Previous) is { } sum)
            {
                yesterdays[sum.Date] = sum;
            }

            var next = last.NextRefresh > time.GetUtcNow() ? last.NextRefresh : time.GetUtcNow().AddMinutes(1);
            time.SetUtcNow(next < until ? next : until);
        }

        return last!;
    }

    private static string Clock(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Oslo).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("empty")]
    [InlineData("last hours only")]
    public async Task A_thinner_metervalues_answer_never_erases_known_hours_and_is_a_fault_asked_again_within_minutes(string shape)
    {
        var now = At(2026, 11, 23, 9);
        var time = new FakeTimeProvider(now);
        using var fake = new FakeElvia(() => time.GetUtcNow());
        var source = Source(fake, time);
        var first = await source.FetchAsync(now, CancellationToken.None);
        var yesterday = LocalDay.Of(now, Oslo).Previous;
        Assert.Equal(39.6m, first.Consumption.SumOf(yesterday)!.Kwh);

        // Three hours on, Elvia answers 200 for the same window with fewer hours than it gave before.
        fake.Override = r => r.Path == "/v1/metervalues"
            ? FakeResponse.Json(MeterValues(shape == "empty" ? [] : Day(yesterday.Date, Ramp).Skip(20)))
            : null;
        var later = now.AddHours(3);
        time.SetUtcNow(later);
        var fault = await Assert.ThrowsAsync<SourceException>(() => source.FetchAsync(later, CancellationToken.None));
        Assert.StartsWith("Elvia MeterValue API answered v1/metervalues without ", fault.Message, StringComparison.Ordinal);
        Assert.Contains("hours already known (2026-11-01 00:00 +01:00 … ", fault.Message, StringComparison.Ordinal);
        Assert.EndsWith("; keeping the values already known", fault.Message, StringComparison.Ordinal);

        // The next attempt (the scheduler's backoff: a minute) asks again at once; a full answer ends the fault, and
        // nothing known was lost meanwhile.
        fake.Override = null;
        time.SetUtcNow(later.AddMinutes(1));
        var recovered = await source.FetchAsync(later.AddMinutes(1), CancellationToken.None);
        Assert.Equal(39.6m, recovered.Consumption.SumOf(yesterday)!.Kwh);
        Assert.Equal(3, fake.WindowCalls.Count());
    }
}
