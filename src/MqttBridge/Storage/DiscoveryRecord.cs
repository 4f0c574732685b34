using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MqttBridge.Storage;

/// <summary>
/// The discovery payload the bridge last published per topic, kept in <c>data_dir/discovery.json</c>, so after a
/// restart it knows which components a site had and can retract the ones its configuration dropped. Written
/// atomically; a missing or damaged file means "nothing known", never a failure.
/// </summary>
internal sealed partial class DiscoveryRecord(string dataDir, ILogger logger)
{
    public const string FileName = "discovery.json";

    private readonly string _path = Path.Combine(dataDir, FileName);

    /// <summary>Discovery topic → payload, as last saved.</summary>
    public Dictionary<string, string> Load()
    {
        try
        {
            if (!File.Exists(_path))
            {
                return [];
            }

            using var file = File.OpenRead(_path);
            return JsonSerializer.Deserialize(file, StorageJsonContext.Default.DictionaryStringString) ?? [];
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogUnreadable(_path, ex.Message);
            return [];
        }
    }

    public void Save(IReadOnlyDictionary<string, string> payloads)
    {
        // Streamed: with 10,000 sites the record is some 50 MB of JSON, which as one string took 100 MB of large-object heap.
        var record = payloads as Dictionary<string, string> ?? new Dictionary<string, string>(payloads, StringComparer.Ordinal);
        if (AtomicFile.TryWrite(_path, stream => JsonSerializer.Serialize(stream, record, StorageJsonContext.Default.DictionaryStringString)) is { } fault)
        {
            LogUnwritable(_path, fault);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring unreadable {Path} ({Reason}): entities a site no longer has are not retracted this time")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write {Path} ({Reason}); data_dir must be writable for the bridge to retract entities a site no longer has after a restart")]
    private partial void LogUnwritable(string path, string reason);
}
