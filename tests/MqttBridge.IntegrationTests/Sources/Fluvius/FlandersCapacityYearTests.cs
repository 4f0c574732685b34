using Microsoft.Extensions.Time.Testing;
using MqttBridge.Domain;
using static MqttBridge.TestSupport.FluviusAnswers;

namespace MqttBridge.IntegrationTests.Fluvius;

/// <summary>
/// A Flemish household over a year on the fake clock: the Fluvius meter's monthly peaks kept in data_dir (across a
/// restart), and the flanders_fluvius tariff's capacity price following the average of the last 12 monthly peaks, each
/// at least 2.5 kW.
/// </summary>
public sealed class FlandersCapacityYearTests : IDisposable
{
    // The monthly peaks (kW) from December 2025 on; 0.04 kW is a month whose peak is the base load.
    private static readonly decimal[] Peaks = [3.0m, 0.632m, 4.6m, 0.04m, 1.028m, 3.444m, 4.164m, 4.564m, 6.0m, 9.2m, 5.0m, 4.12m, 4.88m, 7.6m];

    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-flanders-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static DateTimeOffset Local(int y, int mo, int d, int h)
    {
        var local = new DateTime(y, mo, d, h, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Brussels.GetUtcOffset(local));
    }

    /// <summary>Index into <see cref="Peaks"/> of a local month.</summary>
    private static int IndexOf(int year, int month) => ((year - 2025) * 12) + month - 12;

    private string Yaml(FakeFluvius fake) => $"""
        data_dir: {_dataDir}
        sites:
          - id: thuis
            name: Thuis
            time_zone: Europe/Brussels
            tariff:
              type: static
              currency: EUR
              vat: 0.06
              resolution: 15
              holidays: BE
              bands:
                - name: Dag
                  hours: "07-22"
                  days: [workday]
                  price: 0.0612
                - name: Nacht
                  price: 0.0459
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

    [Fact]
    public async Task The_capacity_price_follows_the_average_of_the_last_twelve_monthly_peaks_each_at_least_2_5_kw()
    {
        var time = new FakeTimeProvider(Local(2026, 1, 1, 8));
        using var fake = new FakeFluvius(time.GetUtcNow) { Lag = TimeSpan.Zero };

        // The mandate's data period starts with the first month of Peaks: nothing before it to read back.
        fake.MandateList[0] = new("Approved", From: "2025-11-30T23:00:00Z");

        // Base load 0.01 kWh a quarter; the month's peak quarter on the 10th at 18:00.
        fake.Kwh = t =>
        {
            var local = TimeZoneInfo.ConvertTime(t, Brussels);
            return local.Day == 10 && local.Hour == 18 && local.Minute == 0 ? Peaks[IndexOf(local.Year, local.Month)] / 4m : 0.01m;
        };

        var process = new FluviusSession(Yaml(fake), _dataDir, time);
        try
        {
            for (var month = new DateOnly(2026, 1, 1); month <= new DateOnly(2027, 1, 1); month = month.AddMonths(1))
            {
                // A restart in July: the months before June are known only from data_dir.
                if (month == new DateOnly(2026, 7, 1))
                {
                    process.Dispose();
                    process = new FluviusSession(Yaml(fake), _dataDir, time);
                }

                // Once a month is enough for the rule: each visit fetches what is new since the last (the first of last month on).
                time.SetUtcNow(Local(month.Year, month.Month, 20, 12));
                await process.VisitAsync(time.GetUtcNow());
                var view = process.Site.View;
                var perKw = view.Tariff!.TariffData!.Capacity!.Steps[0].PerKwMonthly;

                var known = Enumerable.Range(0, 12).Select(back => month.AddMonths(-back)).Where(m => IndexOf(m.Year, m.Month) >= 0).Select(m => Math.Max(Peaks[IndexOf(m.Year, m.Month)], 2.5m)).ToList();
                var expected = known.Average() * perKw;
                Assert.Equal(decimal.Round(expected, 6), decimal.Round(view.MeterCapacityMonthlyCost(time.GetUtcNow())!.Value, 6));
                Assert.Equal(Peaks[IndexOf(month.Year, month.Month)], view.MonthMaxOf(month.Year, month.Month)!.Kw);
                if (month == new DateOnly(2026, 12, 1))
                {
                    // January … December 2026 are the months of the example on Wikibooks' Energietransitie/Capaciteitstarief
                    // page, the 0.632, 0.04 and 1.028 kW months counted as 2.5 kW: 53.472 / 12 = 4.456 kW (the page
                    // prints 4,546, which its own figures do not add up to).
                    Assert.Equal(4.456m, decimal.Round(view.MeterCapacityMonthlyCost(time.GetUtcNow())!.Value / perKw, 3));
                }
            }
        }
        finally
        {
            process.Dispose();
        }

        Assert.True(File.Exists(Path.Combine(_dataDir, "capacity", "thuis.json")));
        Assert.Empty(fake.Violations);
    }
}
