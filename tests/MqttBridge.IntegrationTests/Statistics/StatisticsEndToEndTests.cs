using System.Globalization;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.ElviaMeter;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using static MqttBridge.TestSupport.ElviaResponses;

namespace MqttBridge.IntegrationTests.Statistics;

/// <summary>The real bridge with an Elvia meter on a fake Elvia and Home Assistant statistics on a fake Home Assistant.</summary>
public sealed class StatisticsEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private const decimal Price = 0.8m;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-e2e-stats-").FullName;

    private static string Config(FakeElvia elvia) => $"""
        embedded_broker:
          port: {TestPorts.GetFree()}
        sites:
          - id: home
            name: Home
            tariff:
              type: static
              currency: NOK
              resolution: 15
              bands:
                - name: All day
                  price: {Price.ToString(CultureInfo.InvariantCulture)}
            meter:
              type: elvia
              token: e2e-meter-token
              metering_point_id: "{MeteringPointId}"
              base_url: {elvia.Server.BaseUrl}
        """;

    private Dictionary<string, string> Environment(FakeHomeAssistant ha) => new()
    {
        ["MQTTBRIDGE__DATA_DIR"] = _dataDir,
        ["MQTTBRIDGE__HOMEASSISTANT__URL"] = ha.Url,
        ["MQTTBRIDGE__HOMEASSISTANT__TOKEN"] = ha.Token,
    };

    private static async Task UntilAsync(Func<bool> condition, string what, BridgeProcess bridge)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline && !bridge.HasExited, $"timed out waiting for {what}:\n{bridge.Output}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }
    }

    [Fact]
    public async Task Stores_yesterdays_hours_then_a_correction_after_a_restart_while_home_assistant_restarts()
    {
        using var elvia = new FakeElvia(TimeProvider.System.GetUtcNow) { Lag = TimeSpan.Zero };
        using var ha = new FakeHomeAssistant("2025.11.2");
        var yesterday = LocalDay.Of(TimeProvider.System.GetUtcNow(), Oslo).Previous;
        var hours = (int)yesterday.Length.TotalHours;
        var config = Config(elvia);

        using (var bridge = BridgeProcess.Start(config, Environment(ha)))
        {
            await UntilAsync(() => ha.Rows("mqttbridge:home_consumption").Count(r => r.Start >= yesterday.Start && r.Start < yesterday.End) == hours, "yesterday's hours", bridge);
            await UntilAsync(() => ha.Rows("mqttbridge:home_cost").Count(r => r.Start >= yesterday.Start && r.Start < yesterday.End) == hours, "yesterday's cost", bridge);
            bridge.Signal(BridgeProcess.SigTerm);
            Assert.Equal(0, await bridge.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.DoesNotContain(ha.Token, bridge.Output, StringComparison.Ordinal);
        }

        // Yesterday's hours at the hours they happened, with their values; every sum runs on from the row before.
        var rows = ha.Rows("mqttbridge:home_consumption");
        var ofYesterday = rows.Where(r => r.Start >= yesterday.Start && r.Start < yesterday.End).ToList();
        Assert.Equal(Enumerable.Range(0, hours).Select(i => yesterday.Start.AddHours(i)), ofYesterday.Select(r => r.Start));
        Assert.Equal(Enumerable.Range(0, hours).Select(i => (double)Ramp(i)), ofYesterday.Select(r => Math.Round(r.State, 6)));
        AssertRunningSums(rows);

        // History: from the first hour of last month (Elvia's answer for the whole month, asked once).
        var today = LocalDay.Of(TimeProvider.System.GetUtcNow(), Oslo).Date;
        Assert.Equal(LocalDay.StartOf(new DateOnly(today.Year, today.Month, 1).AddMonths(-1), Oslo), rows[0].Start);
        Assert.Single(elvia.LastMonthCalls);

        // Cost: every hour, those before the bridge first ran too (the static tariff's rules price any past hour), kWh × 0.8 NOK.
        var cost = ha.Rows("mqttbridge:home_cost");
        var byStart = rows.ToDictionary(r => r.Start);
        Assert.Equal(rows.Select(r => r.Start), cost.Select(r => r.Start));
        Assert.All(cost, c => Assert.Equal(byStart[c.Start].State * (double)Price, c.State, 6));
        AssertRunningSums(cost);
        Assert.Equal("NOK", ha.Metadata["mqttbridge:home_cost"]["unit_of_measurement"]!.GetValue<string>());
        var imports = ha.Imports.Count;

        // Elvia corrects 18:00 yesterday; Home Assistant is down when the bridge starts again, and comes back.
        var corrected = yesterday.Start.AddHours(18);
        elvia.Kwh = t => t == corrected ? 9.5m : Ramp((int)(t - LocalDay.Of(t, Oslo).Start).TotalHours);
        Directory.Delete(Path.Combine(_dataDir, "cache"), recursive: true); // the bridge asks Elvia again at once
        ha.Stop();
        using (var bridge = BridgeProcess.Start(config, Environment(ha)))
        {
            await bridge.WaitForOutputAsync("trying again", Patience);
            ha.Start();
            await UntilAsync(() => ha.Rows("mqttbridge:home_consumption").Any(r => r.Start == corrected && r.State == 9.5), "the corrected hour", bridge);
            await UntilAsync(() => ha.Rows("mqttbridge:home_cost").Any(r => r.Start == corrected && Math.Abs(r.State - (9.5 * (double)Price)) < 1e-6), "the corrected hour's cost", bridge);
            bridge.Signal(BridgeProcess.SigTerm);
            await bridge.WaitForExitAsync(TimeSpan.FromSeconds(15));
        }

        // Only the corrected hour and the ones after it were sent again (and any hour completed since); the sums now
        // carry the difference, the cost's too.
        var resent = ha.Imports.Skip(imports)
            .Where(i => i["metadata"]!["statistic_id"]!.GetValue<string>() == "mqttbridge:home_consumption")
            .SelectMany(i => i["stats"]!.AsArray())
            .Select(r => DateTimeOffset.Parse(r!["start"]!.GetValue<string>(), CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(corrected, resent[0]);
        Assert.Equal(rows.Where(r => r.Start >= corrected).Select(r => r.Start), resent.Take(rows.Count(r => r.Start >= corrected)));
        var after = ha.Rows("mqttbridge:home_consumption");
        AssertRunningSums(after);
        Assert.Equal(rows[^1].Sum + (9.5 - (double)Ramp(18)), after.Single(r => r.Start == rows[^1].Start).Sum, 6);
        var costAfter = ha.Rows("mqttbridge:home_cost");
        Assert.Equal(9.5 * (double)Price, costAfter.Single(r => r.Start == corrected).State, 6);
        AssertRunningSums(costAfter);
        Assert.Empty(ha.Errors);
    }

    private static void AssertRunningSums(IReadOnlyList<StoredStatistic> rows)
    {
        Assert.NotEmpty(rows);
        Assert.Equal(rows[0].State, rows[0].Sum, 6);
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.Equal(rows[i - 1].Sum + rows[i].State, rows[i].Sum, 6);
        }
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
