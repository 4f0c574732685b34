namespace MqttBridge.Domain;

/// <summary>
/// The fixed part of a grid tariff as an API states it (DIGIN's <c>fixedPrices</c> and <c>powerPrices</c>): the capacity
/// step a metering point is on now, its monthly price, the fixed price per hour, and a power price where the tariff has one.
/// Pure data; the API decides the step (from its own consumption data), we only report it.
/// </summary>
internal sealed record FixedPrice(string Currency, string Basis, IReadOnlyList<FixedPriceStep> Steps, FixedPriceStep? Current, PriceCurve PerHour)
{
    /// <summary>1-based position of <see cref="Current"/> among <see cref="Steps"/> (lowest first); null while the API has no step yet.</summary>
    public int? CurrentNumber => Current is null ? null : Steps.ToList().IndexOf(Current) + 1;

    /// <summary>Price per kW and month for tariffs with a power price (LSDN/HSDN); null otherwise.</summary>
    public PowerPrice? Power { get; init; }

    /// <summary>
    /// The steps as a capacity ladder when they are max-hour steps (kWh/h, i.e. kW) with monthly prices, so a site that
    /// also has a meter can pick its step from its own month max-hour. Fuse-size (A) and fixed tariffs have none.
    /// </summary>
    public CapacityLadder? AsLadder()
    {
        if (Steps.Count == 0 || Steps.Any(s => s.Unit is not ("kWh/h" or "kW") || s.MonthlyTotal is null))
        {
            return null;
        }

        return new CapacityLadder(Currency, CapacityBasis.ThreeDailyMaxHours, Steps.Select(s => new CapacityStep(s.ValueMin ?? 0m, s.ValueMax, s.MonthlyTotal!.Value)));
    }
}

/// <summary>
/// One step: [ValueMin, ValueMax) in <see cref="Unit"/> (kWh/h for max-hour bases; a fuse size in A has min = max),
/// null at the open ends; what it costs per month (VAT included).
/// </summary>
internal sealed record FixedPriceStep(decimal? ValueMin, decimal? ValueMax, string? Unit, decimal? MonthlyTotal)
{
    /// <summary>"2–4 kWh/h", "16+ kWh/h", "25 A", for people: never parsed back.</summary>
    public string Range()
    {
        var unit = Unit is { Length: > 0 } u ? " " + u : string.Empty;
        return (ValueMin, ValueMax) switch
        {
            ({ } min, { } max) when min == max => $"{Num(min)}{unit}",
            ({ } min, { } max) => $"{Num(min)}–{Num(max)}{unit}",
            ({ } min, null) => $"{Num(min)}+{unit}",
            (null, { } max) => $"<{Num(max)}{unit}",
            _ => "all",
        };
    }

    private static string Num(decimal value) => CapacityLadder.Kw(value);
}

/// <summary>A power price (effektledd): per kW and month, active and optionally reactive, by power step.</summary>
internal sealed record PowerPrice(string Currency, string Unit, IReadOnlyList<PowerPriceStep> Steps, bool ReactivePricing);

internal sealed record PowerPriceStep(decimal? ValueMin, decimal? ValueMax, string? Unit, decimal? ActiveMonthly, decimal? ReactiveMonthly);
