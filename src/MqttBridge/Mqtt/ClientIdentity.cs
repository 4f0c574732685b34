using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;

namespace MqttBridge.Mqtt;

/// <summary>
/// The MQTT client id: <c>mqtt.client_id</c> when set, otherwise this installation's own, made once
/// (<c>mqttbridge-</c> and 12 random hex digits: 23 characters, the MQTT 3.1.1 limit brokers must accept) and kept in
/// <c>data_dir/mqtt_client_id</c>, so it is stable across restarts and two bridges on one broker never share one (a
/// broker drops the older connection when a second client connects with the same id).
/// </summary>
internal static partial class ClientIdentity
{
    public const string FileName = "mqtt_client_id";

    /// <summary>The id to connect with. Never throws: a data_dir it cannot write gives an id derived from host name and base topic.</summary>
    public static string Resolve(MqttOptions options, string dataDir, ILogger logger)
    {
        if (options.ClientId is { Length: > 0 } configured)
        {
            return configured;
        }

        var path = Path.Combine(dataDir, FileName);
        try
        {
            if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 and <= 64 } kept)
            {
                return kept;
            }

            var created = New();
            Directory.CreateDirectory(dataDir);
            File.WriteAllText(path, created + "\n");
            LogCreated(logger, created, path);
            return created;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var derived = "mqttbridge-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Environment.MachineName}|{options.BaseTopic}")))[..12];
            LogUnwritable(logger, path, ex.Message, derived);
            return derived;
        }
    }

    /// <summary>A fresh id, for a connection built without a resolved one (never the shared <c>mqttbridge</c>).</summary>
    public static string New() => "mqttbridge-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT client id {ClientId}: this installation's own, kept in {Path} (set mqtt.client_id to choose another)")]
    private static partial void LogCreated(ILogger logger, string clientId, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot keep the MQTT client id in {Path} ({Reason}); using {ClientId}, derived from the host name and base topic (set mqtt.client_id, or make data_dir writable)")]
    private static partial void LogUnwritable(ILogger logger, string path, string reason, string clientId);
}
