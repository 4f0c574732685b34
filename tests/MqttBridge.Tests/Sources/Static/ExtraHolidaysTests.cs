using MqttBridge.Sources;
using MqttBridge.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Scheduling;
using MqttBridge.Sensors;
using MqttBridge.Sources.Static;
using MqttBridge.Tests.Support;
using static MqttBridge.Tests.Configuration.ConfigTestKit;
using static MqttBridge.Tests.Support.TestCurves;

namespace MqttBridge.Tests.StaticTariffs;

/// <summary><c>extra_holidays</c>: a company's own low-price days (24 and 31 December), read from YAML as a user writes them.</summary>
public sealed class ExtraHolidaysTests
{
    private const string Tariff = """
        holidays: "NO"
        extra_holidays: ["12-24", "12-31", "2026-05-15"]
        bands:
          - name: Day
            hours: "06-22"
            days: [workday]
            price: 0.40
          - name: Night, weekend and holidays
            price: 0.30
        """;

    private static SiteRuntimeAndOptions Load(string tariff = Tariff)
    {
        var result = Parse(StaticTariff(tariff));
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var site = result.Options!.Sites[0];
        return new(site, new StaticTariff(site.Tariff.Static()!, Oslo));
    }

    private sealed record SiteRuntimeAndOptions(MqttBridge.Configuration.SiteOptions Site, StaticTariff Tariff);

    [Theory]
    [InlineData(2025, 12, 24, "0.3")]   // Wednesday, Christmas Eve: not a public holiday, but the company's own
    [InlineData(2026, 12, 31, "0.3")]   // Thursday, New Year's Eve, every year
    [InlineData(2026, 5, 15, "0.3")]    // Friday, once
    [InlineData(2028, 5, 15, "0.4")]    // Monday, a dated day does not recur
    [InlineData(2025, 12, 23, "0.4")]   // Tuesday before: an ordinary working day
    [InlineData(2026, 5, 14, "0.3")]    // Ascension Day: the public holidays still count
    public async Task The_bridge_publishes_the_holiday_price_at_noon_on_the_companys_own_low_price_days(int year, int month, int day, string expected)
    {
        var loaded = Load();
        var time = new FakeTimeProvider(Local(year, month, day, 12));
        var publisher = new RecordingPublisher();
        using var sources = new SourceContext(Path.GetTempPath(), time, NullLoggerFactory.Instance);
        var service = new BridgeService(
            [SiteRuntime.Create(loaded.Site, sources)],
            publisher,
            new Topics("mqttbridge", "homeassistant"),
            time,
            NullLogger<BridgeService>.Instance,
            "0.1.0");
        await service.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(expected, await publisher.WaitForAsync("mqttbridge/home/grid_price", _ => true));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Check_config_names_every_date_it_cannot_read()
    {
        var problems = Problems(StaticTariff("""
            extra_holidays: ["24.12", "02-30", "2026-02-29", "13-01", "02-29"]
            bands: [ { name: All day, price: 1 } ]
            """));

        Assert.Equal(
            [
                "sites[0].tariff.extra_holidays[0] (line 6): '24.12' is not a date; write \"MM-DD\" for every year (\"12-24\") or \"YYYY-MM-DD\" for one day (\"2026-05-15\")",
                "sites[0].tariff.extra_holidays[1] (line 6): '02-30' is not a day of the year",
                "sites[0].tariff.extra_holidays[2] (line 6): '2026-02-29' is not a day of the calendar",
                "sites[0].tariff.extra_holidays[3] (line 6): '13-01' is not a day of the year",
            ],
            problems);
    }

    [Fact]
    public void A_single_date_may_be_written_without_a_list()
    {
        var loaded = Load("""
            extra_holidays: 12-24
            bands:
              - { name: Day, hours: "06-22", days: [workday], price: 0.40 }
              - { name: Rest, price: 0.30 }
            """);

        Assert.Equal(["12-24"], loaded.Site.Tariff.Static()!.ExtraHolidays);
        Assert.Equal("Rest", loaded.Tariff.BandAt(Local(2026, 12, 24, 12)));
    }
}
