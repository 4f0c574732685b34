namespace MqttBridge.Configuration;

/// <summary>Renders configuration problems for the console (start-up and <c>check-config</c>).</summary>
internal static class ConfigReport
{
    /// <summary>
    /// <c>Configuration &lt;path&gt; has N problem(s):</c> then one <c>  - problem</c> per line.
    /// Messages never carry secret values: the validator leaves them out when it builds each problem.
    /// </summary>
    public static string Render(string path, IReadOnlyList<ConfigProblem> problems)
    {
        var writer = new StringWriter { NewLine = "\n" };
        writer.WriteLine($"Configuration {path} has {problems.Count} {(problems.Count == 1 ? "problem" : "problems")}:");
        foreach (var problem in problems)
        {
            writer.WriteLine($"  - {problem}");
        }

        return writer.ToString();
    }
}
