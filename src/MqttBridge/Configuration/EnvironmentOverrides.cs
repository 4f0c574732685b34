using System.Globalization;

namespace MqttBridge.Configuration;

/// <summary>
/// Applies <c>MQTTBRIDGE__SECTION__KEY</c> variables to the parsed document before validation, so that an
/// overridden value is checked exactly like one written in the file, and a bad one names its variable.
/// </summary>
internal static class EnvironmentOverrides
{
    public const string Prefix = "MQTTBRIDGE__";

    private const string Separator = "__";

    public static void Apply(ConfigMap root, IReadOnlyDictionary<string, string?> environment, List<ConfigProblem> problems)
    {
        // Ordinal order makes SITES__0__ID come before SITES__1__ID, so list items can be appended one by one.
        var variables = environment
            .Where(v => v.Value is not null && v.Key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v.Key, StringComparer.OrdinalIgnoreCase);

        foreach (var (name, value) in variables)
        {
            var segments = name[Prefix.Length..].ToLowerInvariant().Split(Separator);
            if (segments.Any(s => s.Length == 0))
            {
                problems.Add(new ConfigProblem(name, null, "is not a valid override name; use MQTTBRIDGE__SECTION__KEY, with '__' between levels"));
                continue;
            }

            Set(root, segments, value!, name, problems);
        }
    }

    private static void Set(ConfigMap root, string[] segments, string value, string variable, List<ConfigProblem> problems)
    {
        ConfigNode current = root;
        var path = string.Empty;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            var isIndex = int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index);

            ConfigNode Make() => last
                ? new ConfigScalar(value, isPlain: false) { Variable = variable }
                : int.TryParse(segments[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    ? new ConfigList([]) { Variable = variable }
                    : new ConfigMap { Variable = variable };

            switch (current)
            {
                case ConfigList list when isIndex:
                    path += $"[{index}]";
                    if (index < list.Items.Count)
                    {
                        if (last || IsNullScalar(list.Items[index]))
                        {
                            list.Items[index] = Make();
                        }
                    }
                    else if (index == list.Items.Count)
                    {
                        list.Items.Add(Make());
                    }
                    else
                    {
                        problems.Add(new ConfigProblem(path, null, $"index {index} is past the end of the list, which has {list.Items.Count} item(s); add items in order") { Variable = variable });
                        return;
                    }

                    current = list.Items[index];
                    break;

                case ConfigMap map:
                    path = path.Length == 0 ? segment : $"{path}.{segment}";
                    var entry = map.Find(segment);
                    if (entry is null)
                    {
                        entry = new ConfigEntry(segment, Make()) { Variable = variable };
                        map.Entries.Add(entry);
                    }
                    else if (last || IsNullScalar(entry.Value))
                    {
                        entry.Value = Make();
                    }

                    current = entry.Value;
                    break;

                default:
                    var what = current is ConfigList ? "a list (use a number to pick an item)" : "a single value";
                    problems.Add(new ConfigProblem(path, current.Line, $"cannot set '{segment}' inside it: it is {what}") { Variable = variable });
                    return;
            }
        }
    }

    private static bool IsNullScalar(ConfigNode node) => node is ConfigScalar { IsNull: true };
}
