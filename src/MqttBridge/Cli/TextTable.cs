namespace MqttBridge.Cli;

/// <summary>Plain-text tables for the CLI's lists: a header row and rows, columns padded to align, no trailing spaces.</summary>
internal static class TextTable
{
    /// <summary>The rows under <paramref name="header"/>, one line each, columns separated by two spaces.</summary>
    public static string Render(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        return string.Join('\n', all.Select(r => string.Join("  ", r.Select((c, i) => i == r.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd()));
    }
}
