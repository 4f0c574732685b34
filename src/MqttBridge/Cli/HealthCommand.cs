using MqttBridge.Addon;
using MqttBridge.Configuration;
using MqttBridge.Hosting;

namespace MqttBridge.Cli;

/// <summary>
/// <c>mqttbridge health</c>, the container's HEALTHCHECK: exit 0 "healthy: …" when <c>&lt;data_dir&gt;/.health</c> is
/// fresh and its writer alive (<see cref="HealthFile.IsFresh"/>), else 1 "unhealthy: …".
/// </summary>
internal static class HealthCommand
{
    public static async Task<int> RunAsync(CommandLine cli, IReadOnlyDictionary<string, string?> environment, TextWriter output, TextWriter error, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(cli);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(time);

        // Only the data folder is needed: in add-on mode it is known without asking the Supervisor.
        var dataDir = AddonSettings.IsOn(cli.Addon, environment)
            ? environment.GetValueOrDefault(EnvironmentOverrides.Prefix + "DATA_DIR") is { Length: > 0 } d ? d : AddonSettings.DataDir
            : ConfigLoader.Load(cli.ConfigPath, environment).Options?.DataDir;
        if (dataDir is null)
        {
            await error.WriteLineAsync($"unhealthy: configuration {cli.ConfigPath} is not valid (run check-config)");
            return 1;
        }

        var healthy = HealthFile.IsFresh(dataDir, time.GetUtcNow(), out var detail);
        await output.WriteLineAsync($"{(healthy ? "healthy" : "unhealthy")}: {detail}");
        return healthy ? 0 : 1;
    }
}
