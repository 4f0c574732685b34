using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MqttBridge.IntegrationTests.ElviaMeter;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using MqttBridge.IntegrationTests.Support;
using static MqttBridge.TestSupport.DiginFixtures;
using static MqttBridge.TestSupport.ElviaResponses;

namespace MqttBridge.IntegrationTests.Digin;

/// <summary>
/// The real bridge with a DIGIN tariff whose ladder is written "0–2, 2.01–4, …" and an Elvia meter: the capacity step
/// of a month max between two steps.
/// </summary>
public sealed class CapacityGapEndToEndTests
{
    private const string Key = "gap-secret-api-key";
    private const string DiginPoint = "707057500000000002";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    /// <summary>The monthlymax example around the asked day, each step after the first starting 0.01 above the previous end.</summary>
    private static FakeResponse GappedAnswer(ReceivedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        var start = DateTimeOffset.Parse(body.RootElement.GetProperty("startTime").GetString()!, CultureInfo.InvariantCulture);
        var root = JsonNode.Parse(Around(MonthlyMax, DateOnly.FromDateTime(start.DateTime)))!;
        foreach (var fixedPrices in root["gridTariffCollections"]![0]!["gridTariff"]!["tariffPrice"]!["priceInfo"]!["fixedPrices"]!.AsArray())
        {
            foreach (var level in fixedPrices!["priceLevels"]!.AsArray())
            {
                if (level!["valueMin"]!.GetValue<decimal>() is > 0m and var min)
                {
                    level["valueMin"] = min + 0.01m;
                }
            }
        }

        return FakeResponse.Json(root.ToJsonString());
    }

    [Fact]
    public async Task A_month_max_of_2_005_kW_is_step_2_at_115_NOK_and_the_gapped_ladder_is_logged_once()
    {
        using var digin = new FakeApiServer(GappedAnswer);
        using var elvia = new FakeElvia(TimeProvider.System.GetUtcNow) { Lag = TimeSpan.Zero };
        var local = TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), ElviaResponses.Oslo);
        var firstHour = At(local.Year, local.Month, 1);
        elvia.MaxHoursJson = t => MaxHours(t, Aggregate(0, 2.005m, (firstHour, 2.005m, true)));
        var port = TestPorts.GetFree();
        using var bridge = BridgeProcess.Start($"""
            embedded_broker:
              port: {port.ToString(CultureInfo.InvariantCulture)}
            sites:
              - id: home
                name: Home
                tariff:
                  type: digin
                  base_url: {digin.BaseUrl}
                  api_key: {Key}
                  metering_point_id: "{DiginPoint}"
                meter:
                  type: elvia
                  token: gap-secret-token
                  metering_point_id: "{MeteringPointId}"
                  base_url: {elvia.Server.BaseUrl}
            """);

        var retained = await MosquittoSub.WaitUntilAsync(port, r => r.GetValueOrDefault("mqttbridge/home/capacity_step") is { } s && s != "None", Patience, "mqttbridge/#");

        Assert.True(retained.ContainsKey("mqttbridge/home/capacity_step"), bridge.Output);
        Assert.Equal("2.005", retained["mqttbridge/home/month_max_hour"]);
        Assert.Equal("2", retained["mqttbridge/home/capacity_step"]);
        Assert.Equal("115", retained["mqttbridge/home/capacity_monthly_price"]);
        Assert.Equal("4", retained["mqttbridge/home/capacity_next_step_kw"]);
        const string Logged = "Nettselskap AS's tariff normal_low_cons has capacity steps that do not meet (0–2, 2.01–4, 4.01–8, 8.01–12, 12.01–16, 16.01+ kW: gap 2–2.01 kW";
        await bridge.WaitForOutputAsync(Logged, Patience);
        Assert.Single(bridge.Output.Split('\n'), l => l.Contains("capacity steps that do not meet", StringComparison.Ordinal));
    }
}
