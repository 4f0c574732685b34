using MqttBridge.Domain;

namespace MqttBridge.Scheduling;

/// <summary>
/// Told of a site's view each time one of its sources has refreshed (Home Assistant's statistics import). Called on the
/// bridge's loop: an implementation must return at once and never block publishing.
/// </summary>
internal interface ISiteObserver
{
    void Refreshed(SiteView site);
}
