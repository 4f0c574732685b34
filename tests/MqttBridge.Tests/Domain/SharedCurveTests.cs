using MqttBridge.Domain;
using static MqttBridge.Tests.Support.TestCurves;

namespace MqttBridge.Tests.Domain;

public sealed class SharedCurveTests
{
    [Fact]
    public void Sites_on_the_same_tariff_hold_one_curve_and_a_different_price_or_currency_is_another()
    {
        var day = new DateOnly(2026, 11, 23);
        var first = PriceCurve.Shared(Days(day, 2, 60, ClockPrice));
        var same = PriceCurve.Shared(Days(day, 2, 60, ClockPrice));
        var otherPrice = PriceCurve.Shared(Days(day, 2, 60, t => ClockPrice(t) + (t == first.Slots[5].Start ? 0.0001m : 0m)));
        var otherCurrency = PriceCurve.Shared(Days(day, 2, 60, ClockPrice, currency: "SEK"));
        var otherLevel = PriceCurve.Shared(new PriceCurve("NOK", first.Slots.Select((s, i) => i == 3 ? s with { Level = PriceLevel.Expensive } : s)));

        Assert.Same(first, same);
        Assert.NotSame(first, otherPrice);
        Assert.NotSame(first, otherCurrency);
        Assert.NotSame(first, otherLevel);
        Assert.Equal(first.Slots, same.Slots);
    }
}
