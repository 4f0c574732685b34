using Microsoft.Extensions.Logging;

namespace MqttBridge.Cli;

/// <summary>
/// A command a source module brings: <c>mqttbridge &lt;source&gt; &lt;verb&gt; [--site ID] [options]</c>, e.g.
/// <c>mqttbridge digin tariffs</c> (later <c>eloverblik meteringpoints</c>, <c>fluvius consent</c>). A module lists its
/// commands in <see cref="Sources.ISourceModule.Commands"/>; the parser, the usage text and <c>--help</c> read them from
/// the catalog through <see cref="SourceCommands.All"/>.
/// </summary>
internal interface ISourceCommand
{
    /// <summary>The first word: the source's type name as written in the configuration (<c>digin</c>).</summary>
    string Source { get; }

    /// <summary>The second word (<c>tariffs</c>).</summary>
    string Verb { get; }

    /// <summary>A one-word name that also runs it (<c>mqttbridge tariffs</c>, kept from before two-word commands), or null.</summary>
    string? ShortName { get; }

    /// <summary>One line for the usage list.</summary>
    string Summary { get; }

    /// <summary>The text <c>mqttbridge &lt;source&gt; &lt;verb&gt; --help</c> prints: usage line, options, exit codes.</summary>
    string Help { get; }

    /// <summary>Options of this command that take a value (<c>--api-key</c>); <c>--site</c> and <c>--config</c> are common to all.</summary>
    IReadOnlyList<string> ValueOptions { get; }

    /// <summary>A problem with the parsed options (bad URL), or null. Called by the parser; exit code 2.</summary>
    string? Validate(CommandLine cli);

    /// <summary>Runs the command. Returns the process exit code: 0 done, 1 could not do it (one clear line on the error writer).</summary>
    Task<int> RunAsync(SourceCommandContext context, CancellationToken cancellationToken);
}

/// <summary>What a source command gets: the parsed line, where to write, the clock and the loggers.</summary>
internal sealed record SourceCommandContext(CommandLine Cli, TextWriter Output, TextWriter Error, TimeProvider Time, ILoggerFactory Loggers);

/// <summary>The source commands: those of every module in the catalog.</summary>
internal static class SourceCommands
{
    public static IReadOnlyList<ISourceCommand> All => [.. Sources.Catalog.Modules.SelectMany(m => m.Commands)];

    /// <summary>The command for <c>&lt;source&gt; &lt;verb&gt;</c>, or null.</summary>
    public static ISourceCommand? Find(string source, string verb) =>
        All.FirstOrDefault(c => c.Source == source && c.Verb == verb);

    /// <summary>The command with the one-word name <paramref name="name"/>, or null.</summary>
    public static ISourceCommand? FindShort(string name) => All.FirstOrDefault(c => c.ShortName == name);

    public static bool IsSource(string word) => All.Any(c => c.Source == word);
}
