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

        var options = loaded.Config.Options;
        var warnings = loaded.Config.Warnings.ToList();
        var problems = new List<ConfigProblem>();
        foreach (var (path, check) in SourceChecks(options))
        {
            (check.IsWarning ? warnings : problems).Add(new ConfigProblem(path, null, check.Message));
        }

        if (problems.Count > 0)
        {
            await error.WriteLineAsync(ConfigReport.Render(loaded.Source, problems));
            return 2;
        }

        // The add-on fills homeassistant in itself (the Supervisor's proxy): only a section the user wrote is worth a warning.
        if (options.HomeAssistant is { ViaSupervisor: false } && !options.Sites.Any(s => s.Statistics && s.Meter is not null))
        {
            warnings.Add(new ConfigProblem("homeassistant", null, "is set, but no site has a meter with statistics on: the Energy dashboard gets nothing (statistics come from meters)"));
        }

        if (File.Exists(options.DataDir))
        {
            warnings.Add(new ConfigProblem("data_dir", null, $"{Path.GetFullPath(options.DataDir)} is a file, not a folder; the bridge would run without keeping data across restarts"));
        }

        foreach (var warning in warnings)
        {
            await output.WriteLineAsync($"warning: {warning}");
        }

        var sites = string.Join(", ", options.Sites.Select(s => $"{s.Id} ({string.Join(" + ", new[] { s.Tariff?.Type + " tariff", s.Meter?.Type + " meter" }.Where(x => !x.StartsWith(' ')))})"));
        var warned = warnings.Count == 0 ? string.Empty : $" ({warnings.Count} warning(s) above)";
        await output.WriteLineAsync($"Configuration {loaded.Source} is valid{warned}: {options.Sites.Count} site(s): {sites}.");
        if (options.HomeAssistant is { } homeAssistant && options.Sites.Where(s => s.Statistics && s.Meter is not null).Select(s => s.Id).ToList() is { Count: > 0 } statisticSites)
        {
            await output.WriteLineAsync($"Energy dashboard statistics for {string.Join(", ", statisticSites)} go to {homeAssistant.WebSocket}.");
        }

        return 0;
    }

    /// <summary>Every source's own <see cref="Sources.ISourceModule.Check"/>, with the key path (<c>sites[N].meter.KEY</c>).</summary>
    internal static IEnumerable<(string Path, Sources.SourceCheck Check)> SourceChecks(BridgeOptions options)
    {
        for (var i = 0; i < options.Sites.Count; i++)
        {
            foreach (var (role, source) in new[] { (Domain.SourceRole.Tariff, options.Sites[i].Tariff), (Domain.SourceRole.Meter, options.Sites[i].Meter) })
            {
                if (source is not null && Sources.Catalog.Find(role, source.Type) is { } module)
                {
                    foreach (var check in module.Check(source))
                    {
                        yield return ($"sites[{i}].{Sources.Catalog.KeyOf(role)}.{check.Key}", check);
                    }
                }
            }
        }
    }
}
