using System.Text.Json;

namespace MqttBridge.Sensors;

/// <summary>
/// Finds what a removed site left on the broker: its retained discovery (recognised by our <c>origin.name</c>)
/// and the state and attribute topics that discovery names, plus its planner topics.
/// </summary>
internal static class StaleDiscovery
{
    public static IReadOnlyList<string> TopicsToClear(IReadOnlyDictionary<string, string> retainedConfigs, IReadOnlySet<string> currentSiteIds, Topics topics)
    {
        var clear = new List<string>();
        foreach (var (topic, payload) in retainedConfigs)
        {
            var siteId = SiteIdOf(topic, topics);
            if (siteId is null || currentSiteIds.Contains(siteId) || !IsOurs(payload, out var componentTopics))
            {
                continue;
            }

            clear.Add(topic);
            clear.AddRange(componentTopics);
            clear.Add(topics.Prices(siteId));
            clear.Add(topics.EvccForecast(siteId));
        }

        return [.. clear.Distinct(StringComparer.Ordinal)];
    }

    private static string? SiteIdOf(string topic, Topics topics)
    {
        var prefix = $"{topics.DiscoveryPrefix}/device/mqttbridge_";
        const string suffix = "/config";
        return topic.StartsWith(prefix, StringComparison.Ordinal) && topic.EndsWith(suffix, StringComparison.Ordinal) && topic.Length > prefix.Length + suffix.Length
            ? topic[prefix.Length..^suffix.Length]
            : null;
    }

    private static bool IsOurs(string payload, out List<string> componentTopics)
    {
        componentTopics = [];
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("origin", out var origin)
                || origin.ValueKind != JsonValueKind.Object
                || !origin.TryGetProperty("name", out var name)
                || name.GetString() != SiteSensors.Manufacturer)
            {
                return false;
            }

            if (root.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Object)
            {
                foreach (var component in components.EnumerateObject())
                {
                    foreach (var key in (string[])["state_topic", "json_attributes_topic"])
                    {
                        if (component.Value.ValueKind == JsonValueKind.Object
                            && component.Value.TryGetProperty(key, out var t)
                            && t.ValueKind == JsonValueKind.String
                            && t.GetString() is { Length: > 0 } topicName)
                        {
                            componentTopics.Add(topicName);
                        }
                    }
                }
            }

            return true;
        }
        catch (JsonException)
        {
            // Someone else's malformed config: not ours to touch.
            return false;
        }
    }
}
