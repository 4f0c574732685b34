using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MqttBridge.Mqtt;

namespace MqttBridge.Scheduling;

/// <summary>
/// Touches <c>&lt;data_dir&gt;/.health</c> while the bridge is connected to its broker, so a container's
/// <c>HEALTHCHECK</c> (<c>mqttbridge health</c>) can tell "running and online" from "running but cut off"
/// without a network client, a shell or a second MQTT connection.
/// </summary>
internal sealed class HealthFile(MqttConnection connection, string dataDir, TimeProvider time, ILogger<HealthFile> logger) : BackgroundService
{
    public const string FileName = ".health";

    /// <summary>Written this often; <see cref="IsFresh"/> allows three periods before calling the bridge unhealthy.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(20);

    public static readonly TimeSpan MaxAge = Period * 3;

    private static readonly TimeSpan FirstConnectPoll = TimeSpan.FromSeconds(1);

    private readonly string _path = Path.Combine(dataDir, FileName);
    private bool _warned;

    /// <summary>True when the file exists and was written within <see cref="MaxAge"/> of <paramref name="now"/>.</summary>
    public static bool IsFresh(string dataDir, DateTimeOffset now, out string detail)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            detail = $"{path} is missing: the bridge is not running or not connected to its broker";
            return false;
        }

        var age = now - new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
        detail = $"{path} written {Math.Max(0, age.TotalSeconds):0} s ago";
        return age <= MaxAge;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // While not connected, look every second: the file appears as soon as the broker answers, not a period later.
        while (!stoppingToken.IsCancellationRequested)
        {
            var connected = Update();
            try
            {
                await Task.Delay(connected ? Period : FirstConnectPoll, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        TryDelete();
    }

    private bool Update()
    {
        if (!connection.IsConnected)
        {
            TryDelete();
            return false;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            File.WriteAllText(_path, time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            File.SetLastWriteTimeUtc(_path, time.GetUtcNow().UtcDateTime);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Health reporting must never stop the bridge; say it once.
            if (!_warned)
            {
                _warned = true;
                logger.LogWarning("Cannot write the health file {Path} ({Reason}); the container health check will fail", _path, ex.Message);
            }
        }

        return true;
    }

    private void TryDelete()
    {
        try
        {
            File.Delete(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogDebug("Health file {Path} not removed: {Reason}", _path, ex.Message);
        }
    }
}
