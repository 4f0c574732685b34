using System.Globalization;

namespace MqttBridge.Configuration;

/// <summary>
/// Reads typed values out of one mapping of the document and records a problem, with key path and line,
/// for every value that is missing, of the wrong type or out of range. Readers never throw and never stop early.
/// </summary>
internal sealed class ConfigSection
{
    private readonly ConfigMap _map;
    private readonly List<ConfigProblem> _problems;

    public ConfigSection(string path, ConfigMap map, List<ConfigProblem> problems)
    {
        Path = path;
        _map = map;
        _problems = problems;
    }

    public string Path { get; }

    public int? Line => _map.Line;

    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>Reports every key not in <paramref name="known"/>, with a hint when a known key is close.</summary>
    public void AllowOnly(params string[] known)
    {
        foreach (var entry in _map.Entries.Where(e => !known.Contains(e.Key, StringComparer.Ordinal)))
        {
            var hint = KeyHints.Closest(entry.Key, known);
            var message = hint is not null
                ? $"unknown key '{entry.Key}'; did you mean '{hint}'?"
                : $"unknown key '{entry.Key}'; expected one of: {string.Join(", ", known)}";
            _problems.Add(new ConfigProblem(KeyPath(entry.Key), entry.KeyLine, message) { Variable = entry.Variable ?? entry.Value.Variable });
        }
    }

    public bool Has(string key) => Get(key) is not null;

    /// <summary>The value under <paramref name="key"/>; null when the key is absent or its value is YAML null.</summary>
    public ConfigNode? Get(string key)
    {
        var node = _map.Find(key)?.Value;
        return node is ConfigScalar { IsNull: true } ? null : node;
    }

    public void Report(string key, string message) => Report(KeyPath(key), Get(key) ?? (ConfigNode)_map, message);

    public void Report(string path, ConfigNode node, string message) =>
        _problems.Add(new ConfigProblem(path, node.Line, message) { Variable = node.Variable });

    /// <summary>Reports the section itself (e.g. "needs a tariff or a meter").</summary>
    public void ReportHere(string message) => Report(Path, _map, message);

    public void ReportMissing(string key, string? detail = null) =>
        _problems.Add(new ConfigProblem(KeyPath(key), _map.Line, detail is null ? "required key is missing" : $"required key is missing; {detail}") { Variable = _map.Variable });

    public ConfigSection? Section(string key)
    {
        var node = Get(key);
        switch (node)
        {
            case null:
                return null;
            case ConfigMap map:
                return new ConfigSection(KeyPath(key), map, _problems);
            default:
                Report(KeyPath(key), node, $"must be a section of keys, not {node.Kind}");
                return null;
        }
    }

    /// <summary>Items of a list; a single value counts as a one-item list, so <c>days: workday</c> works too.</summary>
    public IReadOnlyList<(string Path, ConfigNode Node)> Items(string key, bool allowSingle = false)
    {
        var node = Get(key);
        switch (node)
        {
            case null:
                return [];
            case ConfigList list:
                return [.. list.Items.Select((item, i) => ($"{KeyPath(key)}[{i}]", item))];
            case ConfigScalar when allowSingle:
                return [(KeyPath(key), node)];
            default:
                Report(KeyPath(key), node, $"must be a list, not {node.Kind}");
                return [];
        }
    }

    /// <summary>The section under a list item, or null (with a problem) when the item is not a mapping.</summary>
    public ConfigSection? ItemSection((string Path, ConfigNode Node) item, string expectation)
    {
        if (item.Node is ConfigMap map)
        {
            return new ConfigSection(item.Path, map, _problems);
        }

        Report(item.Path, item.Node, $"must be a section ({expectation}), not {item.Node.Kind}");
        return null;
    }

    public string? Text(string key) => Scalar(KeyPath(key), Get(key), key)?.Value;

    public string? RequiredText(string key, string? detail = null)
    {
        if (!Has(key))
        {
            ReportMissing(key, detail);
            return null;
        }

        var text = Text(key);
        if (text is not null && string.IsNullOrWhiteSpace(text))
        {
            Report(key, "must not be empty");
            return null;
        }

        return text;
    }

