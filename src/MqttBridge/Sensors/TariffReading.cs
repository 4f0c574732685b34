using System.Text.Json;
using MqttBridge.Domain;

namespace MqttBridge.Sensors;

/// <summary>What a price curve says at one instant, and the JSON documents built from it.</summary>
internal sealed class TariffReading
{
    private readonly PriceCurve _curve;
    private readonly TimeZoneInfo _zone;
    private readonly DateTimeOffset _now;
    private readonly LocalDay _today;

    public TariffReading(PriceCurve curve, TimeZoneInfo zone, DateTimeOffset now)
    {
        _curve = curve;
        _zone = zone;
        _now = now;
        _today = LocalDay.Of(now, zone);
        Current = curve.At(now);
        TodaySlots = [.. curve.Between(_today.Start, _today.End)];
        TomorrowSlots = [.. curve.Between(_today.Next.Start, _today.Next.End)];
        NextHourStart = LocalTime.HourStart(now, zone).AddHours(1);
    }

    public PriceSlot? Current { get; }

    /// <summary>
    /// The level of the slot now: the API's or tariff's own level, else the documented ratio rule against the
    /// slot's local day. With 15-minute slots it follows the quarter-hour, like <c>grid_price</c>.
    /// </summary>
    public PriceLevel? Level => Current is null ? null : _curve.LevelOf(Current, _zone);

    public DateTimeOffset NextHourStart { get; }

    /// <summary>The price of the next clock hour: the time-weighted mean of its slots (four quarters, or one hour).</summary>
    public decimal? NextHourPrice => _curve.MeanOver(NextHourStart, NextHourStart.AddHours(1));

    public IReadOnlyList<PriceSlot> TodaySlots { get; }

    public IReadOnlyList<PriceSlot> TomorrowSlots { get; }

    public decimal? TodayMin => TodaySlots.Count == 0 ? null : TodaySlots.Min(s => s.Price);

    public decimal? TodayMax => TodaySlots.Count == 0 ? null : TodaySlots.Max(s => s.Price);

    public decimal? TodayAverage => _curve.MeanOver(_today.Start, _today.End);

    /// <summary>True once every slot of tomorrow is known (the Nord Pool integration's <c>tomorrow_valid</c>).</summary>
    public bool TomorrowValid => _curve.MeanOver(_today.Next.Start, _today.Next.End) is not null;

    public string GridPriceAttributes()
    {
        var resolution = (int)(Current?.Duration ?? (TodaySlots.Count > 0 ? TodaySlots[0].Duration : TimeSpan.FromHours(1))).TotalMinutes;
        var attributes = new GridPriceAttributes(
            _curve.Currency,
            $"{_curve.Currency}/kWh",
            resolution,
            TodayMin is { } min ? Format.Rounded(min) : null,
            TodayMax is { } max ? Format.Rounded(max) : null,
            TodayAverage is { } avg ? Format.Rounded(avg) : null,
            [.. TodaySlots.Select(s => Format.Rounded(s.Price))],
            [.. TomorrowSlots.Select(s => Format.Rounded(s.Price))],
            TomorrowValid,
            [.. TodaySlots.Select(Raw)],
            [.. TomorrowSlots.Select(Raw)]);
        return JsonSerializer.Serialize(attributes, PublishedJsonContext.Relaxed.GridPriceAttributes);
    }

    public string NextHourAttributes()
    {
        var slot = _curve.At(NextHourStart);
        var level = slot is null ? null : _curve.LevelOf(slot, _zone).ToOption();
        var attributes = new NextHourAttributes(Format.Timestamp(NextHourStart, _zone), Format.Timestamp(NextHourStart.AddHours(1), _zone), level);
        return JsonSerializer.Serialize(attributes, PublishedJsonContext.Relaxed.NextHourAttributes);
    }

    /// <summary>Every known slot, full precision, for flows and planners.</summary>
    public string PricesDocument()
    {
        var slots = _curve.Slots
            .Select(s => new PublishedSlot(Format.Timestamp(s.Start, _zone), Format.Timestamp(s.End, _zone), Format.Rounded(s.Price), _curve.LevelOf(s, _zone).ToOption()))
            .ToList();
        return JsonSerializer.Serialize(new PricesDocument(_curve.Currency, slots), PublishedJsonContext.Relaxed.PricesDocument);
    }

    /// <summary>From the current slot on, the array evcc's <c>custom</c> tariff reads as its forecast.</summary>
    public string EvccForecast()
    {
        var rates = _curve.Slots
            .Where(s => s.End > _now)
            .Select(s => new EvccRate(Format.Timestamp(s.Start, _zone), Format.Timestamp(s.End, _zone), Format.Rounded(s.Price)))
            .ToList();
        return JsonSerializer.Serialize(rates, PublishedJsonContext.Relaxed.ListEvccRate);
    }

    private RawPrice Raw(PriceSlot slot) => new(Format.Timestamp(slot.Start, _zone), Format.Rounded(slot.Price));
}
