namespace MqttBridge.Domain;

/// <summary>One step of a capacity tariff: from <see cref="FromKw"/> (inclusive) up to <see cref="ToKw"/> (exclusive, null = no limit).</summary>
internal sealed record CapacityStep(decimal FromKw, decimal? ToKw, decimal MonthlyPrice, decimal PerKwMonthly = 0m)
{
    public bool Contains(decimal kw) => kw >= FromKw && (ToKw is null || kw < ToKw);

    /// <summary>The month's fixed cost at <paramref name="kw"/>: the step's price plus any per-kW part.</summary>
    public decimal MonthlyCost(decimal kw) => MonthlyPrice + (PerKwMonthly * kw);
}

/// <summary>
/// How a month's capacity basis becomes a fixed monthly price. The basis rule is data:
/// Norway's average of the three highest daily max hours, or Flanders' monthly peak quarter-hour.
/// </summary>
internal sealed class CapacityLadder
{
    public CapacityLadder(string currency, CapacityBasis basis, IEnumerable<CapacityStep> steps, decimal minimumKw = 0m)
    {
        Currency = currency;
        Basis = basis;
        MinimumKw = minimumKw;
        Steps = [.. steps.OrderBy(s => s.FromKw)];
        if (Steps.Count == 0)
        {
            throw new ArgumentException("A capacity ladder needs at least one step.", nameof(steps));
        }
    }

    public string Currency { get; }

    public CapacityBasis Basis { get; }

    /// <summary>A floor on the billed kW (Flanders bills at least 2.5 kW).</summary>
    public decimal MinimumKw { get; }

    public IReadOnlyList<CapacityStep> Steps { get; }

    public CapacityStep StepFor(decimal kw)
    {
        var billed = Math.Max(kw, MinimumKw);
        return Steps.LastOrDefault(s => s.Contains(billed)) ?? Steps[^1];
    }

    public int StepNumber(decimal kw) => Steps.ToList().IndexOf(StepFor(kw)) + 1;

    public decimal MonthlyCost(decimal kw) => StepFor(kw).MonthlyCost(Math.Max(kw, MinimumKw));

    /// <summary>The kW at which the next step starts, or null on the top step.</summary>
    public decimal? NextStepAt(decimal kw) => StepFor(kw).ToKw;
}

internal enum CapacityBasis
{
    /// <summary>Norway: the mean of the highest hour on each of the three days with the highest hours.</summary>
    ThreeDailyMaxHours,

    /// <summary>Flanders: the month's highest quarter-hour power.</summary>
    MonthlyPeakQuarterHour,

    /// <summary>The month's highest hour.</summary>
    MonthlyMaxHour,
}
