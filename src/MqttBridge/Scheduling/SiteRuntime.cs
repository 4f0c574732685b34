using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources;

namespace MqttBridge.Scheduling;

/// <summary>A configured site with its sources' runners. Owned by <see cref="BridgeService"/>.</summary>
internal sealed class SiteRuntime(SiteOptions site, TimeZoneInfo zone, SourceRunner? tariff, SourceRunner? meter)
{
    public SiteOptions Site { get; } = site;

    public TimeZoneInfo Zone { get; } = zone;

    public SourceRunner? Tariff { get; } = tariff;

    public SourceRunner? Meter { get; } = meter;

    /// <summary>The site's sources, tariff first.</summary>
    public IEnumerable<SourceRunner> Sources => new[] { Tariff, Meter }.OfType<SourceRunner>();

    /// <summary>True once every source of the site has answered once (data or fault): its states mean something then.</summary>
    public bool Ready => Sources.All(s => s.HasAnswered);

    public SiteView View => new(Site.Id, Site.Name, Zone, Tariff?.Report, Meter?.Report);

    /// <summary>The site with the sources its options name, each made by its module from <see cref="Catalog"/>.</summary>
    public static SiteRuntime Create(SiteOptions site, SourceContext context)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var at = new SiteContext(site.Id, zone);
        return new SiteRuntime(site, zone, Catalog.Create(SourceRole.Tariff, site.Tariff, at, context), Catalog.Create(SourceRole.Meter, site.Meter, at, context));
    }
}
