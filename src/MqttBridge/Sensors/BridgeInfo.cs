using System.Text.Json;

namespace MqttBridge.Sensors;

/// <summary><c>&lt;base&gt;/bridge/info</c>: version, sites and each source's last good fetch. No secrets, no personal data.</summary>
internal static class BridgeInfo
{
    public static string Render(IEnumerable<SiteView> sites, string version)
    {
        var list = sites.Select(view => new BridgeInfoSite(
            view.Site.Id,
            view.Site.Name,
            view.Zone.Id,
            [.. new[] { view.Tariff, view.Meter }.OfType<SourceView>().Select(s => new BridgeInfoSource(
                s.Role,
                s.Type,
                s.LastGoodFetch is { } good ? Format.Timestamp(good, view.Zone) : null,
                s.NextAttempt is { } next ? Format.Timestamp(next, view.Zone) : null,
                s.LastError))])).ToList();
        return JsonSerializer.Serialize(new BridgeInfoDocument(version, list), PublishedJsonContext.Relaxed.BridgeInfoDocument);
    }
}
