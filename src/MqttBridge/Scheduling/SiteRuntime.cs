using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources;
using MqttBridge.Storage;

namespace MqttBridge.Scheduling;

/// <summary>A configured site with its sources' runners. Owned by <see cref="BridgeService"/>.</summary>
internal sealed class SiteRuntime(SiteOptions site, TimeZoneInfo zone, SourceRunner? tariff, SourceRunner? meter, MonthlyPeakStore? peaks = null)
{
    public SiteOptions Site { get; } = site;

    public TimeZoneInfo Zone { get; } = zone;

    public SourceRunner? Tariff { get; } = tariff;

    public SourceRunner? Meter { get; } = meter;

    /// <summary>The site's sources, tariff first.</summary>
    public IEnumerable<SourceRunner> Sources => new[] { Tariff, Meter }.OfType<SourceRunner>();

    /// <summary>True once every source of the site has answered once (data or fault): its states mean something then.</summary>
    public bool Ready => Sources.All(s => s.HasAnswered);

    public SiteView View => new(Site.Id, Site.Name, Zone, Tariff?.Report, Meter?.Report) { PastPeaks = peaks?.Peaks ?? new Dictionary<(int Year, int Month), decimal>() };

    /// <summary>
    /// Keeps this and last month's month max (any meter that gives one), and the earlier months it read back, in
    /// data_dir, for a tariff billed on the last 12 monthly peaks. Called after each refresh; writes only when a month's
    /// value changed.
    /// </summary>
    public void RecordPeaks(DateTimeOffset now)
    {
        if (peaks is null || Meter?.Report.Can(SourceCapabilities.MonthMax) != true)
        {
            return;
        }

        var view = View;
        var local = LocalDay.Of(now, Zone).Date;
        foreach (var month in new[] { local, local.AddMonths(-1) })
        {
            if (view.MonthMaxOf(month.Year, month.Month) is { } max)
            {
                peaks.Record(max.Year, max.Month, max.Kw);
            }
        }

        foreach (var max in view.Meter?.MeterData?.EarlierMonthMax ?? [])
        {
            peaks.Record(max.Year, max.Month, max.Kw);
        }
    }

    /// <summary>The site with the sources its options name, each made by its module from <see cref="Catalog"/>.</summary>
    public static SiteRuntime Create(SiteOptions site, SourceContext context)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var at = new SiteContext(site.Id, zone);
        var peaks = site.Meter is null ? null : new MonthlyPeakStore(context.DataDir, site.Id, context.Loggers.CreateLogger<MonthlyPeakStore>());
        return new SiteRuntime(site, zone, Catalog.Create(SourceRole.Tariff, site.Tariff, at, context), Catalog.Create(SourceRole.Meter, site.Meter, at, context), peaks);
    }
}
