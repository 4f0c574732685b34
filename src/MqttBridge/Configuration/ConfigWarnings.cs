namespace MqttBridge.Configuration;

/// <summary>
/// Things that validate but are almost certainly not what the user meant: an example's placeholder left in place
/// (<c>api_key: your-gridtariffapi-primary-key</c>). <c>check-config</c> prints them; start-up logs them.
/// The bridge still runs: the API will refuse the key and say so.
/// </summary>
internal static class ConfigWarnings
{
    /// <summary>The examples' placeholders all start this way (<c>your-gridtariffapi-primary-key</c>, <c>your-primary-key</c>).</summary>
    public const string PlaceholderPrefix = "your-";

    /// <summary>Every scalar in <paramref name="root"/> that still holds a placeholder, with its key path and line.</summary>
    public static IReadOnlyList<ConfigProblem> Find(ConfigMap root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var found = new List<ConfigProblem>();
        Walk(root, string.Empty, found);
        return found;
    }

    private static void Walk(ConfigNode node, string path, List<ConfigProblem> found)
    {
        switch (node)
        {
            case ConfigMap map:
                foreach (var entry in map.Entries)
                {
                    Walk(entry.Value, path.Length == 0 ? entry.Key : $"{path}.{entry.Key}", found);
                }

                break;
            case ConfigList list:
                for (var i = 0; i < list.Items.Count; i++)
                {
                    Walk(list.Items[i], $"{path}[{i}]", found);
                }

                break;
            case ConfigScalar scalar when scalar.Value.Trim().StartsWith(PlaceholderPrefix, StringComparison.OrdinalIgnoreCase):
                // The value is the example's own text, not a secret; it is still not repeated.
                found.Add(new ConfigProblem(path, scalar.Line, "still holds the example's placeholder; put your own value here") { Variable = scalar.Variable });
                break;
        }
    }
}
