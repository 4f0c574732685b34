using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Domain;
using MqttBridge.Sensors;
using MqttBridge.Statistics;
using static MqttBridge.TestSupport.FluviusAnswers;

namespace MqttBridge.IntegrationTests.Fluvius;

/// <summary>
/// A Flemish household whose bridge starts on 20 March 2026 with a mandate whose data period starts on 1 June 2025:
/// the peaks of June 2025 … January 2026 are read back (one call an hour, each month once, across a restart), kept in
/// data_dir/capacity, and the capacity price is the 12-month average from the first day.
/// </summary>
public sealed class FluviusBackfillTests : IDisposable
{
    // Each month's peak (kW), on the 10th at 18:00 local; the rest of the month is base load (0.01 kWh a quarter).
    private static readonly Dictionary<(int Year, int Month), decimal> Peaks = new()
    {
        [(2025, 4)] = 9.9m, [(2025, 5)] = 9.9m, // before the mandate's data period: never asked for
        [(2025, 6)] = 1.2m, [(2025, 7)] = 3.0m, [(2025, 8)] = 4.0m, [(2025, 9)] = 5.0m, [(2025, 10)] = 6.0m,
        [(2025, 11)] = 7.0m, [(2025, 12)] = 8.0m, [(2026, 1)] = 3.6m, [(2026, 2)] = 4.4m, [(2026, 3)] = 5.2m,
    };

    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-fluvius-backfill-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static DateTimeOffset Local(int y, int mo, int d, int h, int mi = 0)
    {
        var local = new DateTime(y, mo, d, h, mi, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Brussels.GetUtcOffset(local));
    }

    private string Yaml(FakeFluvius fake) => $"""
        data_dir: {_dataDir}
        sites:
          - id: thuis
            name: Thuis
            tariff:
              type: static
              currency: EUR
              resolution: 15
              bands:
                - name: Alles
                  price: 0.05
              capacity:
                basis: monthly_peak_quarter_hour
                minimum_kw: 2.5
                average_months: 12
                steps:
                  - from_kw: 0
                    monthly_price: 0
                    per_kw_monthly: 4.37
            meter:
        {fake.MeterKeys(Reference)}
        """;

    private static FakeFluvius Fake(FakeTimeProvider time)
    {
        var fake = new FakeFluvius(time.GetUtcNow)
        {
            Kwh = t =>
            {
                var local = TimeZoneInfo.ConvertTime(t, Brussels);
                return local is { Day: 10, Hour: 18, Minute: 0 } ? Peaks[(local.Year, local.Month)] / 4m : 0.01m;
            },
        };
        fake.MandateList[0] = new("Approved", From: "2025-05-31T22:00:00Z");
        return fake;
    }

