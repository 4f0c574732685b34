namespace MqttBridge.Configuration;

/// <summary>Value rules more than one section uses (root, static tariff, modules): each reports on the section it reads.</summary>
internal static class ConfigRules
{
    /// <summary>A value from a fixed list, matched case-insensitively and returned in its canonical spelling; null if absent or wrong.</summary>
    public static string? OneOf(this ConfigSection s, string key, string[] allowed, string what)
    {
        var text = s.Text(key)?.Trim();
        if (text is null)
        {
            return null;
        }

        var match = allowed.FirstOrDefault(a => a.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            s.Report(key, $"'{text}' is not a known {what}{HintOrList(text, allowed)}");
        }

        return match;
    }

    /// <summary>"; did you mean 'x'?" when one is close, else the full list to choose from.</summary>
    public static string HintOrList(string given, string[] allowed) =>
        KeyHints.Closest(given, allowed) is { } hint ? $"; did you mean '{hint}'?" : $"; use {string.Join(", ", allowed)}";

    /// <summary><c>months</c>: one month or a list, 1 (January) to 12 (December); empty when absent.</summary>
    public static List<int> Months(this ConfigSection s)
    {
        var months = new List<int>();
        foreach (var (path, node) in s.Items("months", allowSingle: true))
        {
            if (s.Int(path, node, "months") is not { } month)
            {
                continue;
            }

            if (month is < 1 or > 12)
            {
                s.Report(path, node, $"{month} is not a month; use 1 (January) to 12 (December)");
            }
            else
            {
                months.Add(month);
            }
        }

        return months;
    }

    /// <summary>A price that must be 0 or more; 0 when absent.</summary>
    public static decimal NonNegative(this ConfigSection s, string key)
    {
        var value = s.Decimal(key) ?? 0m;
        if (value < 0m)
        {
            s.Report(key, $"{value} is negative; prices must be 0 or more");
            return 0m;
        }

        return value;
    }
}
