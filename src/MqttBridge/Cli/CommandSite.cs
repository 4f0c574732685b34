using MqttBridge.Configuration;

namespace MqttBridge.Cli;

/// <summary>
/// The site a source command works on: from <c>--config</c>, the one named by <c>--site</c> (or the first) that has a
/// source the command can use. <see cref="Site"/> is null when there is none, after one message on the error writer;
/// <see cref="ExitCode"/> then says why, as <c>check-config</c> would: 2 for a missing or invalid configuration (every
/// problem printed, the sources' own checks such as unreadable certificate files included), 1 for no such site.
/// </summary>
internal sealed record CommandSite(SiteOptions? Site, BridgeOptions? Options, int ExitCode)
{
    /// <param name="name">The command, for the message ("mqttbridge fluvius mandates").</param>
    /// <param name="uses">Whether a site has a source this command can use.</param>
    /// <param name="wanted">What such a site has, for the message ("meter.type fluvius").</param>
    public static async Task<CommandSite> FindAsync(CommandLine cli, TextWriter error, string name, Func<SiteOptions, bool> uses, string wanted)
    {
        ArgumentNullException.ThrowIfNull(cli);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(uses);
        if (!File.Exists(cli.ConfigPath))
        {
            await error.WriteLineAsync($"{name}: {cli.ConfigPath} does not exist; it reads the credentials of a site with {wanted} (pass --config PATH)");
            return new CommandSite(null, null, 2);
        }

        var config = ConfigLoader.Load(cli.ConfigPath, ConfigLoader.ProcessEnvironment());
        var problems = config.Options is null
            ? config.Problems
            : [.. config.Problems, .. CheckConfigCommand.SourceChecks(config.Options).Where(c => !c.Check.IsWarning).Select(c => new ConfigProblem(c.Path, null, c.Check.Message))];
        if (!config.IsValid || config.Options is null || problems.Count > 0)
        {
            await error.WriteLineAsync(ConfigReport.Render(cli.ConfigPath, problems));
            return new CommandSite(null, null, 2);
        }

        var site = config.Options.Sites.FirstOrDefault(s => (cli.Site is null || s.Id == cli.Site) && uses(s));
        if (site is null)
        {
            await error.WriteLineAsync($"{name}: {cli.ConfigPath} has no site{(cli.Site is null ? string.Empty : $" '{cli.Site}'")} with {wanted}");
            return new CommandSite(null, config.Options, 1);
        }

        return new CommandSite(site, config.Options, 0);
    }
}
