namespace MqttBridge.Domain;

/// <summary>A half-open interval [Start, End) with one price (currency per kWh, taxes and VAT included).</summary>
internal sealed record PriceSlot(DateTimeOffset Start, DateTimeOffset End, decimal Price, PriceLevel? Level = null)
{
    public TimeSpan Duration => End - Start;

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;
}
