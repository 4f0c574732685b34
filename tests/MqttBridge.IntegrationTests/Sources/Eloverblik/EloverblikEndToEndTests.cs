using System.Globalization;
using System.Text.Json;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using static MqttBridge.TestSupport.EloverblikResponses;

namespace MqttBridge.IntegrationTests.Eloverblik;

/// <summary>The real bridge with an Eloverblik tariff and meter pointed at a fake Eloverblik on 127.0.0.1.</summary>
public sealed class EloverblikEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private static readonly string Refresh = Jwt(TimeProvider.System.GetUtcNow().AddDays(200), "e2e-refresh");

    private static string Config(int port, string baseUrl, bool meteringPoint = true) => $"""
        mqtt:
          host: ""
        embedded_broker:
          bind: 127.0.0.1
          port: {port}
        sites:
          - id: home
            name: Home
            tariff:
              type: eloverblik
              refresh_token: {Refresh}
              base_url: {baseUrl}
            meter:
              type: eloverblik
              refresh_token: {Refresh}
              {(meteringPoint ? $"metering_point_id: \"{MeteringPointId}\"" : string.Empty)}
              base_url: {baseUrl}
        """;

    [Fact]
    public async Task A_danish_household_sees_yesterday_the_month_max_and_the_grid_price_and_nothing_personal()
    {
        using var fake = new FakeEloverblik(TimeProvider.System.GetUtcNow, Refresh);
        var now = TimeProvider.System.GetUtcNow();
        var today = LocalDay.Of(now, Copenhagen);
        var yesterdayHours = (int)today.Previous.Length.TotalHours;
        var expectedYesterday = (yesterdayHours * 0.5m) + (0.1m * yesterdayHours * (yesterdayHours - 1) / 2);

        // This month's highest hour: the last hour of its longest day so far (unknown on the 1st).
        var monthDays = Enumerable.Range(1, today.Date.Day - 1).Select(d => new LocalDay(new DateOnly(today.Date.Year, today.Date.Month, d), Copenhagen)).ToList();
        var expectedMax = monthDays.Count == 0 ? "None" : Text(0.5m + (0.1m * (monthDays.Max(d => (int)d.Length.TotalHours) - 1)));
        var local = TimeZoneInfo.ConvertTime(now, Copenhagen);

        var port = TestPorts.GetFree();
        using var bridge = BridgeProcess.Start(Config(port, fake.BaseUrl));
        var retained = await MosquittoSub.WaitUntilAsync(
            port,
            r => r.GetValueOrDefault("mqttbridge/home/yesterday_consumption") is { } y && y != "None" && r.GetValueOrDefault("mqttbridge/home/grid_price") is { } p && p != "None",
            Patience,
            "mqttbridge/#",
            "homeassistant/#");

        Assert.True(retained.ContainsKey("mqttbridge/home/yesterday_consumption"), bridge.Output);
        Assert.Equal(Text(expectedYesterday), retained["mqttbridge/home/yesterday_consumption"]);
        Assert.Equal(expectedMax, retained["mqttbridge/home/month_max_hour"]);
        Assert.Equal("31.25", retained["mqttbridge/home/subscription_monthly_price"]);
        var hourNow = TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), Copenhagen).Hour;
        Assert.Contains(retained["mqttbridge/home/grid_price"], new[] { local.Hour, hourNow }.Select(h => Text((NetTariff()[h] + 0.83m) * 1.25m)));
        Assert.False(retained.ContainsKey("mqttbridge/home/today_consumption"));
        Assert.True(DateTimeOffset.TryParse(retained["mqttbridge/home/token_expires"], CultureInfo.InvariantCulture, out _));
        using (var discovery = JsonDocument.Parse(retained["homeassistant/device/mqttbridge_home/config"]))
        {
            Assert.Equal("DKK/kWh", discovery.RootElement.GetProperty("components").GetProperty("grid_price").GetProperty("unit_of_measurement").GetString());
        }

        // The tokens are sent, never shown; the metering point id is never published or logged.
        Assert.Equal(1, fake.TokenCalls);
        Assert.Empty(fake.Violations);
        Assert.DoesNotContain(Refresh, bridge.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(MeteringPointId, bridge.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(retained.Values, v => v.Contains(Refresh, StringComparison.Ordinal) || v.Contains(MeteringPointId, StringComparison.Ordinal) || v.Contains("eyJ", StringComparison.Ordinal));

        await HaCheck.AssertAcceptsAsync(port, "home:yesterday_consumption,home:grid_price,home:price_level,home:next_hour_price,home:subscription_monthly_price,home:token_expires,home:month_consumption");
    }

    [Fact]
    public async Task The_meteringpoints_command_lists_ids_types_operators_and_resolutions_and_reuses_the_token_on_disk()
    {
        using var fake = new FakeEloverblik(TimeProvider.System.GetUtcNow, Refresh);
        fake.Points.Add((ProductionPointId, "E18", "PT15M"));
        var data = Directory.CreateTempSubdirectory("mqttbridge-eloverblik-cli-");
        try
        {
            var environment = new Dictionary<string, string> { ["MQTTBRIDGE__DATA_DIR"] = data.FullName };
            var config = Config(TestPorts.GetFree(), fake.BaseUrl, meteringPoint: false);

            var (code, output) = await BridgeProcess.RunAsync(config, environment, "eloverblik", "meteringpoints", "--site", "home");
            Assert.True(code == 0, output);
            Assert.Contains("2 metering point(s) of site 'home's Eloverblik login; use an id as metering_point_id:", output, StringComparison.Ordinal);
            Assert.Contains($"{MeteringPointId}  consumption  Radius Elnet A/S  PT1H", output, StringComparison.Ordinal);
            Assert.Contains($"{ProductionPointId}  production   Radius Elnet A/S  PT15M", output, StringComparison.Ordinal);
            Assert.DoesNotContain("John Doe", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Secret Street", output, StringComparison.Ordinal);
            Assert.DoesNotContain("john@doe.com", output, StringComparison.Ordinal);
            Assert.DoesNotContain(Refresh, output, StringComparison.Ordinal);

            var (again, _) = await BridgeProcess.RunAsync(config, environment, "eloverblik", "meteringpoints");
            Assert.Equal(0, again);
            Assert.Equal(1, fake.TokenCalls);

            Assert.Empty(fake.Violations);

            using var deleted = new FakeEloverblik(TimeProvider.System.GetUtcNow, "another-token");
            var (refused, message) = await BridgeProcess.RunAsync(Config(TestPorts.GetFree(), deleted.BaseUrl), null, "eloverblik", "meteringpoints");
            Assert.Equal(1, refused);
            Assert.Contains("refused the refresh token", message, StringComparison.Ordinal);
            Assert.Contains("DATADELING", message, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static string Text(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
