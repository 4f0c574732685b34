using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.Sources;
using MqttBridge.Sources.Http;

namespace MqttBridge.IntegrationTests.Sources;

public sealed class ApiClientTests
{
    private static ApiClient Client(FakeApiServer server, TimeProvider? time = null, ApiPolicy? policy = null) => new(
        new HttpClient { BaseAddress = new Uri(server.BaseUrl) },
        policy ?? new ApiPolicy("Test API", 100, TimeSpan.FromHours(1)) { FirstRetryDelay = TimeSpan.FromMilliseconds(10) },
        time ?? TimeProvider.System,
        NullLogger.Instance);

    private static HttpRequestMessage Get() => new(HttpMethod.Get, "tariff");

    [Fact]
    public async Task Retries_server_errors_and_returns_the_good_answer()
    {
        var answers = new Queue<FakeResponse>([FakeResponse.Plain(503), FakeResponse.Plain(500), FakeResponse.Json("{\"ok\":true}")]);
        using var server = new FakeApiServer(_ => answers.Dequeue());
        using var client = Client(server);

        var response = await client.SendAsync(Get, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("{\"ok\":true}", response.Text());
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(3, client.Calls);
    }

    [Fact]
    public async Task Does_not_retry_a_wrong_key()
    {
        using var server = new FakeApiServer(_ => FakeResponse.Plain(401, "Access denied due to invalid subscription key"));
        using var client = Client(server);

        var response = await client.SendAsync(Get, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Gives_up_after_the_attempts_with_a_message_naming_the_api_and_status()
    {
        using var server = new FakeApiServer(_ => FakeResponse.Plain(502, "bad gateway"));
        using var client = Client(server);

        var ex = await Assert.ThrowsAsync<SourceException>(() => client.SendAsync(Get, CancellationToken.None));

        Assert.Contains("Test API answered 502", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task Waits_for_retry_after_before_asking_again()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var answers = new Queue<FakeResponse>([
            FakeResponse.Plain(429) with { Headers = new Dictionary<string, string> { ["Retry-After"] = "30" } },
            FakeResponse.Json("{}")]);
        using var server = new FakeApiServer(_ => answers.Dequeue());
        using var client = Client(server, time);

        var call = client.SendAsync(Get, CancellationToken.None);
        await server.WaitForRequestsAsync(1);

        // Advance a second at a time: the client may schedule its wait a moment after the 429 arrives, so a single
        // big step could land before the timer exists. Whatever the timing, the second request must not come early.
        var advanced = TimeSpan.Zero;
        while (server.Requests.Count < 2 && advanced < TimeSpan.FromMinutes(2))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        var response = await call.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        Assert.True(advanced >= TimeSpan.FromSeconds(30), $"asked again after {advanced.TotalSeconds} s of a 30 s Retry-After");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_call_queued_for_a_rate_limit_slot_longer_than_the_request_timeout_is_still_sent()
    {
        // One call a minute and a 30 s timeout: the second caller waits a minute for its slot. Before, that wait ran
        // inside the timeout, so the call failed as "no answer in time" without ever reaching the API.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        using var server = new FakeApiServer(_ => FakeResponse.Json("{}"));
        using var client = Client(server, time, new ApiPolicy("Test API", 1, TimeSpan.FromMinutes(1)) { RequestTimeout = TimeSpan.FromSeconds(30), MaxAttempts = 1 });

        await client.SendAsync(Get, CancellationToken.None);
        var queued = client.SendAsync(Get, CancellationToken.None);

        var advanced = TimeSpan.Zero;
        while (server.Requests.Count < 2 && advanced < TimeSpan.FromMinutes(3))
        {
            time.Advance(TimeSpan.FromSeconds(5));
            advanced += TimeSpan.FromSeconds(5);
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        var response = await queued.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(advanced >= TimeSpan.FromMinutes(1), $"second call sent after {advanced.TotalSeconds} s of a one-a-minute limit");
    }

    [Fact]
    public async Task A_retry_after_of_years_is_obeyed_for_a_day_at_most()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        using var server = new FakeApiServer(_ => FakeResponse.Plain(503) with { Headers = new Dictionary<string, string> { ["Retry-After"] = "99999999" } });
        using var client = Client(server, new FakeTimeProvider(now));

        var ex = await Assert.ThrowsAsync<SourceException>(() => client.SendAsync(Get, CancellationToken.None));

        Assert.Equal(now.AddDays(1), ex.RetryAt);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task An_answer_over_the_size_limit_is_one_clear_fault_and_not_fetched_again()
    {
        using var server = new FakeApiServer(_ => FakeResponse.Json("[" + new string(' ', 4096) + "]"));
        using var client = Client(server, policy: new ApiPolicy("Test API", 100, TimeSpan.FromHours(1)) { FirstRetryDelay = TimeSpan.FromMilliseconds(10), MaxAnswerBytes = 1024 });

        var ex = await Assert.ThrowsAsync<SourceException>(() => client.SendAsync(Get, CancellationToken.None));

        Assert.Contains("larger than the bridge reads", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_long_retry_after_is_not_waited_out_but_becomes_the_next_attempt_time()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(_ => FakeResponse.Plain(429) with { Headers = new Dictionary<string, string> { ["Retry-After"] = "3600" } });
        using var client = Client(server, time);

        var ex = await Assert.ThrowsAsync<SourceException>(() => client.SendAsync(Get, CancellationToken.None));

        Assert.Equal(now.AddHours(1), ex.RetryAt);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task An_unreachable_api_is_one_clear_message()
    {
        var port = Mqtt.TestPorts.GetFree();
        using var client = new ApiClient(
            new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") },
            new ApiPolicy("Test API", 100, TimeSpan.FromHours(1)) { FirstRetryDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 2 },
            TimeProvider.System,
            NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<SourceException>(() => client.SendAsync(Get, CancellationToken.None));

        Assert.Equal("Test API unreachable: connection refused or host unreachable", ex.Message);
    }

    [Fact]
    public async Task A_single_attempt_policy_asks_once()
    {
        using var server = new FakeApiServer(_ => FakeResponse.Plain(503));
        using var client = Client(server, policy: new ApiPolicy("Test API", 100, TimeSpan.FromHours(1)) { MaxAttempts = 1 });

        await Assert.ThrowsAsync<SourceException>(() => client.SendAsync(Get, CancellationToken.None));

        Assert.Single(server.Requests);
    }
}
