using System.Collections;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MqttBridge.Configuration;

/// <summary>
/// Turns the YAML file plus <c>MQTTBRIDGE__*</c> environment overrides into validated <see cref="BridgeOptions"/>,
/// or into the full list of problems. Start-up and <c>check-config</c> both go through here.
/// </summary>
internal static class ConfigLoader
{
    public const string DefaultPath = "config/mqttbridge.yaml";

    public static ConfigResult Load(string path, IReadOnlyDictionary<string, string?> environment)
    {
        path = Locate(path);
        var problems = new List<ConfigProblem>();
        var text = ConfigText.Read(path, "pass another with --config PATH", problems);
        return text is null ? new ConfigResult(null, problems) : Parse(text, path, environment);
    }

    /// <summary>
    /// The default path is relative to the working directory (the repository root for <c>dotnet run</c>); started from
    /// elsewhere — a published binary, a service unit — the copy shipped next to the executable is used instead.
    /// </summary>
    public static string Locate(string path)
    {
        if (path != DefaultPath || File.Exists(path))
        {
            return path;
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, DefaultPath);
        return File.Exists(shipped) ? shipped : path;
    }

    /// <param name="sourceName">The file name, for messages about the document as a whole.</param>
    public static ConfigResult Parse(string yamlText, string sourceName, IReadOnlyDictionary<string, string?> environment)
    {
        var problems = new List<ConfigProblem>();
        var root = ParseTree(yamlText, sourceName, "(mqtt, embedded_broker, time_zone, data_dir, sites)", problems);
        return root is null ? new ConfigResult(null, problems) : Bind(root, environment, problems);
    }

    /// <summary>
    /// Reads a YAML (or JSON: JSON is YAML) document into a mutable tree that remembers lines.
    /// Null, with the problem recorded, when the text is not YAML at all.
    /// </summary>
    /// <param name="expectedKeys">Named in the message when the document is not a mapping.</param>
    public static ConfigMap? ParseTree(string yamlText, string sourceName, string expectedKeys, List<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yamlText));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndentedLine(yamlText) is { } tabLine)
            {
                // YamlDotNet names the enclosing mapping's first line here; the tab itself is what the user must find.
                problems.Add(new ConfigProblem(string.Empty, tabLine, $"{sourceName} is not valid YAML: this line is indented with a tab; YAML indents with spaces only"));
                return null;
            }

            var line = e.Start.Line > 0 ? (int?)e.Start.Line : null;
            problems.Add(new ConfigProblem(string.Empty, line, $"{sourceName} is not valid YAML: {e.Message}"));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // The scanner fails this way on some unterminated input (an unclosed '[' at the end); the last event read is the best line we have.
            var line = parser.Current is { Start.Line: > 0 } current ? (int?)current.Start.Line : null;
            problems.Add(new ConfigProblem(string.Empty, line, $"{sourceName} is not valid YAML; look for an unclosed bracket or quote on or after this line"));
            return null;
        }

        var root = new ConfigMap();
        if (stream.Documents.Count > 1)
        {
            problems.Add(new ConfigProblem(string.Empty, ConfigNode.LineOf(stream.Documents[1].RootNode), "only one YAML document is read; remove the second '---' document"));
        }

        ConfigNode? document = null;
        try
        {
            document = stream.Documents.Count > 0 ? ConfigNode.FromYaml(stream.Documents[0].RootNode) : null;
        }
        catch (ConfigTooLargeException e)
        {
            problems.Add(new ConfigProblem(string.Empty, null, $"{sourceName} cannot be read: {e.Message}"));
            return null;
        }

        if (document is not null)
        {
            switch (document)
            {
                // The root keeps no line: a missing top-level key belongs to no particular line.
                case ConfigMap map:
                    root.Entries.AddRange(map.Entries);
                    break;
                case ConfigScalar { IsNull: true }:
                    break;
                case var other:
                    problems.Add(new ConfigProblem(string.Empty, other.Line, $"{sourceName} must hold a mapping of keys {expectedKeys}, not {other.Kind}"));
                    break;
            }
        }

        return root;
    }

    /// <summary>The 1-based number of the first line whose indentation holds a tab, or null.</summary>
    private static int? FirstTabIndentedLine(string yamlText)
    {
        var number = 0;
        foreach (var line in yamlText.AsSpan().EnumerateLines())
        {
            number++;
            var indent = line[..(line.Length - line.TrimStart(" \t").Length)];
            if (indent.Contains('\t'))
            {
                return number;
            }
        }

        return null;
    }

    /// <summary>
    /// Applies the environment overrides to a configuration tree and validates it: the one path from a tree to
    /// options, whether the tree came from the YAML file or from the add-on's options.
    /// </summary>
    /// <param name="problems">Problems found so far (reading the document); they are reported with the binder's.</param>
    public static ConfigResult Bind(ConfigMap root, IReadOnlyDictionary<string, string?> environment, List<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        EnvironmentOverrides.Apply(root, environment, problems);
        var options = OptionsBinder.Bind(root, problems);

        // Report in file order; problems without a line (environment, missing top-level keys) come last.
        var sorted = problems.OrderBy(p => p.Line ?? int.MaxValue).ToList();
        var result = sorted.Count == 0 ? new ConfigResult(options, []) : new ConfigResult(null, sorted);
        return result with { Warnings = ConfigWarnings.Find(root) };
    }

    /// <summary>The process environment as the loader wants it.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string;
        }

        return result;
    }

}
