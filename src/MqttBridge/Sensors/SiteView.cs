using MqttBridge.Configuration;
using MqttBridge.Sources;

namespace MqttBridge.Sensors;

/// <summary>Everything known about one site at one moment: the input of every sensor. No I/O.</summary>
internal sealed record SiteView(SiteOptions Site, TimeZoneInfo Zone, SourceView? Tariff, SourceView? Meter);

/// <summary>A source's last good data and its health.</summary>
internal sealed record SourceView(string Role, string Type)
{
    public TariffSnapshot? TariffData { get; init; }

    public MeterSnapshot? MeterData { get; init; }

    public DateTimeOffset? LastGoodFetch { get; init; }

    public DateTimeOffset? NextAttempt { get; init; }

    /// <summary>The last fault, cleared by the next good fetch. Never holds secrets.</summary>
    public string? LastError { get; init; }
}
