using MqttBridge.Domain;

namespace MqttBridge.Scheduling;

/// <summary>
/// Told of a site's view each time one of its sources has refreshed (Home Assistant's statistics import). Called on the
/// bridge's loop: an implementation must return at once and never block publishing.
/// </summary>
internal interface ISiteObserver
{
    /// <summary>How the observer's own work is doing, shown in <c>bridge/info</c>; null when it has nothing to say.</summary>
    ExportHealth? Health { get; }

    /// <summary>Raised (on any thread) when <see cref="Health"/> changed, so <c>bridge/info</c> is published again.</summary>
    event Action? HealthChanged;

    void Refreshed(SiteView site);
}
