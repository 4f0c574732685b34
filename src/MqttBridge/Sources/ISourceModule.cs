using MqttBridge.Configuration;
using MqttBridge.Domain;

namespace MqttBridge.Sources;

/// <summary>
/// One API as a whole: everything that differs from one API to the next sits behind this, in the module's own folder
/// <c>Sources/&lt;Api&gt;/</c>, and <see cref="Catalog"/> lists the modules a line each. Config binding, check-config,
/// the add-on mapper, the factory and the CLI read the catalog; nothing outside the folder writes the type name.
/// </summary>
internal interface ISourceModule
{
    /// <summary>The config <c>type</c> (<c>sites[i].tariff.type</c> or <c>sites[i].meter.type</c>), lower-case.</summary>
    string Type { get; }

    /// <summary>Whether the module is a <c>tariff</c> or a <c>meter</c>. An API that is both has one module per role.</summary>
    SourceRole Role { get; }

    /// <summary>Keys of the section whose values are secrets: never echoed in problems, logs or <c>ToString</c>.</summary>
    IReadOnlyList<string> SecretKeys { get; }

    /// <summary>How the Home Assistant add-on's form maps onto the section's keys.</summary>
    AddonForm Addon { get; }

    /// <summary>The module's commands (<c>mqttbridge &lt;type&gt; &lt;verb&gt;</c>); none by default.</summary>
    IReadOnlyList<Cli.ISourceCommand> Commands => [];

    /// <summary>
    /// The site's time zone when neither the site nor the file sets <c>time_zone</c> (Eloverblik: Europe/Copenhagen);
    /// null leaves the bridge's default.
    /// </summary>
    string? DefaultTimeZone => null;

    /// <summary>
    /// Reads and validates the section (its <c>type</c> is already known to be this module's; <paramref name="baseUrl"/>
    /// is <c>base_url</c>, checked to be an absolute http(s) URL, or null). Reports every problem on
    /// <paramref name="section"/> with its key path and line; returns null when the options cannot be built.
    /// </summary>
    SourceOptions? Bind(ConfigSection section, string? baseUrl);

    /// <summary>
    /// <c>check-config</c>'s deeper look at bound options, beyond what <see cref="Bind"/> reads from the file (a
    /// certificate the key names is opened): problems and warnings by key of the section, never echoing a secret. Start-up
    /// does not run it (the source reports the same fault when it calls). None by default.
    /// </summary>
    IEnumerable<SourceCheck> Check(SourceOptions options) => [];

    /// <summary>
    /// The source for one site, from its options. <paramref name="context"/> gives the clock, loggers, <c>data_dir</c> and
    /// a registry for what sites with the same credentials share (clients, tokens, fetched answers).
    /// </summary>
    SourceRunner Create(SourceOptions options, SiteContext site, SourceContext context);
}

/// <summary>
/// A source's validated options: one record per module, built by its <see cref="ISourceModule.Bind"/>. Records that
/// hold secrets override <c>ToString</c> so a log of the options never shows them.
/// </summary>
internal abstract record SourceOptions
{
    /// <summary>The module's <see cref="ISourceModule.Type"/>.</summary>
    public abstract string Type { get; }
}

/// <summary>
/// The add-on form's site options a module takes: option name → key in the source's section (the form has one flat list
/// of options per site, shared by every source type, nested two levels at most).
/// </summary>
internal sealed record AddonForm(IReadOnlyDictionary<string, string> Options)
{
    public static AddonForm None { get; } = new(new Dictionary<string, string>());

    /// <summary>Set when the form cannot hold this source: choosing it in the form is reported with this text.</summary>
    public string? UseConfigFile { get; init; }

    /// <summary>Options the form offers for this module that are not copied but read by <see cref="Fill"/>.</summary>
    public IReadOnlyList<string> Extra { get; init; } = [];

    /// <summary>An option that, set without a type, chooses this module (a preset means a static tariff).</summary>
    public string? ChosenBy { get; init; }

    /// <summary>
    /// Fills the source's section from the form's site options beyond the copied ones (a preset's bands), reporting on
    /// the form's site section; null when there is nothing to fill.
    /// </summary>
    public Func<ConfigSection, ConfigMap?>? Fill { get; init; }

    /// <summary>Every option name the form has for this module.</summary>
    public IEnumerable<string> Names => Options.Keys.Concat(Extra);
}

/// <summary>One finding of <see cref="ISourceModule.Check"/>: the key of the source's section, what is wrong, and whether it only warns.</summary>
internal sealed record SourceCheck(string Key, string Message, bool IsWarning = false);

/// <summary>The site a source is created for: its id (for logs) and local time zone.</summary>
internal sealed record SiteContext(string Id, TimeZoneInfo Zone);
