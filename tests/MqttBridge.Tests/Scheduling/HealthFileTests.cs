using MqttBridge.Cli;
using MqttBridge.Scheduling;

namespace MqttBridge.Tests.Scheduling;

/// <summary>What the container's HEALTHCHECK (<c>mqttbridge health</c>) concludes from the file the bridge refreshes.</summary>
public sealed class HealthFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-health-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Unhealthy_without_the_file_healthy_when_fresh_unhealthy_when_stale()
    {
        var path = Path.Combine(_dir, HealthFile.FileName);
        var written = new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero);

        Assert.False(HealthFile.IsFresh(_dir, written, out var missing));
        Assert.Contains("is missing", missing, StringComparison.Ordinal);

        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, written.UtcDateTime);
        Assert.True(HealthFile.IsFresh(_dir, written + HealthFile.MaxAge, out var fresh));
        Assert.Equal($"{path} written 60 s ago", fresh);
        Assert.False(HealthFile.IsFresh(_dir, written + HealthFile.MaxAge + TimeSpan.FromSeconds(1), out _));
    }

    [Fact]
    public void Health_is_a_command()
    {
        Assert.Equal(CliCommand.Health, CommandLine.Parse(["health", "--addon"]).Command);
        Assert.Contains("health", CommandLine.Usage, StringComparison.Ordinal);
    }
}
