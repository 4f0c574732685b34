namespace MqttBridge.Domain;

/// <summary>A per-kWh tax, levy or charge added before VAT (currency/kWh), in some months only or all year (empty).</summary>
internal sealed record Levy(string Name, decimal PerKwh, IReadOnlySet<int> Months)
{
    /// <summary>Whether it applies in local month <paramref name="month"/> (1..12).</summary>
    public bool AppliesIn(int month) => Months.Count == 0 || Months.Contains(month);
}

/// <summary>
/// How a grid energy price is composed from its parts, the one place for it: the energy part plus every levy that applies
/// in the month, times 1 + VAT. Used by the static tariff (bands, taxes, <c>vat</c>) and meant for the Danish charges
/// (nettarif, systemtarif, elafgift, 25 % moms). Amounts in currency/kWh; VAT a fraction (0.25 = 25 %).
/// </summary>
internal sealed class PriceComposition(IEnumerable<Levy> levies, decimal vat)
{
    private readonly Levy[] _levies = [.. levies];

    public decimal Vat { get; } = vat;

    public IReadOnlyList<Levy> Levies => _levies;

    /// <summary>The levies of local month <paramref name="month"/>, summed, before VAT.</summary>
    public decimal LeviesIn(int month) => _levies.Where(l => l.AppliesIn(month)).Sum(l => l.PerKwh);

    /// <summary>The price a customer pays per kWh in <paramref name="month"/>: (energy + levies) × (1 + VAT).</summary>
    public decimal Total(decimal energyPerKwh, int month) => WithVat(energyPerKwh + LeviesIn(month));

    /// <summary>An amount before VAT with VAT added (fixed and capacity prices take no levies).</summary>
    public decimal WithVat(decimal amount) => amount * (1m + Vat);
}
