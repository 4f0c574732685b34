namespace MqttBridge.Domain;

/// <summary>How a price compares; the option texts are a published contract.</summary>
internal enum PriceLevel
{
    VeryCheap,
    Cheap,
    Normal,
    Expensive,
    VeryExpensive,
}

internal static class PriceLevels
{
    /// <summary>The enum options Home Assistant shows, in order (contract).</summary>
    public static IReadOnlyList<string> Options { get; } = ["very_cheap", "cheap", "normal", "expensive", "very_expensive"];

    public static string ToOption(this PriceLevel level) => Options[(int)level];

    /// <summary>Accepts the contract text and the API spellings (DIGIN's VERY_CHEAP, "very-cheap").</summary>
    public static bool TryParse(string? text, out PriceLevel level)
    {
        level = PriceLevel.Normal;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var normalized = text.Trim().Replace('-', '_').ToLowerInvariant();
        for (var i = 0; i < Options.Count; i++)
        {
            if (Options[i] == normalized)
            {
                level = (PriceLevel)i;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The documented rule for curves without levels of their own: the slot's price against the
    /// time-weighted mean of its local day. At most 60 % of the mean is very cheap, at most 90 %
    /// cheap, below 115 % normal, below 140 % expensive, else very expensive (Tibber's bands).
    /// </summary>
    public static PriceLevel FromRatio(decimal price, decimal dayMean)
    {
        if (dayMean <= 0)
        {
            // Zero or negative means: the ratio says nothing; order by sign only.
            return price < dayMean ? PriceLevel.VeryCheap : price > dayMean ? PriceLevel.VeryExpensive : PriceLevel.Normal;
        }

        var ratio = price / dayMean;
        return ratio switch
        {
            <= 0.60m => PriceLevel.VeryCheap,
            <= 0.90m => PriceLevel.Cheap,
            < 1.15m => PriceLevel.Normal,
            < 1.40m => PriceLevel.Expensive,
            _ => PriceLevel.VeryExpensive,
        };
    }
}
