using System.Text.Json;
using System.Text.Json.Nodes;

namespace MqttBridge.Sensors;

/// <summary>
/// What this bridge left on the broker that its configuration no longer publishes. Pure. A retained config is ours
/// when its <c>origin.name</c> is MqttBridge and its <c>availability_topic</c> is our <c>&lt;base&gt;/status</c>: a
/// second bridge on the same broker (another base topic) is never touched.
/// </summary>
internal static class StaleDiscovery
{
    /// <summary>
    /// The retained device configs of ours that no configured site publishes any more (a removed site, or a device id
    /// of an earlier version), and, for sites no longer configured, the state and attribute topics those configs name
    /// plus the site's planner topics. Every topic gets an empty retained payload.
    /// </summary>
    public static IReadOnlyList<string> TopicsToClear(IReadOnlyDictionary<string, string> retainedConfigs, IReadOnlySet<string> currentSiteIds, Topics topics)
    {
        var current = currentSiteIds.Select(topics.Discovery).ToHashSet(StringComparer.Ordinal);
        var clear = new List<string>();
        foreach (var (topic, payload) in retainedConfigs)
        {
            if (current.Contains(topic) || !topic.StartsWith($"{topics.DiscoveryPrefix}/device/", StringComparison.Ordinal) || Parse(payload, topics) is not { } components)
            {
                continue;
            }

            clear.Add(topic);
            foreach (var siteTopic in components.Values.SelectMany(c => c.Topics))
            {
                // A site still configured under a new device id keeps its state topics: they are current.
                if (SiteOf(siteTopic, topics) is { } site && !currentSiteIds.Contains(site))
                {
                    clear.Add(siteTopic);
                    clear.Add(topics.Prices(site));
                    clear.Add(topics.EvccForecast(site));
                }
            }
        }

        return [.. clear.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// What to do when a site's discovery changes from <paramref name="previous"/> to <paramref name="current"/> and
    /// leaves components out (Home Assistant ignores a component that is just missing): the device payload to send once
    /// with each removed component in Home Assistant's removal form (only its <c>platform</c>), and the removed
    /// entities' state and attribute topics to clear afterwards. Null when nothing was removed or the previous
    /// payload is not ours.
    /// </summary>
    public static Retraction? Retract(string previous, string current, Topics topics)
    {
        if (Parse(previous, topics) is not { } before || Parse(current, topics) is not { } after)
        {
            return null;
        }

        var removed = before.Where(c => !after.ContainsKey(c.Key)).ToList();
        if (removed.Count == 0)
        {
            return null;
        }

        var document = JsonNode.Parse(current)!.AsObject();
        var components = document["components"]!.AsObject();
        foreach (var (key, component) in removed)
        {
            components[key] = new JsonObject { ["platform"] = component.Platform };
        }

        var stillUsed = after.Values.SelectMany(c => c.Topics).ToHashSet(StringComparer.Ordinal);
        var clear = removed.SelectMany(c => c.Value.Topics)
            .Where(t => !stillUsed.Contains(t) && t.StartsWith(topics.BaseTopic + "/", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new Retraction(document.ToJsonString(PublishedJsonContext.Relaxed.Options), [.. removed.Select(c => c.Key)], clear);
    }

    /// <summary>The components of a device config of ours, or null for someone else's (or malformed) config.</summary>
    private static Dictionary<string, PublishedComponent>? Parse(string payload, Topics topics)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "availability_topic") != topics.Status
                || !root.TryGetProperty("origin", out var origin)
                || origin.ValueKind != JsonValueKind.Object
                || Text(origin, "name") != SiteSensors.Manufacturer)
            {
                return null;
            }

            var found = new Dictionary<string, PublishedComponent>(StringComparer.Ordinal);
            if (root.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Object)
            {
                foreach (var component in components.EnumerateObject().Where(c => c.Value.ValueKind == JsonValueKind.Object))
                {
                    string?[] named = [Text(component.Value, "state_topic"), Text(component.Value, "json_attributes_topic")];
                    found[component.Name] = new PublishedComponent(Text(component.Value, "platform") ?? "sensor", [.. named.OfType<string>().Where(t => t.Length > 0)]);
                }
            }

            return found;
        }
        catch (JsonException)
        {
            // Someone else's malformed config: not ours to touch.
            return null;
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The site of <c>&lt;base&gt;/&lt;site&gt;/…</c>, or null for a topic outside our base.</summary>
    private static string? SiteOf(string topic, Topics topics) =>
        topic.StartsWith(topics.BaseTopic + "/", StringComparison.Ordinal) && topic[(topics.BaseTopic.Length + 1)..].Split('/') is [{ Length: > 0 } site, _, ..]
            ? site
            : null;

    private sealed record PublishedComponent(string Platform, IReadOnlyList<string> Topics);
}

/// <summary>A site's discovery that drops components: <see cref="RemovalPayload"/> once, then the current payload, then clear <see cref="TopicsToClear"/>.</summary>
internal sealed record Retraction(string RemovalPayload, IReadOnlyList<string> Removed, IReadOnlyList<string> TopicsToClear);
