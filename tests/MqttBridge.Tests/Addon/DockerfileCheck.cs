using System.Text.Json;
using System.Text.RegularExpressions;

namespace MqttBridge.Tests.Addon;

/// <summary>
/// What <c>docker build</c> would refuse in a Dockerfile, checked without a container engine: unknown instructions,
/// <c>${ARG}</c>s a stage does not declare, <c>COPY --from</c> naming no earlier stage, <c>COPY</c> sources missing
/// from the build context, JSON forms that are not JSON.
/// </summary>
internal static partial class DockerfileCheck
{
    private static readonly HashSet<string> Instructions =
    [
        "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG",
        "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    ];

    /// <summary>Variables the base images set (the .NET images' unprivileged user).</summary>
    private static readonly HashSet<string> ImageVariables = ["APP_UID"];

    public static List<string> Problems(string dockerfile, string context)
    {
        var problems = new List<string>();
        var globalArgs = new HashSet<string>(StringComparer.Ordinal);
        var stageVariables = new HashSet<string>(StringComparer.Ordinal);
        var stages = new List<string>();
        var inStage = false;

        foreach (var (line, text) in Instructions_(dockerfile))
        {
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            var instruction = space < 0 ? text : text[..space];
            var arguments = space < 0 ? string.Empty : text[(space + 1)..].Trim();
            if (!Instructions.Contains(instruction))
            {
                problems.Add($"line {line}: {instruction} is not a Dockerfile instruction");
                continue;
            }

            var known = inStage ? stageVariables : globalArgs;
            foreach (Match use in Variable().Matches(arguments))
            {
                var name = use.Groups[1].Value;
                if (!known.Contains(name) && !ImageVariables.Contains(name))
                {
                    problems.Add($"line {line}: ${{{name}}} is not an ARG of this stage");
                }
            }

            switch (instruction)
            {
                case "FROM":
                    inStage = true;
                    stageVariables = [];
                    var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    stages.Add(words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : stages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "ARG":
                    (inStage ? stageVariables : globalArgs).Add(arguments.Split('=')[0]);
                    break;
                case "ENV":
                    stageVariables.Add(arguments.Split('=', ' ')[0]);
                    break;
                case "COPY" or "ADD":
                    var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.FirstOrDefault(p => p.StartsWith("--from=", StringComparison.Ordinal)) is { } from)
                    {
                        if (!stages[..^1].Contains(from["--from=".Length..]))
                        {
                            problems.Add($"line {line}: COPY --from={from["--from=".Length..]} names no earlier stage");
                        }

                        break;
                    }

                    foreach (var source in parts.Where(p => !p.StartsWith("--", StringComparison.Ordinal)).SkipLast(1))
                    {
                        if (!File.Exists(Path.Combine(context, source)) && !Directory.Exists(Path.Combine(context, source)))
                        {
                            problems.Add($"line {line}: {instruction} {source}: not in the build context");
                        }
                    }

                    break;
                case "CMD" or "ENTRYPOINT" or "HEALTHCHECK":
                    var json = instruction == "HEALTHCHECK" && arguments.IndexOf(" CMD ", StringComparison.Ordinal) is >= 0 and var cmd ? arguments[(cmd + 5)..] : arguments;
                    if (json.StartsWith('[') && !IsStringArray(json))
                    {
                        problems.Add($"line {line}: {instruction}'s JSON form is not valid JSON");
                    }

                    break;
            }
        }

        if (stages.Count == 0)
        {
            problems.Add("no FROM");
        }

        return problems;
    }

    private static bool IsStringArray(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Array && document.RootElement.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Logical instructions (continuations joined, comments and blank lines skipped) with their first line.</summary>
    private static IEnumerable<(int Line, string Text)> Instructions_(string dockerfile)
    {
        var lines = dockerfile.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = string.Empty;
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].Trim();
            if (text.StartsWith('#') || (text.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (current.Length == 0)
            {
                start = i + 1;
            }

            if (text.EndsWith('\\'))
            {
                current += text[..^1] + " ";
                continue;
            }

            current += text;
            if (current.Length > 0)
            {
                yield return (start, current);
            }

            current = string.Empty;
        }
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[-+][^}]*)?\}")]
    private static partial Regex Variable();
}
