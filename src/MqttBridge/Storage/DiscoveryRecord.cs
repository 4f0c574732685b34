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
            return File.Exists(_path)
                ? JsonSerializer.Deserialize(File.ReadAllText(_path), StorageJsonContext.Default.DictionaryStringString) ?? []
                : [];
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogUnreadable(_path, ex.Message);
            return [];
        }
    }

    public void Save(IReadOnlyDictionary<string, string> payloads)
    {
        if (AtomicFile.TryWrite(_path, JsonSerializer.Serialize(new Dictionary<string, string>(payloads, StringComparer.Ordinal), StorageJsonContext.Default.DictionaryStringString)) is { } fault)
        {
            LogUnwritable(_path, fault);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring unreadable {Path} ({Reason}): entities a site no longer has are not retracted this time")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write {Path} ({Reason}); data_dir must be writable for the bridge to retract entities a site no longer has after a restart")]
    private partial void LogUnwritable(string path, string reason);
}
