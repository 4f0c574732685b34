using MqttBridge.Domain;

namespace MqttBridge.Tests.Domain;

/// <summary>A refresh lays newer slots and readings over the known ones and never removes one it does not replace.</summary>
public sealed class MergeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(1));
    private static readonly int[] ExpectedHours = [0, 2, 24, 25, 26, 27, 28, 29];

    private static PriceCurve Curve(int fromHour, int hours, decimal price, int minutes = 60) =>
        new("NOK", Enumerable.Range(0, hours * 60 / minutes).Select(i => new PriceSlot(T0.AddHours(fromHour).AddMinutes(i * minutes), T0.AddHours(fromHour).AddMinutes((i + 1) * minutes), price)));

    private static ConsumptionSeries Series(int fromHour, int hours, decimal kwh, bool verified = true) =>
        new(Enumerable.Range(fromHour, hours).Select(h => new MeterReading(T0.AddHours(h), T0.AddHours(h + 1), kwh, verified)));

    [Fact]
    public void An_empty_answer_keeps_every_known_slot()
    {
        var known = Curve(0, 48, 0.3m);

        Assert.Same(known, known.Merge(PriceCurve.Empty("NOK")));
    }

    [Fact]
    public void Newer_slots_replace_the_ones_they_overlap_and_the_rest_stay()
    {
        var known = Curve(0, 48, 0.3m);

        var merged = known.Merge(Curve(24, 6, 0.5m));

        Assert.Equal(48, merged.Slots.Count);
        Assert.Equal(0.3m, merged.At(T0.AddHours(23))!.Price);
        Assert.Equal(0.5m, merged.At(T0.AddHours(24))!.Price);
        Assert.Equal(0.5m, merged.At(T0.AddHours(29))!.Price);
        Assert.Equal(0.3m, merged.At(T0.AddHours(30))!.Price);
        Assert.Equal(T0.AddHours(48), merged.End);
    }

    [Fact]
    public void Quarter_hours_replace_the_hour_they_fall_in_and_a_partial_overlap_replaces_the_whole_known_slot()
    {
        var known = Curve(0, 3, 0.3m);

        var merged = known.Merge(Curve(1, 1, 0.4m, minutes: 15));

        Assert.Equal(6, merged.Slots.Count);
        Assert.Equal(0.3m, merged.MeanOver(T0, T0.AddHours(1)));
        Assert.Equal(0.4m, merged.MeanOver(T0.AddHours(1), T0.AddHours(2)));
        Assert.Equal(0.3m, merged.At(T0.AddHours(2))!.Price);
    }

    [Fact]
    public void A_thinner_meter_answer_never_erases_a_known_reading_and_a_newer_value_wins()
    {
        var known = Series(0, 24, 1m, verified: false);
        var thinner = Series(20, 4, 2m);

        var merged = known.Merge(thinner);

        Assert.Equal(24, merged.Readings.Count);
        Assert.Equal((20 * 1m) + (4 * 2m), merged.SumOf(LocalDay.Of(T0, TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo")))!.Kwh);
        Assert.True(merged.Readings[^1].Verified);
        Assert.Equal([T0, T0.AddHours(1)], known.MissingFrom(thinner, T0, T0.AddHours(2)));
        Assert.Empty(known.MissingFrom(merged, T0, T0.AddHours(24)));
        Assert.Equal(4, merged.Since(T0.AddHours(20)).Readings.Count);
    }

    [Fact]
    public void A_long_newer_reading_replaces_every_known_hour_inside_it_also_past_shorter_newer_readings()
    {
        // Newer: a whole day (00-24) and, oddly, one hour inside it (02-03); the hour must not hide the day from
        // known hours after it (10-11 lies in the day, not in 02-03).
        var known = Series(0, 30, 1m, verified: false);
        var newer = new ConsumptionSeries([new MeterReading(T0, T0.AddHours(24), 20m), new MeterReading(T0.AddHours(2), T0.AddHours(3), 0.5m), new MeterReading(T0.AddHours(27), T0.AddHours(28), 3m)]);

        var merged = known.Merge(newer);

        var expected = ExpectedHours.Select(h => T0.AddHours(h)).ToList();
        Assert.Equal(expected, merged.Readings.Select(r => r.Start));
        Assert.Equal(20m + 0.5m + 3m + 5m, merged.Readings.Sum(r => r.Kwh));
        Assert.Equal(expected.Where(t => t >= T0.AddHours(24) && t != T0.AddHours(27)), known.MissingFrom(newer, T0, T0.AddHours(30)));
    }
}
