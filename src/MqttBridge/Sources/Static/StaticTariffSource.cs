using MqttBridge.Domain;

namespace MqttBridge.Sources.Static;

/// <summary>
/// The <c>static</c> tariff source: prices from rules in the config, so no I/O, no account and no failure mode.
/// </summary>
internal sealed class StaticTariffSource(StaticTariff tariff) : ITariffSource
{
    /// <summary>Today, tomorrow and the day after: "tomorrow" is always complete, and so is the next hour near midnight.</summary>
    private const int DaysAhead = 3;

    public StaticTariff Tariff { get; } = tariff;

    public Task<TariffSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var today = LocalDay.Of(now, Tariff.Zone);
        var curve = Tariff.CurveFor(today, DaysAhead);

        // The rules never change while running; asking again at the next local midnight just rolls the window on.
        return Task.FromResult(new TariffSnapshot(curve, Tariff.Capacity, now, today.End) { Past = Tariff });
    }
}
