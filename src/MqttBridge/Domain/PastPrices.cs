namespace MqttBridge.Domain;

/// <summary>
/// Grid prices of past hours a tariff source can give besides its curve of today and ahead: what a cost statistic
/// needs for hours from before the bridge first ran. Read only by Home Assistant's statistics import, never by the
/// sensors or the <c>prices</c> topic, so what those publish does not change.
/// </summary>
internal interface IPastPrices
{
    /// <summary>
    /// The prices of [<paramref name="from"/>, <paramref name="to"/>) as far as the source can know them now, in
    /// currency/kWh with taxes and VAT as its curve; a slot it cannot know is a gap (never 0). An API-backed source may
    /// ask its API here, within its limits, and throws <see cref="Sources.SourceException"/> when that fails.
    /// </summary>
    Task<PriceCurve> PricesAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct);
}