    /// <summary>The energy calls that asked for one whole month before the daily window (February 2026 on).</summary>
    private static List<(DateTimeOffset At, DateOnly Month)> BackfillCalls(FakeFluvius fake) =>
        [.. fake.Calls
            .Where(c => c.Request.Path.EndsWith("/Mandate/energy", StringComparison.Ordinal))
            .Select(c => (c.At, From: DateTimeOffset.Parse(c.Request.QueryValue("from")!, CultureInfo.InvariantCulture), To: DateTimeOffset.Parse(c.Request.QueryValue("to")!, CultureInfo.InvariantCulture)))
            .Where(c => c.From < Local(2026, 2, 1, 0))
            .Select(c =>
            {
                var month = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(c.From, Brussels).DateTime);
                Assert.Equal((1, LocalDay.StartOf(month.AddMonths(1), Brussels)), (month.Day, c.To));
                return (c.At, month);
            })];

    [Fact]
    public async Task Peaks_of_the_mandates_earlier_months_are_read_back_once_an_hour_apart_and_the_capacity_price_is_the_twelve_month_average_at_once()
    {
        var time = new FakeTimeProvider(Local(2026, 3, 20, 9));
        using var fake = Fake(time);

        // First start; stopped after three months were read back.
        using (var first = new FluviusSession(Yaml(fake), _dataDir, time))
        {
            await first.RunUntilAsync(time, Local(2026, 3, 20, 11, 30));
            Assert.Equal([new(2026, 1, 1), new(2025, 12, 1), new(2025, 11, 1)], BackfillCalls(fake).Select(c => c.Month));
        }

        // The restart reads only the five months left, an hour apart; June 2025 is the first month the mandate covers.
        using var second = new FluviusSession(Yaml(fake), _dataDir, time);
        await second.RunUntilAsync(time, Local(2026, 3, 21, 6));
        var calls = BackfillCalls(fake);
        Assert.Equal(
            [new(2026, 1, 1), new(2025, 12, 1), new(2025, 11, 1), new(2025, 10, 1), new(2025, 9, 1), new(2025, 8, 1), new(2025, 7, 1), new(2025, 6, 1)],
            calls.Select(c => c.Month));
        Assert.All(calls.Skip(1).Zip(calls), p => Assert.True(p.First.At - p.Second.At >= TimeSpan.FromHours(1), $"{p.First.Month} followed {p.Second.Month} within the hour"));

        // Every month's peak in data_dir, the read-back ones and the window's.
        var stored = JsonSerializer.Deserialize<Dictionary<string, decimal>>(File.ReadAllText(Path.Combine(_dataDir, "capacity", "thuis.json")))!;
        var expected = Peaks.Where(p => p.Key.CompareTo((2025, 6)) >= 0).ToDictionary(p => $"{p.Key.Year:D4}-{p.Key.Month:D2}", p => p.Value);
        Assert.Equal(expected.OrderBy(p => p.Key), stored.OrderBy(p => p.Key));

        // capacity_monthly_price: the ten known months (April and May 2025 unknown), each at least 2.5 kW, × 4.37 EUR/kW.
        var now = time.GetUtcNow();
        var price = Published(second.Site.View, now, "capacity_monthly_price");
        var billed = expected.Values.Select(kw => Math.Max(kw, 2.5m)).Average();
        Assert.Equal(Format.Number(billed * 4.37m), price);
        Assert.Equal(48.7m / 10m, billed);

        // The meter holds every hour from the first of last month through yesterday for the statistics import, and
        // nothing of the read-back months (their quarter-hours served only their peak).
        var hours = SiteStatistics.Of(second.Site.View, PriceCurve.Empty("EUR")).Single(s => s.Definition.Id == "mqttbridge:thuis_consumption").Hours;
        Assert.Equal(Local(2026, 2, 1, 0), hours.Keys.Min());
        Assert.Equal(Local(2026, 3, 19, 23), hours.Keys.Max());
        Assert.Equal((int)(Local(2026, 3, 20, 0) - Local(2026, 2, 1, 0)).TotalHours, hours.Count);

        // Steady state: one energy call a morning (21st … 24th), never a read-back again (nor after another restart).
        var energyCalls = fake.Energy.Count();
        using var third = new FluviusSession(Yaml(fake), _dataDir, time);
        await third.RunUntilAsync(time, Local(2026, 3, 24, 12));
        Assert.Equal(energyCalls + 4, fake.Energy.Count());
        Assert.Equal(8, BackfillCalls(fake).Count);
        Assert.Equal(price, Published(third.Site.View, time.GetUtcNow(), "capacity_monthly_price"));
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task A_mandate_starting_this_month_reads_nothing_back_and_the_average_is_over_the_months_known()
    {
        var time = new FakeTimeProvider(Local(2026, 3, 20, 9));
        using var fake = Fake(time);
        fake.MandateList[0] = new("Approved", From: "2026-01-31T23:00:00Z");
        using var session = new FluviusSession(Yaml(fake), _dataDir, time);

        await session.RunUntilAsync(time, Local(2026, 3, 21, 6));

        Assert.Empty(BackfillCalls(fake));
        Assert.Single(fake.Energy);
        var billed = (Math.Max(Peaks[(2026, 2)], 2.5m) + Math.Max(Peaks[(2026, 3)], 2.5m)) / 2;
        Assert.Equal(Format.Number(billed * 4.37m), Published(session.Site.View, time.GetUtcNow(), "capacity_monthly_price"));
    }

    private static string Published(SiteView view, DateTimeOffset now, string key) =>
        SiteSensors.Render(view, now, new Topics("mqttbridge", "homeassistant"), "test").Single(m => m.Key == $"mqttbridge/thuis/{key}").Value;
}
