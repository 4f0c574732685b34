using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace MqttBridge.Storage;

/// <summary>One API answer as fetched, kept so a restart re-uses it instead of spending calls again.</summary>
internal sealed record CachedResponse(string Key, DateTimeOffset FetchedAt, string Body);

/// <summary>
/// Last good API answers on disk under <c>data_dir/cache/&lt;source&gt;/</c>, one JSON file per request key. Writes are
/// atomic (temp file, then rename), so a power cut on a Raspberry Pi leaves the old answer or the new one, never half.
/// File names are hashes of the key: no metering-point id or other personal data in a path.
/// </summary>
internal sealed partial class ResponseCache(string dataDir, string source, ILogger logger)
{
    private readonly string _folder = Path.Combine(dataDir, "cache", source);

    public CachedResponse? Read(string key)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var cached = JsonSerializer.Deserialize(File.ReadAllText(path), StorageJsonContext.Default.CachedResponse);
            return cached?.Key == key ? cached : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            // A damaged cache costs one API call, never a crash.
            LogUnreadable(path, ex.Message);
            return null;
        }
    }

    public void Write(CachedResponse response)
    {
        if (AtomicFile.TryWrite(PathOf(response.Key), JsonSerializer.Serialize(response, StorageJsonContext.Default.CachedResponse)) is { } fault)
        {
            // Keep serving from memory; the user learns why the next restart costs a call.
            LogUnwritable(_folder, fault);
        }
    }

    private string PathOf(string key) =>
        Path.Combine(_folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32] + ".json");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring unreadable cache file {Path}: {Reason}")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write the cache under {Folder} ({Reason}); data_dir must be writable to survive restarts without new API calls")]
    private partial void LogUnwritable(string folder, string reason);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CachedResponse))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, decimal>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
