namespace MqttBridge.Sensors;

/// <summary>Every topic name the bridge publishes or reads (contract: see README "Topics").</summary>
internal sealed record Topics(string BaseTopic, string DiscoveryPrefix)
{
    public string Status => $"{BaseTopic}/status";

    public string BridgeInfo => $"{BaseTopic}/bridge/info";

    /// <summary>Home Assistant's birth and will topic.</summary>
    public string HomeAssistantStatus => $"{DiscoveryPrefix}/status";

    /// <summary>Retained device-based discovery of every MqttBridge site (for clearing stale ones).</summary>
    public string AllDeviceDiscovery => $"{DiscoveryPrefix}/device/+/config";

    public string Discovery(string siteId) => $"{DiscoveryPrefix}/device/{DeviceId(siteId)}/config";

    public string State(string siteId, string sensorKey) => $"{BaseTopic}/{siteId}/{sensorKey}";

    public string Attributes(string siteId, string sensorKey) => $"{State(siteId, sensorKey)}/attributes";

    public string Prices(string siteId) => $"{BaseTopic}/{siteId}/prices";

    public string EvccForecast(string siteId) => $"{BaseTopic}/{siteId}/evcc/forecast";

    /// <summary>
    /// The site's device id, also the stem of its entities' unique ids: <c>mqttbridge_&lt;site&gt;</c> on the default
    /// base topic (unchanged for existing users), <c>mqttbridge_&lt;base&gt;_&lt;site&gt;</c> on any other, so two bridges
    /// on one broker with different base topics never share an entity for same-named sites. The base topic is
    /// lower-cased with every character but a–z, 0–9 and _ written as _ (topic and entity id rules).
    /// </summary>
    public string DeviceId(string siteId) => $"{DevicePrefix}_{siteId}";

    /// <summary>What every device id of this bridge starts with (before <c>_&lt;site&gt;</c>).</summary>
    public string DevicePrefix => BaseTopic == DefaultBaseTopic ? "mqttbridge" : $"mqttbridge_{Slug(BaseTopic)}";

    /// <summary>The default <c>mqtt.base_topic</c>.</summary>
    public const string DefaultBaseTopic = "mqttbridge";

    private static string Slug(string text) =>
        string.Concat(text.ToLowerInvariant().Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_'));
}
