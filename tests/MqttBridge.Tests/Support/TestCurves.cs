using Microsoft.Extensions.Logging.Abstractions;
using MqttBridge.Configuration;
using MqttBridge.Sources;
using MqttBridge.Sources.ElviaMeter;
using MqttBridge.Sources.Static;
using MqttBridge.Domain;

namespace MqttBridge.Tests.Support;

/// <summary>Hand-made curves and sites for tests that must not depend on a tariff source.</summary>
internal static class TestCurves
{
    public static TimeZoneInfo Oslo { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    public static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0, TimeZoneInfo? zone = null) =>
        LocalDay.LocalToInstant(new DateTime(year, month, day, hour, minute, 0), zone ?? Oslo);

    /// <summary>Slots over whole local days; the price of a slot is chosen by <paramref name="price"/> from its start.</summary>
    public static PriceCurve Days(DateOnly first, int days, int resolutionMinutes, Func<DateTimeOffset, decimal> price, string currency = "NOK", TimeZoneInfo? zone = null)
    {
        zone ??= Oslo;
        var slots = new List<PriceSlot>();
        var start = LocalDay.StartOf(first, zone);
        var end = LocalDay.StartOf(first.AddDays(days), zone);
        for (var t = start; t < end; t = t.AddMinutes(resolutionMinutes))
        {
            slots.Add(new PriceSlot(t, t.AddMinutes(resolutionMinutes), price(t)));
        }

        return new PriceCurve(currency, slots);
    }

    /// <summary>A price that says which slot it is: local hour + minute/100 (02:15 → 2.15), so tests can read it back.</summary>
    public static decimal ClockPrice(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Oslo);
        return local.Hour + (local.Minute / 100m) + (local.Offset == TimeSpan.FromHours(1) ? 0.001m : 0m);
    }

    public static SiteOptions Site(string id = "home", string name = "Home", bool meter = false) => new()
    {
        Id = id,
        Name = name,
        TimeZone = "Europe/Oslo",
        Tariff = new StaticTariffOptions { Currency = "NOK" },
        Meter = meter ? new ElviaMeterOptions { Token = "t" } : null,
    };

    /// <summary>
    /// What the site's sources declare (role, type, capabilities, currency, diagnostics), from their real modules in the
    /// catalog, with the given data as the last good fetch at <paramref name="now"/>.
    /// </summary>
    public static SiteView View(SiteOptions site, TariffSnapshot? tariff, MeterSnapshot? meter, DateTimeOffset now, TimeZoneInfo? zone = null)
    {
        zone ??= Oslo;
        using var context = new SourceContext(Path.GetTempPath(), TimeProvider.System, NullLoggerFactory.Instance);
        var at = new SiteContext(site.Id, zone);
        var tariffReport = Catalog.Create(SourceRole.Tariff, site.Tariff, at, context)?.Report;
        var meterReport = Catalog.Create(SourceRole.Meter, site.Meter, at, context)?.Report;
        return new SiteView(
            site.Id,
            site.Name,
            zone,
            tariff is null ? tariffReport : tariffReport! with { TariffData = tariff, LastGoodFetch = now },
            meter is null ? meterReport : meterReport! with { MeterData = meter, LastGoodFetch = now });
    }
}
