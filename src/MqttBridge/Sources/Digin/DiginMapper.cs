using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MqttBridge.Domain;

namespace MqttBridge.Sources.Digin;

/// <summary>One tariff of an answer, mapped once and shared by every site on it.</summary>
internal sealed record DiginTariff(string TariffKey, string? Title, string? Company, DateTimeOffset? LastUpdated, string Basis, int Resolution, PriceCurve Curve)
{
    /// <summary>The wire tariff, kept to resolve each metering point's fixed price level.</summary>
    public required DiginGridTariff Wire { get; init; }
}

/// <summary>What one site gets: its tariff's curve (shared) and its own fixed price step.</summary>
internal sealed record DiginSiteTariff(DiginTariff Tariff, FixedPrice? Fixed);

/// <summary>
/// Wire → Domain for the DIGIN GridTariffAPI. Pure. Slots come from <c>hours[].startTime/expiredAt</c> (with offsets),
/// never from <c>shortName</c>, so 15- and 60-minute resolutions and 23/25-hour days map alike.
/// </summary>
internal static class DiginMapper
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The body as text. UTF-8 as the API promises; bytes that are not valid UTF-8 (the standard's own HSDN example is
    /// ISO-8859-1) are read as Latin-1, which cannot fail, and <paramref name="wasLatin1"/> tells the caller to warn once.
    /// </summary>
    public static string Decode(byte[] body, out bool wasLatin1)
    {
        wasLatin1 = false;
        var start = body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(body, start, body.Length - start);
        }
        catch (DecoderFallbackException)
        {
            wasLatin1 = true;
            return Encoding.Latin1.GetString(body);
        }
    }

    /// <summary>Parses an answer; a malformed, empty or pre-1.0 answer is a <see cref="FormatException"/> with a clear message.</summary>
    public static T Parse<T>(string json, JsonTypeInfo<T> info)
        where T : class
    {
        // v0.9 answers had "priceLevel" (singular) and per-level "meteringPointIds" arrays: same endpoint, other shape.
        if (json.Contains("\"priceLevel\"", StringComparison.Ordinal) || json.Contains("\"meteringPointIds\"", StringComparison.Ordinal))
        {
            throw new FormatException("the answer is in the pre-1.0 DIGIN format (v0.9: 'priceLevel', 'meteringPointIds'); the bridge reads DIGIN v1.0 only");
        }

        try
        {
            return JsonSerializer.Deserialize(json, info) ?? throw new FormatException("the answer is JSON null");
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}" : string.Empty;
            throw new FormatException($"the answer is not valid DIGIN JSON{where}: {ex.Message.Split(". Path", 2)[0]}", ex);
        }
    }

    /// <summary>Every metering point of a <c>meteringpointsgridtariffs</c> answer with its tariff and current fixed price level.</summary>
    public static Dictionary<string, DiginSiteTariff> ByMeteringPoint(DiginMeteringPointsResult result)
    {
        var sites = new Dictionary<string, DiginSiteTariff>(StringComparer.Ordinal);
        foreach (var collection in result.GridTariffCollections ?? [])
        {
            if (collection.GridTariff is not { } wire)
            {
                continue;
            }

            var tariff = MapTariff(wire);
            foreach (var group in collection.MeteringPointsAndPriceLevels ?? [])
            {
                var fixedPrice = MapFixed(tariff, group.CurrentFixedPriceLevel);
                foreach (var point in group.MeteringPoints ?? [])
                {
                    if (point.MeteringPointId is { Length: > 0 } id)
                    {
                        sites[id.Trim()] = new DiginSiteTariff(tariff, fixedPrice);
                    }
                }
            }
        }

        return sites;
    }

    public static DiginTariff MapTariff(DiginGridTariff wire)
    {
        var type = wire.TariffType;
        var info = wire.TariffPrice?.PriceInfo;
        var energy = (info?.EnergyPrices ?? []).Where(e => e.Id is not null).GroupBy(e => e.Id!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var currency = Currency(energy.Values.Select(e => e.Currency).FirstOrDefault(c => c is not null));
        var slots = new List<PriceSlot>();
        foreach (var hour in wire.TariffPrice?.Hours ?? [])
        {
            if (hour.EnergyPrice?.Total is not { } total)
            {
                continue;
            }

            PriceLevel? level = hour.EnergyPrice.Id is { } id && energy.TryGetValue(id, out var e) && PriceLevels.TryParse(e.Level, out var parsed) ? parsed : null;
            slots.Add(new PriceSlot(hour.StartTime, hour.ExpiredAt, total, level));
        }

        PriceCurve curve;
        try
        {
            curve = new PriceCurve(currency, slots);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"tariff '{type?.TariffKey}' has inconsistent hours: {ex.Message}", ex);
        }

        return new DiginTariff(
            type?.TariffKey ?? type?.Product ?? "unknown",
            type?.Title,
            type?.CompanyName,
            type?.LastUpdated,
            type?.FixedPriceConfiguration?.Basis ?? "fixed",
            type?.Resolution ?? 60,
            curve)
        { Wire = wire };
    }

    /// <summary>
    /// The fixed price at <paramref name="current"/> (from <c>meteringPointsAndPriceLevels</c>). Without a current level
    /// (tariffquery by key, or <c>levelId: null</c> before the month's first calculation) a one-level tariff still has
    /// its step; otherwise the step is unknown and only the ladder is known.
    /// </summary>
    public static FixedPrice? MapFixed(DiginTariff tariff, DiginCurrentLevel? current)
    {
        var info = tariff.Wire.TariffPrice?.PriceInfo;
        var fixedPrices = info?.FixedPrices ?? [];
        var chosen = fixedPrices.FirstOrDefault(f => f.Id is not null && f.Id == current?.Id) ?? (fixedPrices.Count > 0 ? fixedPrices[0] : null);
        var power = MapPower(tariff, info?.PowerPrices);
        if (chosen?.PriceLevels is not { Count: > 0 } levels)
        {
            return power is null ? null : new FixedPrice(tariff.Curve.Currency, tariff.Basis, [], null, PriceCurve.Empty(tariff.Curve.Currency)) { Power = power };
        }

        var ordered = levels.OrderBy(l => l.ValueMin ?? decimal.MinValue).ToList();
        var level = current?.LevelId is { } levelId ? ordered.FirstOrDefault(l => l.Id == levelId) : ordered.Count == 1 ? ordered[0] : null;
        var currency = Currency(level?.Currency ?? ordered.Select(l => l.Currency).FirstOrDefault(c => c is not null) ?? tariff.Curve.Currency);
        var steps = ordered.Select(l => new FixedPriceStep(l.ValueMin, l.ValueMax, l.ValueUnitOfMeasure, l.MonthlyTotal)).ToList();
        var step = level is null ? null : steps[ordered.IndexOf(level)];

        var perHour = new List<PriceSlot>();
        if (level is not null)
        {
            var position = ordered.IndexOf(level);
            foreach (var hour in tariff.Wire.TariffPrice?.Hours ?? [])
            {
                // The hourId names the days-in-month variant and is shared by all levels: resolve it inside our level.
                // An hour under another fixedPrices period (a new month's prices) uses the level at the same position.
                var hourLevel = hour.FixedPrice?.Id is { } fid && fid != chosen.Id
                    ? LevelAt(fixedPrices.FirstOrDefault(f => f.Id == fid), level.Id, position)
                    : level;
                var price = hourLevel?.HourPrices?.FirstOrDefault(p => p.Id == hour.FixedPrice?.HourId)?.Total;
                if (price is { } total)
                {
                    perHour.Add(new PriceSlot(hour.StartTime, hour.ExpiredAt, total));
                }
            }
        }

        return new FixedPrice(currency, tariff.Basis, steps, step, new PriceCurve(currency, perHour)) { Power = power };
    }

    private static DiginFixedPriceLevel? LevelAt(DiginFixedPrices? prices, string? levelId, int position)
    {
        var levels = prices?.PriceLevels?.OrderBy(l => l.ValueMin ?? decimal.MinValue).ToList();
        return levels is null ? null : levels.FirstOrDefault(l => l.Id == levelId) ?? (position < levels.Count ? levels[position] : null);
    }

    private static PowerPrice? MapPower(DiginTariff tariff, IReadOnlyList<DiginPowerPrices>? powerPrices)
    {
        if (powerPrices?.Where(p => p.PriceLevels is { Count: > 0 }).FirstOrDefault() is not { } prices)
        {
            return null;
        }

        var levels = prices.PriceLevels!.OrderBy(l => l.ValueMin ?? decimal.MinValue).ToList();
        var currency = Currency(levels.Select(l => l.Currency).FirstOrDefault(c => c is not null) ?? tariff.Curve.Currency);
        return new PowerPrice(
            currency,
            $"{currency}/kW/month",
            [.. levels.Select(l => new PowerPriceStep(l.ValueMin, l.ValueMax, l.ValueUnitOfMeasure, l.MonthlyActivePowerTotal, l.MonthlyReactivePowerTotal))],
            tariff.Wire.TariffType?.PowerPriceConfiguration?.ReactivePowerPricing ?? false);
    }

    /// <summary>An ISO code for the unit: the API writes "NOK"; "kr" is read as NOK (the standard is Norwegian).</summary>
    private static string Currency(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        null or "" or "KR" => "NOK",
        var code => code,
    };
}
