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

    public static string DeviceId(string siteId) => $"mqttbridge_{siteId}";
}