    /// <summary>A text value that may be left out (default) but not set to an empty string.</summary>
    public string NonEmptyText(string key, string fallback)
    {
        var text = Text(key);
        if (text is null)
        {
            return fallback;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            Report(key, "must not be empty");
            return fallback;
        }

        return text;
    }

    public int Int(string key, int fallback, int min, int max)
    {
        var value = Int(KeyPath(key), Get(key), key);
        if (value is null)
        {
            return fallback;
        }

        if (value < min || value > max)
        {
            Report(key, Secret(key) ? $"the value is not valid: expected {min} to {max}" : $"{value} is out of range; use {min} to {max}");
            return fallback;
        }

        return value.Value;
    }

    public int? Int(string path, ConfigNode? node, string key)
    {
        var scalar = Scalar(path, node, key);
        if (scalar is null)
        {
            return null;
        }

        if (int.TryParse(scalar.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Report(path, scalar, Invalid(key, scalar.Value, "is not a whole number"));
        return null;
    }

    public decimal? Decimal(string key) => Decimal(KeyPath(key), Get(key), key);

    public decimal? RequiredDecimal(string key)
    {
        if (!Has(key))
        {
            ReportMissing(key);
            return null;
        }

        return Decimal(key);
    }

    public decimal? Decimal(string path, ConfigNode? node, string key)
    {
        var scalar = Scalar(path, node, key);
        if (scalar is null)
        {
            return null;
        }

        if (decimal.TryParse(scalar.Value.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Report(path, scalar, Invalid(key, scalar.Value, "is not a number (use a '.' for decimals)"));
        return null;
    }

    /// <summary>
    /// A file path that must exist (a CA bundle, a client certificate), reported when empty or missing; null when the key
    /// is absent. Relative paths are read from the working directory, as the reader of the file will open them.
    /// </summary>
    public string? ExistingFile(string key)
    {
        var path = Text(key);
        if (path is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            Report(key, "must not be empty; leave the key out instead");
        }
        else if (!File.Exists(path))
        {
            Report(key, $"file '{path}' does not exist");
        }

        return path;
    }

    public bool Bool(string key, bool fallback)
    {
        var scalar = Scalar(KeyPath(key), Get(key), key);
        if (scalar is null)
        {
            return fallback;
        }

        // YAML 1.2 booleans only: 'yes'/'on' are YAML 1.1 and read differently by different tools.
        switch (scalar.Value.Trim().ToLowerInvariant())
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                Report(KeyPath(key), scalar, Invalid(key, scalar.Value, "is not true or false"));
                return fallback;
        }
    }

    public ConfigScalar? Scalar(string path, ConfigNode? node, string key)
    {
        switch (node)
        {
            case null:
            case ConfigScalar { IsNull: true }:
                return null;
            case ConfigScalar scalar:
                return scalar;
            default:
                Report(path, node, Secret(key) ? $"the value is not valid: expected a single value, not {node.Kind}" : $"must be a single value, not {node.Kind}");
                return null;
        }
    }

    /// <summary>Keys whose values must never appear in a message or a log.</summary>
    public static bool Secret(string key)
    {
        var k = key.ToLowerInvariant();
        return k.Contains("password", StringComparison.Ordinal) || k.Contains("token", StringComparison.Ordinal)
            || k.Contains("api_key", StringComparison.Ordinal) || k.Contains("apikey", StringComparison.Ordinal)
            || k.Contains("secret", StringComparison.Ordinal) || Sources.Catalog.IsSecretKey(k);
    }

    /// <summary>"'abc' is not a whole number", or for a secret "the value is not valid" without the value.</summary>
    public static string Invalid(string key, string value, string reason) =>
        Secret(key) ? $"the value is not valid ({reason.Replace("is not", "expected", StringComparison.Ordinal)})" : $"'{value}' {reason}";
}
