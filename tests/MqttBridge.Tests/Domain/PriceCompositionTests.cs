using MqttBridge.Domain;

namespace MqttBridge.Tests.Domain;

public sealed class PriceCompositionTests
{
    [Fact]
    public void Adds_the_levies_of_the_month_then_vat()
    {
        // Elvia 2026: 29.15 øre day rate, forbruksavgift 7.13 øre, Enova 1 øre, 25 % VAT = 0.466 NOK/kWh.
        var composition = new PriceComposition(
            [new Levy("forbruksavgift", 0.0713m, new HashSet<int>()), new Levy("enova", 0.01m, new HashSet<int>()), new Levy("winter", 0.5m, new HashSet<int> { 1, 2 })],
            0.25m);

        Assert.Equal(0.466m, composition.Total(0.2915m, 11));
        Assert.Equal(0.466m + 0.625m, composition.Total(0.2915m, 1));
        Assert.Equal(125m, composition.WithVat(100m));
    }
}
