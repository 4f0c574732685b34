using Microsoft.Extensions.Logging;
using MqttBridge.Addon;
using MqttBridge.Configuration;

namespace MqttBridge.Cli;

/// <summary>
/// The configuration <c>run</c> and <c>check-config</c> work on: the YAML file (<c>--config</c>), or in add-on mode
/// the add-on's options with the broker from the Supervisor (asked only when starting).
/// </summary>
/// <param name="Source">What it was read from, for the report's first line.</param>
/// <param name="Addon">The add-on's loading details, or null outside add-on mode.</param>
internal sealed record StartupConfig(ConfigResult Config, string Source, AddonConfigResult? Addon)
{
    /// <param name="askSupervisor">False for <c>check-config</c>: the options are checked without a network call.</param>
    public static async Task<StartupConfig> LoadAsync(CommandLine cli, IReadOnlyDictionary<string, string?> environment, bool askSupervisor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cli);
        if (!AddonSettings.IsOn(cli.Addon, environment))
        {
            return new StartupConfig(ConfigLoader.Load(cli.ConfigPath, environment), cli.ConfigPath, null);
        }

        var settings = AddonSettings.FromEnvironment(environment);
        if (!askSupervisor)
        {
            var checkedOnly = await AddonConfigLoader.LoadAsync(settings, environment, null, cancellationToken);
            return new StartupConfig(checkedOnly.Config, checkedOnly.Source, checkedOnly);
        }

        using var http = new HttpClient { BaseAddress = settings.SupervisorUrl, Timeout = SupervisorClient.Timeout };
        var addon = await AddonConfigLoader.LoadAsync(settings, environment, new SupervisorClient(http, settings.Token), cancellationToken);
        return new StartupConfig(addon.Config, addon.Source, addon);
    }

    /// <summary>
    /// Logs what a valid configuration's loading noticed: config_file in use, no MQTT service (so the embedded
    /// broker), placeholders left in. Called only once the configuration is known to be valid, so bad options
    /// never first announce a broker.
    /// </summary>
    public void LogNotes(ILogger log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (Addon?.ConfigFileNote is { } note)
        {
            log.LogInformation("{Note}", note);
        }

        if (Addon?.NoServiceReason is { } reason)
        {
            log.LogWarning("No MQTT service from the Supervisor ({Reason}); using the embedded broker", reason);
        }

        foreach (var warning in Config.Warnings)
        {
            log.LogWarning("{Warning}", warning);
        }
    }
}
