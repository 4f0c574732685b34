using MqttBridge.Configuration;
using MqttBridge.Sensors;
using MqttBridge.Sources;

namespace MqttBridge.Scheduling;

/// <summary>A configured site with its sources and what they last delivered. Owned by <see cref="BridgeService"/>.</summary>
internal sealed class SiteRuntime(SiteOptions site, TimeZoneInfo zone, ITariffSource? tariffSource, IMeterSource? meterSource)
{
    public SiteOptions Site { get; } = site;

    public TimeZoneInfo Zone { get; } = zone;

    public SourceSlot<ITariffSource>? Tariff { get; } = tariffSource is null ? null : new(tariffSource, new SourceView("tariff", tariffSource.Kind));

    public SourceSlot<IMeterSource>? Meter { get; } = meterSource is null ? null : new(meterSource, new SourceView("meter", meterSource.Kind));

    public SiteView View => new(Site, Zone, Tariff?.View, Meter?.View);
}

/// <summary>One source of a site: when it is due, how often it failed in a row, and its last good data.</summary>
internal sealed class SourceSlot<TSource>(TSource source, SourceView view)
{
    public TSource Source { get; } = source;

    public SourceView View { get; set; } = view;

    public DateTimeOffset Due { get; set; } = DateTimeOffset.MinValue;

    public int Failures { get; set; }
}
