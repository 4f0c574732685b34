using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using static MqttBridge.TestSupport.ElviaResponses;

namespace MqttBridge.IntegrationTests.ElviaMeter;

/// <summary>The real bridge with the shipped static tariff and an Elvia meter pointed at a fake Elvia on 127.0.0.1.</summary>
public sealed class ElviaEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Publishes_the_sums_and_the_max_hour_the_fake_answers_imply_and_the_capacity_step_they_select()
    {
        using var fake = new FakeElvia(TimeProvider.System.GetUtcNow) { Lag = TimeSpan.Zero };
        var now = TimeProvider.System.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, Oslo);

        // Three peak hours on different days of this month: Elvia's average 6.3 kW is step 3 (5–10 kW) of the ladder.
        var first = At(local.Year, local.Month, 1);
        var previous = At(first.AddDays(-1).Year, first.AddDays(-1).Month, 2, 18);
        fake.MaxHoursJson = t => MaxHours(
            t,
            Aggregate(0, 6.3m, (first.AddDays(2).AddHours(18), 6.1m, true), (first.AddHours(7), 6.4m, true), (first.AddDays(1).AddHours(8), 6.4m, true)),
            Aggregate(1, 4.2m, (previous, 4.0m, true), (previous.AddDays(1), 4.4m, true), (previous.AddDays(2), 4.2m, true)));

        // What the served hours imply for yesterday: 0.5 + 0.1 × hour index over its 23, 24 or 25 hours.
        var yesterday = LocalDay.Of(now, Oslo).Previous;
        var hours = (int)yesterday.Length.TotalHours;
        var expected = (hours * 0.5m) + (0.1m * hours * (hours - 1) / 2);

        var port = TestPorts.GetFree();
        var config = File.ReadAllText(RepoPaths.File("config/mqttbridge.yaml")) + $"""
                meter:
                  type: elvia
                  token: e2e-secret-token
                  metering_point_id: "{MeteringPointId}"
                  base_url: {fake.Server.BaseUrl}
            """;
        using var bridge = BridgeProcess.Start(config, new Dictionary<string, string> { ["MQTTBRIDGE__EMBEDDED_BROKER__PORT"] = port.ToString(CultureInfo.InvariantCulture) });

        var retained = await MosquittoSub.WaitUntilAsync(
            port,
            r => r.GetValueOrDefault("mqttbridge/home/yesterday_consumption") is { } y && y != "None" && r.ContainsKey("mqttbridge/home/capacity_step"),
            Patience,
            "mqttbridge/#",
            "homeassistant/#");

        Assert.True(retained.ContainsKey("mqttbridge/home/yesterday_consumption"), bridge.Output);
        Assert.Equal(expected.ToString("0.######", CultureInfo.InvariantCulture), retained["mqttbridge/home/yesterday_consumption"]);
        Assert.Equal("6.3", retained["mqttbridge/home/month_max_hour"]);
        Assert.Equal("4.2", retained["mqttbridge/home/last_month_max_hour"]);
        Assert.Equal("3", retained["mqttbridge/home/capacity_step"]);
        Assert.Equal("420", retained["mqttbridge/home/capacity_monthly_price"]);
        Assert.Equal("10", retained["mqttbridge/home/capacity_next_step_kw"]);
        using (var attributes = JsonDocument.Parse(retained["mqttbridge/home/yesterday_consumption/attributes"]))
        {
            Assert.Equal(hours, attributes.RootElement.GetProperty("hours").GetInt32());
            Assert.True(attributes.RootElement.GetProperty("verified").GetBoolean());
        }

        // The token is sent, never shown; the metering point id is never published.
        Assert.All(fake.Server.Requests, r => Assert.Equal("Bearer e2e-secret-token", r.Header("Authorization")));
        Assert.DoesNotContain("e2e-secret-token", bridge.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(retained.Values, v => v.Contains("e2e-secret-token", StringComparison.Ordinal) || v.Contains(MeteringPointId, StringComparison.Ordinal));
        // Meter values, max hours, and last month once for the history (its last day is in: the fake has no lag).
        Assert.Equal(3, fake.Server.Requests.Count);
        Assert.Single(fake.LastMonthCalls);

        await AssertHomeAssistantAcceptsAsync(port);
    }

    /// <summary>Every entity is checked; those required must also have a value (today's running totals may be None just after midnight).</summary>
    private static Task AssertHomeAssistantAcceptsAsync(int port) => HaCheck.AssertAcceptsAsync(
        port, "home:yesterday_consumption,home:month_max_hour,home:last_month_max_hour,home:capacity_step,home:capacity_monthly_price,home:capacity_next_step_kw");
}
