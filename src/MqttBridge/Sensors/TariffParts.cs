using System.Runtime.CompilerServices;
using MqttBridge.Domain;

namespace MqttBridge.Sensors;

/// <summary>
/// The price sensors' payloads of one curve in one time zone, rendered once for the span in which none of them can
/// change (until the next slot boundary, clock hour or local midnight) and shared by every site that holds the same
/// curve (<see cref="PriceCurve.Shared"/>): a thousand sites on one tariff serialise their documents once per
/// boundary, and the retained store keeps one copy of each string, not a thousand.
/// </summary>
internal sealed class TariffParts
{
    // Per curve, the parts last rendered. Weak: a curve replaced by a newer fetch takes its parts with it.
    private static readonly ConditionalWeakTable<PriceCurve, TariffParts> Last = [];

    private TariffParts(TariffReading reading, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset until)
    {
        Zone = zone;
        From = from;
        Until = until;
        GridPrice = Number(reading.Current?.Price);
        GridPriceAttributes = reading.GridPriceAttributes();
        PriceLevel = reading.Level?.ToOption() ?? Format.Unknown;
        NextHourPrice = Number(reading.NextHourPrice);
        NextHourAttributes = reading.NextHourAttributes();
        TodayMin = Number(reading.TodayMin);
        TodayMax = Number(reading.TodayMax);
        TodayAverage = Number(reading.TodayAverage);
        TomorrowAvailable = reading.TomorrowValid ? "ON" : "OFF";
        Prices = reading.PricesDocument();
        EvccForecast = reading.EvccForecast();
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>The instant the parts were rendered at; they hold from there until <see cref="Until"/> (exclusive).</summary>
    public DateTimeOffset From { get; }

    public DateTimeOffset Until { get; }

    public string GridPrice { get; }

    public string GridPriceAttributes { get; }

    public string PriceLevel { get; }

    public string NextHourPrice { get; }

    public string NextHourAttributes { get; }

    public string TodayMin { get; }

    public string TodayMax { get; }

    public string TodayAverage { get; }

    public string TomorrowAvailable { get; }

    public string Prices { get; }

    public string EvccForecast { get; }

    /// <summary>The parts of <paramref name="curve"/> in <paramref name="zone"/> at <paramref name="now"/>: the ones already rendered when they still hold.</summary>
    public static TariffParts For(PriceCurve curve, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (Last.TryGetValue(curve, out var last) && last.Zone.Id == zone.Id && last.From <= now && now < last.Until)
        {
            return last;
        }

        var parts = new TariffParts(new TariffReading(curve, zone, now), zone, now, ChangesAt(curve, zone, now));
        Last.AddOrUpdate(curve, parts);
        return parts;
    }

    /// <summary>The first instant after <paramref name="now"/> at which a part may change: a slot boundary, a clock hour, a local midnight.</summary>
    private static DateTimeOffset ChangesAt(PriceCurve curve, TimeZoneInfo zone, DateTimeOffset now)
    {
        var until = LocalTime.HourStart(now, zone).AddHours(1);
        var midnight = LocalDay.Of(now, zone).End;
        if (midnight < until)
        {
            until = midnight;
        }

        return curve.NextBoundaryAfter(now) is { } boundary && boundary < until ? boundary : until;
    }

    private static string Number(decimal? value) => value is { } v ? Format.Number(v) : Format.Unknown;
}
