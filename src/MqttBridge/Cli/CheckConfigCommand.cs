using MqttBridge.Configuration;

namespace MqttBridge.Cli;

/// <summary>
/// <c>mqttbridge check-config</c>: validates without starting. Exit 0 with one line naming the sites (and any
/// warnings before it), or 2 with every problem. In add-on mode the Supervisor is not asked.
/// </summary>
internal static class CheckConfigCommand
{
    public static async Task<int> RunAsync(CommandLine cli, IReadOnlyDictionary<string, string?> environment, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var loaded = await StartupConfig.LoadAsync(cli, environment, askSupervisor: false, cancellationToken);
        if (!loaded.Config.IsValid || loaded.Config.Options is null)
        {
            await error.WriteLineAsync(ConfigReport.Render(loaded.Source, loaded.Config.Problems));
            return 2;
        }

        foreach (var warning in loaded.Config.Warnings)
        {
            await output.WriteLineAsync($"warning: {warning}");
        }

        var options = loaded.Config.Options;
        var sites = string.Join(", ", options.Sites.Select(s => $"{s.Id} ({string.Join(" + ", new[] { s.Tariff?.Type + " tariff", s.Meter?.Type + " meter" }.Where(x => !x.StartsWith(' ')))})"));
        var warnings = loaded.Config.Warnings.Count == 0 ? string.Empty : $" ({loaded.Config.Warnings.Count} warning(s) above)";
        await output.WriteLineAsync($"Configuration {loaded.Source} is valid{warnings}: {options.Sites.Count} site(s): {sites}.");
        return 0;
    }
}
