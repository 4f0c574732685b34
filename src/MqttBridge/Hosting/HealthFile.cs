using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MqttBridge.Mqtt;

namespace MqttBridge.Hosting;

/// <summary>
/// Keeps <c>&lt;data_dir&gt;/.health</c> while the bridge is connected to its broker, so a container's
/// <c>HEALTHCHECK</c> (<c>mqttbridge health</c>) can tell "running and online" from "cut off" or "dead" without a
/// network client, a shell or a second MQTT connection. The file holds the writer's process id and start time
/// (<c>pid 1234 started 2026-05-01T10:00:00.0000000Z</c>): a bridge killed with SIGKILL leaves the file behind, and
/// the check sees at once that its writer is gone; a hung writer stops refreshing it and is stale after
/// <see cref="MaxAge"/>.
/// </summary>
internal sealed class HealthFile(MqttConnection connection, string dataDir, TimeProvider time, ILogger<HealthFile> logger) : BackgroundService
{
    public const string FileName = ".health";

    /// <summary>Written this often while connected; removed within a period after the broker is lost.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    /// <summary>Three missed periods: well inside the images' 30 s HEALTHCHECK interval.</summary>
    public static readonly TimeSpan MaxAge = Period * 3;

    /// <summary>Process start times read twice may differ by rounding; a reused pid differs by far more.</summary>
    private static readonly TimeSpan StartTolerance = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan FirstConnectPoll = TimeSpan.FromSeconds(1);

    private readonly string _path = Path.Combine(dataDir, FileName);
    private readonly string _content = Describe(Environment.ProcessId, StartOf(Environment.ProcessId));
    private bool _warned;

    /// <summary>
    /// True when the file exists, was written within <see cref="MaxAge"/> of <paramref name="now"/>, and the process
    /// that wrote it is still running. <paramref name="detail"/> says which, for the health command's one line.
    /// </summary>
    public static bool IsFresh(string dataDir, DateTimeOffset now, out string detail)
    {
        var path = Path.Combine(dataDir, FileName);
        string text;
        DateTimeOffset written;
        try
        {
            text = File.ReadAllText(path);
            written = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            detail = $"{path} is missing: the bridge is not running or not connected to its broker";
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            detail = $"{path} cannot be read: {ex.Message}";
            return false;
        }

        var age = now - written;
        if (Parse(text) is { } writer && !IsRunning(writer.Pid, writer.Started))
        {
            detail = $"{path} was written by process {writer.Pid.ToString(CultureInfo.InvariantCulture)}, which is no longer running";
            return false;
        }

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

    /// <summary>The file's text for a writer: <c>pid N started ISO-8601</c>.</summary>
    internal static string Describe(int pid, DateTimeOffset? started) =>
        $"pid {pid.ToString(CultureInfo.InvariantCulture)} started {started?.ToString("O", CultureInfo.InvariantCulture) ?? "unknown"}\n";

    private static (int Pid, DateTimeOffset? Started)? Parse(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 2 || parts[0] != "pid" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null; // an older bridge's file: only its age counts
        }

        DateTimeOffset? started = parts.Length >= 4 && DateTimeOffset.TryParse(parts[3], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var s) ? s : null;
        return (pid, started);
    }

    private static bool IsRunning(int pid, DateTimeOffset? started)
    {
        // A pid the system has given to another process since: same number, another start time.
        var now = StartOf(pid);
        return now is not null && (started is null || (now.Value - started.Value).Duration() <= StartTolerance);
    }

    private static DateTimeOffset? StartOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
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
            File.WriteAllText(_path, _content);
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
