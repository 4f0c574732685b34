using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using MqttBridge.IntegrationTests.Support;
using static MqttBridge.TestSupport.DiginFixtures;

namespace MqttBridge.IntegrationTests.Digin;

/// <summary>The real bridge binary with a digin site pointed at a fake GridTariffAPI serving the fixtures' prices for today.</summary>
public sealed class DiginEndToEndTests
{
    private const string Key = "e2e-secret-api-key-42";
    private const string MeteringPoint = "707057500000000002";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    private static readonly string[] Topics =
    [
        "mqttbridge/home/grid_price", "mqttbridge/home/price_level", "mqttbridge/home/next_hour_price", "mqttbridge/home/capacity_step",
        "mqttbridge/home/capacity_monthly_price", "mqttbridge/home/fixed_price_per_hour", "homeassistant/device/mqttbridge_home/config",
    ];

    private static string Config(int brokerPort, string baseUrl) => $"""
        embedded_broker:
          port: {brokerPort.ToString(CultureInfo.InvariantCulture)}
        sites:
          - id: home
            name: Home
            tariff:
              type: digin
              base_url: {baseUrl}
              api_key: {Key}
              metering_point_id: "{MeteringPoint}"
        """;

    private static FakeResponse Answer(ReceivedRequest request)
    {
        if (request.Path != "/digin/api/1.0/tariffquery/meteringpointsgridtariffs" || request.Header("X-API-Key") != Key)
        {
            return FakeResponse.Plain(401, "Access denied due to invalid subscription key.");
        }

        using var body = JsonDocument.Parse(request.Body);
        var start = DateTimeOffset.Parse(body.RootElement.GetProperty("startTime").GetString()!, CultureInfo.InvariantCulture);
        return FakeResponse.Json(Around(MonthlyMax, DateOnly.FromDateTime(start.DateTime)));
    }

    /// <summary>What the fixture says for now: the price of its template hour, and that of the next clock hour.</summary>
    private static (string Price, string Level, string Next) ExpectedNow()
    {
        var now = TimeProvider.System.GetUtcNow();
        var price = PriceOfHour(MonthlyMax, TemplateHour(now));
        var next = PriceOfHour(MonthlyMax, TemplateHour(now.AddHours(1)));
        return (Text(price), price == 0.2585m ? "cheap" : "normal", Text(next));

        static string Text(decimal d) => d.ToString("0.######", CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Publishes_the_fixtures_price_level_and_capacity_step_for_now_with_one_call()
    {
        using var server = new FakeApiServer(Answer);
        var port = TestPorts.GetFree();
        using var bridge = BridgeProcess.Start(Config(port, server.BaseUrl));

        var retained = await MosquittoSub.WaitUntilAsync(port, r => Topics.All(r.ContainsKey) && r["mqttbridge/home/grid_price"] != "None", Patience);
        Assert.True(Topics.All(retained.ContainsKey), $"got {string.Join(", ", retained.Keys)}\n{bridge.Output}");

        var expected = ExpectedNow();
        if (retained["mqttbridge/home/grid_price"] != expected.Price)
        {
            // An hour boundary may fall between the two readings: read both again once.
            retained = await MosquittoSub.ReadRetainedAsync(port, 1, "mqttbridge/#");
            expected = ExpectedNow();
        }

        Assert.Equal(expected.Price, retained["mqttbridge/home/grid_price"]);
        Assert.Equal(expected.Level, retained["mqttbridge/home/price_level"]);
        Assert.Equal(expected.Next, retained["mqttbridge/home/next_hour_price"]);
        Assert.Equal("4", retained["mqttbridge/home/capacity_step"]);
        Assert.Equal("170", retained["mqttbridge/home/capacity_monthly_price"]);
        var today = TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), Oslo);
        var days = DateTime.DaysInMonth(today.Year, today.Month);
        Assert.Equal(days switch { 31 => "0.2284", 30 => "0.2361", 29 => "0.2442", _ => "0.2529" }, retained["mqttbridge/home/fixed_price_per_hour"]);

        var request = Assert.Single(server.Requests);
        Assert.Equal(Key, request.Header("X-API-Key"));
        Assert.Contains(MeteringPoint, request.Body, StringComparison.Ordinal);

        // No secret and no metering point id in the log or on any topic.
        Assert.DoesNotContain(Key, bridge.Output, StringComparison.Ordinal);
        var all = await MosquittoSub.ReadRetainedAsync(port, 1);
        Assert.DoesNotContain(all.Values, v => v.Contains(Key, StringComparison.Ordinal) || v.Contains(MeteringPoint, StringComparison.Ordinal));

        await AssertHomeAssistantAcceptsAsync(port);
    }

