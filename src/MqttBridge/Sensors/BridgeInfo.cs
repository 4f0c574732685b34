using System.Text.Json;
using MqttBridge.Domain;

namespace MqttBridge.Sensors;

/// <summary><c>&lt;base&gt;/bridge/info</c>: version, sites and each source's last good fetch and status (ok, degraded, failing). No secrets, no personal data.</summary>
internal static class BridgeInfo
{
    /// <param name="statistics">The Energy-dashboard import's health (<c>statistics</c>), or null when it is off.</param>
    public static string Render(IEnumerable<SiteView> sites, string version, DateTimeOffset now, ExportHealth? statistics = null)
    {
        var list = sites.Select(view => new BridgeInfoSite(
            view.Id,
            view.Name,
            view.Zone.Id,
            [.. new[] { view.Tariff, view.Meter }.OfType<SourceReport>().Select(s => new BridgeInfoSource(
                s.Role.Key(),
                s.Type,
                s.LastGoodFetch is { } good ? Format.Timestamp(good, view.Zone) : null,
                s.NextAttempt is { } next ? Format.Timestamp(next, view.Zone) : null,
                s.LastError,
                s.StatusAt(now).Text()))])).ToList();
        var document = new BridgeInfoDocument(version, list)
        {
            Statistics = statistics is null ? null : new BridgeInfoExport(statistics.Status, statistics.Message, Format.Timestamp(statistics.Since, TimeZoneInfo.Utc)),
        };
        return JsonSerializer.Serialize(document, PublishedJsonContext.Relaxed.BridgeInfoDocument);
    }
}
