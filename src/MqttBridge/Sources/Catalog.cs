using MqttBridge.Domain;
using MqttBridge.Sources.Digin;
using MqttBridge.Sources.Eloverblik;
using MqttBridge.Sources.ElviaMeter;
using MqttBridge.Sources.Fluvius;
using MqttBridge.Sources.Oresundskraft;
using MqttBridge.Sources.Static;

namespace MqttBridge.Sources;

/// <summary>
/// Every source module this version runs, one line each. Config binding, <c>check-config</c>, the add-on mapper and its
/// schema test, the factory and the CLI read this list; adding an API is its folder plus one line here.
/// </summary>
internal static class Catalog
{
    private static readonly IReadOnlyList<ISourceModule> Shipped =
    [
        new StaticTariffModule(),
        new DiginTariffModule(),
        new ElviaMeterModule(),
        new OresundskraftModule(),
        new EloverblikTariffModule(),
        new EloverblikMeterModule(),
        new FluviusModule(),
    ];

    private static readonly AsyncLocal<IReadOnlyList<ISourceModule>?> Scoped = new();

    /// <summary>The modules in force: the shipped ones, plus any a test added with <see cref="With"/> in its own async flow.</summary>
    public static IReadOnlyList<ISourceModule> Modules => Scoped.Value ?? Shipped;

    /// <summary>
    /// Adds <paramref name="extra"/> to the catalog for the calling async flow until disposed: a test's throwaway source
    /// goes through exactly the paths a shipped one does, without touching tests that run in parallel.
    /// </summary>
    public static IDisposable With(params ISourceModule[] extra)
    {
        var before = Scoped.Value;
        Scoped.Value = [.. Modules, .. extra];
        return new Restore(() => Scoped.Value = before);
    }

    /// <summary>The module of <paramref name="role"/> named <paramref name="type"/> (lower-case), or null.</summary>
    public static ISourceModule? Find(SourceRole role, string type) =>
        Modules.FirstOrDefault(m => m.Role == role && m.Type == type);

    /// <summary>
    /// The source for <paramref name="options"/> in <paramref name="role"/>, made by its module; null for no options.
    /// Validation has already rejected unknown types, so a missing module is a bug.
    /// </summary>
    public static SourceRunner? Create(SourceRole role, SourceOptions? options, SiteContext site, SourceContext context) =>
        options is null ? null
        : (Find(role, options.Type) ?? throw new InvalidOperationException($"{role.Key()} type '{options.Type}' has no module in the catalog"))
            .Create(options, site, context);

    /// <summary>The type names of <paramref name="role"/>, in catalog order.</summary>
    public static string[] TypesOf(SourceRole role) => [.. Modules.Where(m => m.Role == role).Select(m => m.Type)];

    /// <summary>Whether <paramref name="key"/> is declared a secret by any module (on top of the generic name rules).</summary>
    public static bool IsSecretKey(string key) =>
        Modules.Any(m => m.SecretKeys.Contains(key, StringComparer.OrdinalIgnoreCase));

    /// <summary>The config key of a role: <c>tariff</c> or <c>meter</c>.</summary>
    public static string KeyOf(SourceRole role) => role.Key();

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