    [Fact]
    public async Task A_wrong_key_is_one_clear_log_line_and_the_problem_sensor_is_on()
    {
        using var server = new FakeApiServer(_ => FakeResponse.Plain(401, "Access denied due to invalid subscription key."));
        var port = TestPorts.GetFree();
        using var bridge = BridgeProcess.Start(Config(port, server.BaseUrl));

        var retained = await MosquittoSub.WaitUntilAsync(port, r => r.GetValueOrDefault("mqttbridge/home/tariff_problem") == "ON", Patience);

        Assert.Equal("ON", retained.GetValueOrDefault("mqttbridge/home/tariff_problem"));
        await bridge.WaitForOutputAsync("refused the API key (HTTP 401)", Patience);
        Assert.Equal("None", retained["mqttbridge/home/grid_price"]);
        Assert.Single(server.Requests);
        Assert.DoesNotContain(Key, bridge.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bridge.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tariffs_command_lists_keys_and_fails_clearly_on_a_wrong_key()
    {
        using var server = new FakeApiServer(r => r.Header("X-API-Key") == Key ? FakeResponse.Json(DiginSourceTests.TariffTypes) : FakeResponse.Plain(401));

        var (code, output) = await BridgeProcess.RunAsync(null, null, "tariffs", "--base-url", server.BaseUrl, "--api-key", Key);
        Assert.Equal(0, code);
        Assert.Contains("private_tou_rush1       Nettleie Rush&Ro (Oslo og Viken)  Elvia AS  60 min      monthlymax", output, StringComparison.Ordinal);
        Assert.Equal("/digin/api/1.0/tarifftype", server.Requests[0].Path);

        var (failed, message) = await BridgeProcess.RunAsync(null, null, "tariffs", "--base-url", server.BaseUrl, "--api-key", "wrong");
        Assert.Equal(1, failed);
        Assert.Contains("refused the API key (HTTP 401)", message, StringComparison.Ordinal);
        Assert.Contains("check --api-key", message, StringComparison.Ordinal);
        Assert.DoesNotContain("tariff.api_key", message, StringComparison.Ordinal);

        var (noKey, why) = await BridgeProcess.RunAsync(null, null, "tariffs", "--base-url", server.BaseUrl);
        Assert.Equal(1, noKey);
        Assert.Contains("no API key; pass --api-key KEY", why, StringComparison.Ordinal);

        // From the config: its digin site's key and base_url; the two-word form with --site is the same command.
        var (fromConfig, listed) = await BridgeProcess.RunAsync(Config(TestPorts.GetFree(), server.BaseUrl), null, "tariffs");
        Assert.Equal(0, fromConfig);
        Assert.Contains("private_flatrate_house", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, listed, StringComparison.Ordinal);
        var (twoWords, again) = await BridgeProcess.RunAsync(Config(TestPorts.GetFree(), server.BaseUrl), null, "digin", "tariffs", "--site", "home");
        Assert.True(twoWords == 0, again);
        Assert.Contains("private_flatrate_house", again, StringComparison.Ordinal);
        var (noSite, missing) = await BridgeProcess.RunAsync(Config(TestPorts.GetFree(), server.BaseUrl), null, "digin", "tariffs", "--site", "cabin");
        Assert.Equal(1, noSite);
        Assert.Contains("has no site 'cabin' with tariff.type: digin", missing, StringComparison.Ordinal);
    }

    private static Task AssertHomeAssistantAcceptsAsync(int port) => HaCheck.AssertAcceptsAsync(port, "home:grid_price,home:price_level,home:next_hour_price,home:capacity_step,home:capacity_monthly_price,home:fixed_price_per_hour");
}
