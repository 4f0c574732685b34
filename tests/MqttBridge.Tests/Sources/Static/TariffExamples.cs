using MqttBridge.Sources.Static;
using MqttBridge.Configuration;

namespace MqttBridge.Tests.StaticTariffs; // not ".Static": a VB keyword (CA1716)

/// <summary>
/// The shipped default tariff and the country examples as options records. Each mirrors a YAML file
/// (<see cref="ExampleConfigTests"/> checks that they agree), so the tests exercise what users run.
/// </summary>
internal static class TariffExamples
{
    public static TimeZoneInfo Oslo { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    /// <summary>config/mqttbridge.yaml: Elvia household tariff from 2026-07-01.</summary>
    public static StaticTariffOptions Elvia { get; } = new()
    {
        Currency = "NOK",
        Vat = 0.25m,
        Resolution = 60,
        Holidays = "NO",
        Taxes =
        [
            new() { Name = "Forbruksavgift (electricity tax 2026)", PerKwh = 0.0713m },
            new() { Name = "Enova levy (households)", PerKwh = 0.01m },
        ],
        Bands =
        [
            new() { Name = "Day (working days 06-22)", Hours = "06-22", Days = ["workday"], Price = 0.2915m, Level = "normal" },
            new() { Name = "Night, weekend and public holidays", Price = 0.1699m, Level = "cheap" },
        ],
        Capacity = new()
        {
            Basis = "three_daily_max_hours",
            Steps =
            [
                new() { FromKw = 0, ToKw = 2, MonthlyPrice = 120 },
                new() { FromKw = 2, ToKw = 5, MonthlyPrice = 200 },
                new() { FromKw = 5, ToKw = 10, MonthlyPrice = 336 },
                new() { FromKw = 10, ToKw = 15, MonthlyPrice = 468 },
                new() { FromKw = 15, ToKw = 20, MonthlyPrice = 604 },
                new() { FromKw = 20, ToKw = 25, MonthlyPrice = 740 },
                new() { FromKw = 25, ToKw = 50, MonthlyPrice = 1408 },
                new() { FromKw = 50, ToKw = 75, MonthlyPrice = 2080 },
                new() { FromKw = 75, ToKw = 100, MonthlyPrice = 2752 },
                new() { FromKw = 100, MonthlyPrice = 5440 },
            ],
        },
    };

    private static readonly int[] DanishWinter = [10, 11, 12, 1, 2, 3];
    private static readonly int[] DanishSummer = [4, 5, 6, 7, 8, 9];

    /// <summary>config/examples/denmark-radius.yaml: Tarifmodel 3.0, every day alike, seasons by month.</summary>
    public static StaticTariffOptions DenmarkRadius { get; } = new()
    {
        Currency = "DKK",
        Vat = 0.25m,
        Resolution = 15,
        Holidays = "DK",
        Taxes =
        [
            new() { Name = "Elafgift", PerKwh = 0.008m },
            new() { Name = "Energinet transmission and system tariffs", PerKwh = 0.1130m },
        ],
        Bands =
        [
            new() { Name = "Winter spidslast", Hours = "17-21", Months = DanishWinter, Price = 1.1649m },
            new() { Name = "Winter lavlast", Hours = "00-06", Months = DanishWinter, Price = 0.1294m },
            new() { Name = "Winter højlast", Months = DanishWinter, Price = 0.3883m },
            new() { Name = "Summer spidslast", Hours = "17-21", Months = DanishSummer, Price = 0.5048m },
            new() { Name = "Summer lavlast", Hours = "00-06", Months = DanishSummer, Price = 0.1294m },
            new() { Name = "Summer højlast", Price = 0.1941m },
        ],
    };

    public static TimeZoneInfo Copenhagen { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    /// <summary>config/examples/sweden-time-tariff.yaml: high load on winter working days 06-22.</summary>
    public static StaticTariffOptions SwedenTimeTariff { get; } = new()
    {
        Currency = "SEK",
        Vat = 0.25m,
        Resolution = 60,
        Holidays = "SE",
        Taxes = [new() { Name = "Energiskatt", PerKwh = 0.360m }],
        Bands =
        [
            new() { Name = "Höglast (Nov-Mar working days 06-22)", Hours = "06-22", Days = ["workday"], Months = [11, 12, 1, 2, 3], Price = 0.612m, Level = "expensive" },
            new() { Name = "Låglast", Price = 0.244m, Level = "cheap" },
        ],
    };

    public static TimeZoneInfo Stockholm { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>config/examples/flanders-fluvius.yaml: day/night with a monthly-peak capacity tariff.</summary>
    public static StaticTariffOptions FlandersFluvius { get; } = new()
    {
        Currency = "EUR",
        Vat = 0.06m,
        Resolution = 15,
        Holidays = "BE",
        Taxes =
        [
            new() { Name = "Bijzondere accijns", PerKwh = 0.0503m },
            new() { Name = "Energiebijdrage", PerKwh = 0.0020m },
        ],
        Bands =
        [
            new() { Name = "Dag (werkdagen 07-22)", Hours = "07-22", Days = ["workday"], Price = 0.0612m },
            new() { Name = "Nacht en weekend", Price = 0.0459m },
        ],
        Capacity = new()
        {
            Basis = "monthly_peak_quarter_hour",
            MinimumKw = 2.5m,
            AverageMonths = 12,
            Steps = [new() { FromKw = 0, MonthlyPrice = 0, PerKwMonthly = 4.37m }],
        },
    };

    public static TimeZoneInfo Brussels { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
}
