using MqttBridge.Cli;
using MqttBridge.Hosting;

namespace MqttBridge.Tests.Hosting;

/// <summary>What the container's HEALTHCHECK (<c>mqttbridge health</c>) concludes from the file the bridge refreshes.</summary>
public sealed class HealthFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-health-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string content, DateTimeOffset written)
    {
        var path = Path.Combine(_dir, HealthFile.FileName);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, written.UtcDateTime);
        return path;
    }

    [Fact]
    public void Unhealthy_without_the_file_healthy_when_fresh_unhealthy_when_stale()
    {
        var written = new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero);

        Assert.False(HealthFile.IsFresh(_dir, written, out var missing));
        Assert.Contains("is missing", missing, StringComparison.Ordinal);

        // Written by this (running) process.
        var path = Write(HealthFile.Describe(Environment.ProcessId, StartOfThisProcess()), written);
        Assert.True(HealthFile.IsFresh(_dir, written + HealthFile.MaxAge, out var fresh));
        Assert.Equal($"{path} written 15 s ago", fresh);
        Assert.False(HealthFile.IsFresh(_dir, written + HealthFile.MaxAge + TimeSpan.FromSeconds(1), out _));
    }

    [Fact]
    public void Stale_well_inside_the_images_30_s_healthcheck_interval()
    {
        // The Dockerfiles' HEALTHCHECK runs every 30 s; a writer that stopped must be caught by the next check.
        Assert.True(HealthFile.MaxAge < TimeSpan.FromSeconds(30));
        Assert.True(HealthFile.Period * 3 <= HealthFile.MaxAge);
    }

    [Fact]
    public void Unhealthy_at_once_when_the_writer_process_is_gone_though_the_file_is_fresh()
    {
        // A bridge killed with SIGKILL leaves its file behind: a pid no process has.
        var now = new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero);
        var path = Write(HealthFile.Describe(int.MaxValue - 1, now.AddMinutes(-5)), now);

        Assert.False(HealthFile.IsFresh(_dir, now, out var detail));
        Assert.Equal($"{path} was written by process {int.MaxValue - 1}, which is no longer running", detail);
    }

    [Fact]
    public void A_reused_pid_with_another_start_time_is_not_the_writer()
    {
        var now = new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero);
        Write(HealthFile.Describe(Environment.ProcessId, StartOfThisProcess()!.Value.AddHours(-3)), now);

        Assert.False(HealthFile.IsFresh(_dir, now, out var detail));
        Assert.Contains("no longer running", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Health_is_a_command()
    {
        Assert.Equal(CliCommand.Health, CommandLine.Parse(["health", "--addon"]).Command);
        Assert.Contains("health", CommandLine.Usage, StringComparison.Ordinal);
    }

    private static DateTimeOffset? StartOfThisProcess()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero);
    }
}
