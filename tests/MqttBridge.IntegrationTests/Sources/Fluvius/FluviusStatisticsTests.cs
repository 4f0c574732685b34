using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.Statistics;
using MqttBridge.Scheduling;
using MqttBridge.Sources;
using MqttBridge.Statistics;
using static MqttBridge.TestSupport.FluviusAnswers;

namespace MqttBridge.IntegrationTests.Fluvius;

/// <summary>
/// Two Fluvius customers, one with electricity (offtake and injection) and one with a gas EAN, both with a tariff, feeding
/// a fake Home Assistant's statistics: offtake and injection arrive as the consumption and production statistics, the
/// gas never arrives as electricity (nor as anything else).
/// </summary>
public sealed class FluviusStatisticsTests : IDisposable
{
    private const string GasReference = "gasCustomer7";
    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-fluvius-stats-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static string Site(string id, FakeFluvius fake, string reference, string extra = "") => $"""
          - id: {id}
            name: {id}
            tariff:
              type: static
              currency: EUR
              bands:
                - name: Alles
                  price: 0.05
            meter:
        {fake.MeterKeys(reference)}
        {extra}
        """;

    [Fact]
    public async Task Offtake_and_injection_reach_the_electricity_statistics_and_the_gas_ean_reaches_none()
    {
        // Now, so the hours fall inside what the import keeps (62 days); every day has arrived (no lag).
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var today = LocalDay.Of(time.GetUtcNow(), Brussels);
        var firstOfLastMonth = new DateOnly(today.Date.Year, today.Date.Month, 1).AddMonths(-1);
        var from = Utc(LocalDay.StartOf(firstOfLastMonth, Brussels));
        using var fake = new FakeFluvius(time.GetUtcNow) { Lag = TimeSpan.Zero, Kwh = _ => 0.25m, Injection = _ => 0.05m };
        fake.MandateList[0] = new("Approved", From: from);
        fake.MandateList.Add(new("Approved", Ean: GasEan, EnergyType: "G", Service: "VH_kwartier_uur", Reference: GasReference, From: from));
        var yaml = $"""
            data_dir: {_dataDir}
            sites:
            {Site("thuis", fake, Reference)}
            {Site("gas", fake, GasReference, $"      metering_point_id: \"{GasEan}\"")}
            """;
        var config = ConfigLoader.Parse(yaml, "test.yaml", new Dictionary<string, string?>());
        Assert.True(config.IsValid, string.Join("\n", config.Problems));
        using var context = new SourceContext(_dataDir, time, NullLoggerFactory.Instance);
        var sites = config.Options!.Sites.Select(s => SiteRuntime.Create(s, context)).ToList();
        foreach (var site in sites)
        {
            foreach (var source in site.Sources)
            {
                await source.RefreshAsync(site.Site.Id, time.GetUtcNow(), site.Zone, NullLogger.Instance, CancellationToken.None);
            }
        }

        var gas = sites.Single(s => s.Site.Id == "gas").View;
        Assert.True(gas.Meter!.Can(SourceCapabilities.Gas), gas.Meter.LastError);
        Assert.NotEmpty(gas.Meter.MeterData!.Gas!.Readings);

        using var ha = new FakeHomeAssistant();
        var importer = new StatisticsImporter(
            new HomeAssistantOptions(HomeAssistantOptions.SocketOf(ha.Url)!, ha.Token), new HashSet<string>(["thuis", "gas"]), _dataDir, TimeProvider.System, NullLogger<StatisticsImporter>.Instance);
        await importer.StartAsync(CancellationToken.None);
        foreach (var site in sites)
        {
            importer.Refreshed(site.View);
        }

        // One pass imports every site (gas first, by id): once thuis' production is in, gas has been looked at.
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            // Cost rows follow the consumption's (the static tariff prices past hours too).
            while (ha.Rows("mqttbridge:thuis_production").Count == 0 || ha.Rows("mqttbridge:thuis_cost").Count < ha.Rows("mqttbridge:thuis_consumption").Count)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, limit.Token);
            }
        }

        await importer.StopAsync(CancellationToken.None);

        // Every hour from the first of last month to today 00:00: 4 × 0.25 kWh used and 4 × 0.05 kWh fed in.
        var hours = (int)(today.Start - LocalDay.StartOf(firstOfLastMonth, Brussels)).TotalHours;
        var consumption = ha.Rows("mqttbridge:thuis_consumption");
        var production = ha.Rows("mqttbridge:thuis_production");
        Assert.Equal((hours, hours), (consumption.Count, production.Count));
        Assert.All(consumption, r => Assert.Equal(1.0, r.State, 6));
        Assert.All(production, r => Assert.Equal(0.2, r.State, 6));
        Assert.Equal(hours * 1.0, consumption[^1].Sum, 6);

        Assert.Equal(hours, ha.Rows("mqttbridge:thuis_cost").Count);

        // Nothing of the gas site: neither as consumption nor as production or cost.
        Assert.Equal(["mqttbridge:thuis_consumption", "mqttbridge:thuis_cost", "mqttbridge:thuis_production"], ha.Metadata.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(ha.Errors);
        Assert.Empty(fake.Violations);
    }
}
