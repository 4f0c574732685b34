using System.Globalization;

namespace MqttBridge.Domain;

/// <summary>
/// One step of a capacity tariff: from <see cref="FromKw"/> up to <see cref="ToKw"/> (null = no limit), in kW.
/// Which step a value on or between the bounds belongs to is the ladder's rule (<see cref="CapacityLadder.StepFor"/>).
/// </summary>
internal sealed record CapacityStep(decimal FromKw, decimal? ToKw, decimal MonthlyPrice, decimal PerKwMonthly = 0m)
{
    /// <summary>The month's fixed cost at <paramref name="kw"/>: the step's price plus any per-kW part.</summary>
    public decimal MonthlyCost(decimal kw) => MonthlyPrice + (PerKwMonthly * kw);
}

/// <summary>
/// How a month's capacity basis becomes a fixed monthly price. The basis rule is data:
/// Norway's average of the three highest daily max hours, or Flanders' monthly peak quarter-hour.
/// </summary>
internal sealed class CapacityLadder
{
    /// <param name="thresholdInLowerStep">
    /// True when a value exactly on a shared threshold belongs to the step below ("0–2, 2–5" read as "up to and
    /// including 2"); false (the default) puts it in the step above, as "from 2 kW".
    /// </param>
    /// <exception cref="ArgumentException">No steps.</exception>
    public CapacityLadder(string currency, CapacityBasis basis, IEnumerable<CapacityStep> steps, decimal minimumKw = 0m, bool thresholdInLowerStep = false)
    {
        Currency = currency;
        Basis = basis;
        MinimumKw = minimumKw;
        ThresholdInLowerStep = thresholdInLowerStep;
        Steps = [.. steps.OrderBy(s => s.FromKw)];
        if (Steps.Count == 0)
        {
            throw new ArgumentException("A capacity ladder needs at least one step.", nameof(steps));
        }
    }

    public string Currency { get; }

    public CapacityBasis Basis { get; }

    /// <summary>A floor on the billed kW (Flanders bills at least 2.5 kW), applied to each month's basis.</summary>
    public decimal MinimumKw { get; }

    /// <summary>
    /// How many monthly bases the month is billed on, itself included: 1 (the month alone), or Flanders' 12 (the average
    /// of the last 12 monthly peaks, each at least <see cref="MinimumKw"/>; see <see cref="RollingCapacity"/>).
    /// </summary>
    public int AveragedMonths { get; init; } = 1;

    public IReadOnlyList<CapacityStep> Steps { get; }

    /// <summary>Whether a value exactly on a shared threshold belongs to the step below (see the constructor).</summary>
    public bool ThresholdInLowerStep { get; }

    /// <summary>
    /// The step a month's <paramref name="kw"/> (at least <see cref="MinimumKw"/>) is billed at. Companies that write
    /// their steps "0–2, 2.01–4" leave gaps: a value inside a gap stays in the step below while it does not exceed that
    /// step's upper bound, and goes to the step above otherwise. Where steps overlap the lower one wins. A value below
    /// the first step is on the first step; only a value above every bounded step is on the last one.
    /// </summary>
    public CapacityStep StepFor(decimal kw)
    {
        var billed = Math.Max(kw, MinimumKw);
        CapacityStep? below = null;
        foreach (var step in Steps)
        {
            var onSharedThreshold = ThresholdInLowerStep && billed == step.FromKw && below?.ToKw == billed;
            if (billed < step.FromKw || onSharedThreshold)
            {
                return below is { ToKw: { } top } && billed <= top ? below : step;
            }

            if (step.ToKw is not { } to || billed < to)
            {
                return step;
            }

            below = step;
        }

        return Steps[^1];
    }

    /// <summary>
    /// Where the ladder has gaps or overlaps ("gap 2–2.01 kW", "overlap 4–3.5 kW"), empty for a ladder whose steps
    /// each start where the previous one ends. For a log line: such a ladder is read by <see cref="StepFor"/>'s rule.
    /// </summary>
    public IReadOnlyList<string> Irregularities()
    {
        var found = new List<string>();
        for (var i = 1; i < Steps.Count; i++)
        {
            if (Steps[i - 1].ToKw is { } end && end != Steps[i].FromKw)
            {
                found.Add($"{(end < Steps[i].FromKw ? "gap" : "overlap")} {Kw(end)}–{Kw(Steps[i].FromKw)} kW");
            }
        }

        return found;
    }

    /// <summary>The steps for people: "0–2, 2.01–4, 16.01+" (kW).</summary>
    public string Describe() => string.Join(", ", Steps.Select(s => s.ToKw is { } to ? $"{Kw(s.FromKw)}–{Kw(to)}" : $"{Kw(s.FromKw)}+"));

    /// <summary>1-based number of <see cref="StepFor"/>'s step, lowest first.</summary>
    public int StepNumber(decimal kw) => Steps.ToList().IndexOf(StepFor(kw)) + 1;

    public decimal MonthlyCost(decimal kw) => StepFor(kw).MonthlyCost(Math.Max(kw, MinimumKw));

    /// <summary>The upper bound of <see cref="StepFor"/>'s step (a value above it is on a higher step), or null on the top step.</summary>
    public decimal? NextStepAt(decimal kw) => StepFor(kw).ToKw;

    /// <summary>A bound as people write it: 2, 2.01, 16 (invariant, trailing zeros dropped).</summary>
    internal static string Kw(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
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

/// <summary>The names of <see cref="CapacityBasis"/> as written in the configuration and published in attributes.</summary>
internal static class CapacityBases
{
    /// <summary><c>three_daily_max_hours</c>, <c>monthly_peak_quarter_hour</c> or <c>monthly_max_hour</c>.</summary>
    public static string Name(this CapacityBasis basis) => basis switch
    {
        CapacityBasis.ThreeDailyMaxHours => "three_daily_max_hours",
        CapacityBasis.MonthlyPeakQuarterHour => "monthly_peak_quarter_hour",
        _ => "monthly_max_hour",
    };
}
