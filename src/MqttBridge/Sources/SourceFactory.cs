using MqttBridge.Configuration;
using MqttBridge.Sources.Static;

namespace MqttBridge.Sources;

/// <summary>Picks the source for a site's <c>tariff.type</c> and <c>meter.type</c>. Validation has already rejected unknown types.</summary>
internal static class SourceFactory
{
    public static ITariffSource? CreateTariff(SiteOptions site, TimeZoneInfo zone) => site.Tariff switch
    {
        null => null,
        { Static: { } options } => new StaticTariffSource(new StaticTariff(options, zone)),
        var other => throw new InvalidOperationException($"tariff type '{other.Type}' has no source in this version"),
    };

    public static IMeterSource? CreateMeter(SiteOptions site, TimeZoneInfo zone) => site.Meter switch
    {
        null => null,
        var other => throw new InvalidOperationException($"meter type '{other.Type}' (time zone {zone.Id}) has no source in this version"),
    };
}
