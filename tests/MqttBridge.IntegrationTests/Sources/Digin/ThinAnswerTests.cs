using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.IntegrationTests.Mqtt;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.Mqtt;
using MqttBridge.Scheduling;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Sources.Digin;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;
using Xunit.Abstractions;
using static MqttBridge.TestSupport.DiginFixtures;

namespace MqttBridge.IntegrationTests.Digin;

/// <summary>
/// Successful DIGIN answers that hold less than expected: the bridge (its loop on a fake clock, a fake API on
/// 127.0.0.1, a real mosquitto) keeps what it knew, says what was missing, and asks again within minutes.
/// </summary>
public sealed class ThinAnswerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Key = "thin-api-key";
    private const string Point = "707057500000000002";
    private const string Other = "707057500000000001";
    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-thin-").FullName;
    private MosquittoBroker _mosquitto = null!;

    public async Task InitializeAsync() => _mosquitto = await MosquittoBroker.StartAsync();

    public Task DisposeAsync()
    {
        _mosquitto.Dispose();
        Directory.Delete(_dataDir, recursive: true);
        return Task.CompletedTask;
    }

    private static DateTimeOffset Local(DateOnly date, int hour, int minute = 0, int second = 0) => StartOf(date).AddHours(hour).AddMinutes(minute).AddSeconds(second);

    private static string Start(ReceivedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("startTime").GetString()!;
    }

    /// <summary>The monthlymax example around the asked day (today and tomorrow).</summary>
    private static FakeResponse Full(ReceivedRequest request) =>
        FakeResponse.Json(Around(MonthlyMax, DateOnly.FromDateTime(DateTimeOffset.Parse(Start(request), CultureInfo.InvariantCulture).DateTime)));

    /// <summary>The same answer with its <c>hours</c> emptied: 200, the metering points, no prices.</summary>
    private static FakeResponse NoHours(ReceivedRequest request)
    {
        var root = JsonNode.Parse(Around(MonthlyMax, DateOnly.FromDateTime(DateTimeOffset.Parse(Start(request), CultureInfo.InvariantCulture).DateTime)))!;
        root["gridTariffCollections"]![0]!["gridTariff"]!["tariffPrice"]!["hours"] = new JsonArray();
        return FakeResponse.Json(root.ToJsonString());
    }

    private DiginService Service(FakeApiServer server, TimeProvider time) => new(
        DiginEndpoints.ApiRoot(server.BaseUrl),
        Key,
        "Thin grid",
        new ApiClient(new HttpClient(), DiginService.PolicyFor("Thin grid") with { FirstRetryDelay = TimeSpan.FromMilliseconds(10) }, time, NullLogger.Instance),
        new ResponseCache(_dataDir, "digin", NullLogger.Instance),
        time,
        NullLogger.Instance);

    [Fact]
    public async Task At_midnight_an_answer_without_hours_keeps_the_prices_known_for_the_new_day_and_is_a_fault_retried_in_minutes()
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), Oslo).DateTime);
        var tomorrow = today.AddDays(1);
        var time = new FakeTimeProvider(Local(today, 23, 59, 40));
        using var server = new FakeApiServer(Full);
        using var service = Service(server, time);
        var site = new SiteOptions { Id = "home", Name = "Home", TimeZone = "Europe/Oslo", Tariff = new DiginTariffOptions { ApiKey = Key, MeteringPointId = Point, BaseUrl = server.BaseUrl } };
        var bridgeLog = new TestLogger<BridgeService>(output);
        var connection = new MqttConnection(new MqttOptions { Host = MosquittoBroker.Host, Port = _mosquitto.Port }, new EmbeddedBrokerOptions(), TimeProvider.System, new TestLogger<MqttConnection>(output));
        var bridge = new BridgeService([new SiteRuntime(site, Oslo, SourceRunner.For(DiginTariffModule.Descriptor, new DiginTariffSource(service, (DiginTariffOptions)site.Tariff)), null)], connection, new Topics("mqttbridge", "homeassistant"), time, bridgeLog, "0.1.0");
        await using var watcher = await TestSubscriber.ConnectAsync(MosquittoBroker.Host, _mosquitto.Port, "mqttbridge/#");
        await connection.StartAsync(CancellationToken.None);
        await bridge.StartAsync(CancellationToken.None);
        try
        {
            var before = PriceOfHour(MonthlyMax, TemplateHour(Local(today, 23)));
            await watcher.WaitForLatestAsync("mqttbridge/home/grid_price", Number(before));

            // Midnight: the API answers 200 with the metering point but "hours": [].
            server.Handler = NoHours;
            time.Advance(TimeSpan.FromSeconds(20));
            await watcher.WaitUntilAsync(() => server.Requests.Count == 2 && bridgeLog.Lines.Any(l => l.Contains("failed", StringComparison.Ordinal)), "the midnight refresh and its fault");
            time.Advance(TimeSpan.FromSeconds(12));

            // 00:00:12: the price the 23:59 answer gave for 00:00, and the new day's figures from that answer.
            var newDay = Enumerable.Range(0, 24).Select(h => PriceOfHour(MonthlyMax, Math.Min(h, 12))).ToList();
            await watcher.WaitForLatestAsync("mqttbridge/home/grid_price", Number(PriceOfHour(MonthlyMax, 0)));
            Assert.Equal(Number(newDay.Min()), watcher.Latest("mqttbridge/home/today_min_price"));
            Assert.Equal(Number(newDay.Max()), watcher.Latest("mqttbridge/home/today_max_price"));
            Assert.Equal(Number(newDay.Average()), watcher.Latest("mqttbridge/home/today_average_price"));
            Assert.Equal(Number(PriceOfHour(MonthlyMax, 1)), watcher.Latest("mqttbridge/home/next_hour_price"));

            // One log line naming what was missing; the problem sensor's attributes say so, and the next try is minutes away.
            var failure = Assert.Single(bridgeLog.Lines, l => l.Contains("failed", StringComparison.Ordinal));
            Assert.Contains($"answered without the prices of tariff normal_low_cons for {tomorrow:yyyy-MM-dd} (0 of 24 slots)", failure, StringComparison.Ordinal);
            using var problem = JsonDocument.Parse(watcher.Latest("mqttbridge/home/tariff_problem/attributes")!);
            Assert.Contains("0 of 24 slots", problem.RootElement.GetProperty("last_error").GetString(), StringComparison.Ordinal);
            Assert.Equal(LocalTime(Local(tomorrow, 0, 15)), problem.RootElement.GetProperty("next_attempt").GetString());
            Assert.Equal("OFF", watcher.Latest("mqttbridge/home/tariff_problem"));

            // 00:15: a full answer again.
            server.Handler = Full;
            time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(12));
            await watcher.WaitUntilAsync(() => server.Requests.Count == 3, "the retry at 00:15");
            await watcher.WaitUntilAsync(() => watcher.Latest("mqttbridge/home/tariff_problem/attributes")?.Contains("\"last_error\"", StringComparison.Ordinal) == false, "the fault to clear");
        }
        finally
        {
            await bridge.StopAsync(CancellationToken.None);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await connection.StopAsync(deadline.Token);
            connection.Dispose();
        }
    }

    [Fact]
    public async Task Fewer_slots_than_the_day_has_keep_the_known_ones_and_a_left_out_metering_point_fails_alone()
    {
        var day = new DateOnly(2026, 11, 23);
        var now = Local(day, 10, 15);
        var time = new FakeTimeProvider(now);
        using var server = new FakeApiServer(Full);
        using var service = Service(server, time);
        var point = new DiginTariffSource(service, new DiginTariffOptions { ApiKey = Key, MeteringPointId = Point, BaseUrl = "unused" });
        var other = new DiginTariffSource(service, new DiginTariffOptions { ApiKey = Key, MeteringPointId = Other, BaseUrl = "unused" });
        var known = await point.FetchAsync(now, CancellationToken.None);
        Assert.Equal(48, known.Curve.Slots.Count);

        // Next midnight: 20 of tomorrow's 24 hours, and only the other metering point.
        var hoursServed = 20;
        server.Handler = r =>
        {
            var root = JsonNode.Parse(Around(MonthlyMax, day.AddDays(1)))!;
            var hours = root["gridTariffCollections"]![0]!["gridTariff"]!["tariffPrice"]!["hours"]!.AsArray();
            while (hours.Count > hoursServed)
            {
                hours.RemoveAt(hours.Count - 1);
            }

            var groups = root["gridTariffCollections"]![0]!["meteringPointsAndPriceLevels"]!.AsArray();
            foreach (var group in groups)
            {
                var points = group!["meteringPoints"]!.AsArray();
                foreach (var p in points.Where(p => (string)p!["meteringPointId"]! == Point).ToList())
                {
                    points.Remove(p);
                }
            }

            return FakeResponse.Json(root.ToJsonString());
        };
        var midnight = StartOf(day.AddDays(1));
        time.SetUtcNow(midnight);

        var thin = await Assert.ThrowsAsync<SourceException>(() => other.FetchAsync(midnight, CancellationToken.None));
        Assert.Equal("DIGIN GridTariffAPI (Thin grid) answered without the prices of tariff normal_low_cons for 2026-11-24 (20 of 24 slots); keeping the prices already known", thin.Message);
        Assert.Equal(midnight.AddMinutes(15), thin.RetryAt);

        // Retried at 00:15 with all of the day's hours, still without our metering point: the other one is fine, ours
        // fails alone and keeps the prices it had for today (the 23 Nov answer's "tomorrow").
        hoursServed = 48;
        time.SetUtcNow(midnight.AddMinutes(15));
        var fine = await other.FetchAsync(midnight.AddMinutes(15), CancellationToken.None);
        Assert.Equal(48, fine.Curve.Slots.Count);
        var left = await Assert.ThrowsAsync<SourceException>(() => point.FetchAsync(midnight.AddMinutes(15), CancellationToken.None));
        Assert.Contains("has no tariff for metering point …0002 in its latest answer", left.Message, StringComparison.Ordinal);
        Assert.Contains("keeping the prices already known", left.Message, StringComparison.Ordinal);
        Assert.Equal(midnight.AddMinutes(15 + 30), left.RetryAt); // its second answer in a row without it: 15, then 30 minutes
        Assert.Equal(3, server.Requests.Count);
    }

    private static string Number(decimal value) => Format.Number(value);

    private static string LocalTime(DateTimeOffset instant) => Format.Timestamp(instant, Oslo);
}
