using MqttBridge.Domain;

namespace MqttBridge.Tests.Domain;

/// <summary>Which capacity step a month max falls on, for every shape of ladder companies write.</summary>
public sealed class CapacityLadderTests
{
    /// <summary>The DIGIN owners' monthlymax ladder as some companies write it: "0–2, 2.01–4, …, 16.01 and up".</summary>
    private static readonly CapacityLadder Gapped = Ladder((0m, 2m, 100m), (2.01m, 4m, 115m), (4.01m, 8m, 140m), (8.01m, 12m, 170m), (12.01m, 16m, 225m), (16.01m, null, 350m));

    /// <summary>The same ladder as the owners' example writes it: each step starts where the previous ends.</summary>
    private static readonly CapacityLadder Contiguous = Ladder((0m, 2m, 100m), (2m, 4m, 115m), (4m, 8m, 140m), (8m, 12m, 170m), (12m, 16m, 225m), (16m, null, 350m));

    private static CapacityLadder Ladder(params (decimal From, decimal? To, decimal Price)[] steps) =>
        new("NOK", CapacityBasis.MonthlyMaxHour, steps.Select(s => new CapacityStep(s.From, s.To, s.Price)));

    [Theory]
    [InlineData("2.005", 2, "115", "4")]     // the example: above 2 kW, so step 2, not the top step
    [InlineData("2", 1, "100", "2")]         // on the lower step's upper bound: still that step
    [InlineData("2.01", 2, "115", "4")]
    [InlineData("4.009", 3, "140", "8")]
    [InlineData("12.004", 5, "225", "16")]
    [InlineData("16.005", 6, "350", null)]
    [InlineData("0", 1, "100", "2")]
    [InlineData("40", 6, "350", null)]
    public void A_value_in_a_gap_belongs_below_up_to_its_upper_bound_and_above_beyond_it(string kw, int step, string price, string? next)
    {
        var value = decimal.Parse(kw, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(step, Gapped.StepNumber(value));
        Assert.Equal(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), Gapped.MonthlyCost(value));
        Assert.Equal(next is null ? null : decimal.Parse(next, System.Globalization.CultureInfo.InvariantCulture), Gapped.NextStepAt(value));
    }

    [Theory]
    [InlineData("1.999", 1)]
    [InlineData("2", 2)]
    [InlineData("2.005", 2)]
    [InlineData("16", 6)]
    public void A_contiguous_ladder_puts_a_threshold_in_the_step_above_by_default(string kw, int step) =>
        Assert.Equal(step, Contiguous.StepNumber(decimal.Parse(kw, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2", 1)]
    [InlineData("2.0001", 2)]
    [InlineData("16", 5)]
    [InlineData("16.01", 6)]
    public void A_ladder_can_say_a_threshold_belongs_to_the_step_below(string kw, int step)
    {
        var ladder = new CapacityLadder("NOK", CapacityBasis.MonthlyMaxHour, Contiguous.Steps, thresholdInLowerStep: true);

        Assert.Equal(step, ladder.StepNumber(decimal.Parse(kw, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Overlapping_steps_give_the_lower_step_and_never_fall_through_to_the_top()
    {
        var overlapping = Ladder((0m, 2.5m, 100m), (2m, 5m, 200m), (4.5m, null, 300m));

        Assert.Equal(1, overlapping.StepNumber(2.2m));
        Assert.Equal(2, overlapping.StepNumber(4.7m));
        Assert.Equal(3, overlapping.StepNumber(5m));
        Assert.Equal(["overlap 2.5–2 kW", "overlap 5–4.5 kW"], overlapping.Irregularities());
    }

    [Fact]
    public void A_value_below_the_first_step_is_on_the_first_step_and_the_minimum_is_billed()
    {
        var ladder = new CapacityLadder("EUR", CapacityBasis.MonthlyPeakQuarterHour, [new CapacityStep(1m, 3m, 10m), new CapacityStep(3.5m, null, 20m, 4m)], minimumKw: 2.5m);

        Assert.Equal(1, ladder.StepNumber(0.2m));
        Assert.Equal(1, ladder.StepNumber(3m));
        Assert.Equal(2, ladder.StepNumber(3.2m));
        Assert.Equal(20m + (4m * 3.2m), ladder.MonthlyCost(3.2m));
    }

    [Fact]
    public void Names_its_gaps_and_its_steps_for_a_log_line()
    {
        Assert.Equal(["gap 2–2.01 kW", "gap 4–4.01 kW", "gap 8–8.01 kW", "gap 12–12.01 kW", "gap 16–16.01 kW"], Gapped.Irregularities());
        Assert.Equal("0–2, 2.01–4, 4.01–8, 8.01–12, 12.01–16, 16.01+", Gapped.Describe());
        Assert.Empty(Contiguous.Irregularities());
    }
}
