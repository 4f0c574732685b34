using Microsoft.Extensions.Logging;

namespace MqttBridge.Sources;

/// <summary>
/// What every module's factory is given: the clock, loggers, <c>data_dir</c>, and one registry of shared resources, so
/// sites that use the same credentials share one client, one token, one rate budget and one fetch. Disposes what it
/// shares at shutdown.
/// </summary>
internal sealed class SourceContext(string dataDir, TimeProvider time, ILoggerFactory loggers) : IDisposable
{
    private readonly Dictionary<(Type Kind, string Key), object> _shared = [];
    private readonly List<IDisposable> _owned = [];

    public string DataDir { get; } = dataDir;

    public TimeProvider Time { get; } = time;

    public ILoggerFactory Loggers { get; } = loggers;

    /// <summary>
    /// The resource of kind <typeparamref name="T"/> registered under <paramref name="key"/>, made by
    /// <paramref name="create"/> on first use. Keys hold credentials only as hashes (<see cref="KeyOf"/>).
    /// </summary>
    public T Shared<T>(string key, Func<T> create)
        where T : class
    {
        lock (_shared)
        {
            if (_shared.TryGetValue((typeof(T), key), out var existing))
            {
                return (T)existing;
            }

            var made = create();
            _shared[(typeof(T), key)] = made;
            if (made is IDisposable disposable)
            {
                _owned.Add(disposable);
            }

            return made;
        }
    }

    /// <summary>A stable key for credentials and URLs: a hash, so no secret sits in memory dumps of the registry keys or on disk.</summary>
    public static string KeyOf(params string?[] parts) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', parts))))[..24];

    public void Dispose()
    {
        lock (_shared)
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            _owned.Clear();
            _shared.Clear();
        }
    }
}
