using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Hosting;

namespace MqttBridge.Tests.Hosting;

/// <summary>The log lines a user reads in the add-on log tab or <c>docker logs</c>.</summary>
public sealed class PlainLogTests
{
    private static (ILoggerFactory Loggers, StringWriter Output) Create(DateTimeOffset now)
    {
        var time = new FakeTimeProvider(now);
        time.SetLocalTimeZone(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"));
        var output = new StringWriter { NewLine = "\n" };
        return (LoggerFactory.Create(l => l.UsePlainLog(output, time)), output);
    }

    [Fact]
    public void A_line_has_local_time_with_its_offset_the_level_the_short_category_and_no_event_id()
    {
        // 01:30 UTC on the spring-forward day is 03:30 summer time in Oslo.
        var (loggers, output) = Create(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero));
        using (loggers)
        {
            loggers.CreateLogger("MqttBridge.Mqtt.MqttConnection").Log(LogLevel.Information, new EventId(1488373770), "Connected to MQTT broker {Broker}", "127.0.0.1:1883");
            loggers.CreateLogger("MqttBridge").LogWarning("No MQTT service");
        }

        Assert.Equal(
            "2026-03-29 03:30:00 +02:00 info: MqttConnection: Connected to MQTT broker 127.0.0.1:1883\n" +
            "2026-03-29 03:30:00 +02:00 warn: MqttBridge: No MQTT service\n",
            output.ToString());
    }

    [Fact]
    public void Winter_time_carries_its_own_offset_and_debug_and_microsofts_chatter_stay_out()
    {
        var (loggers, output) = Create(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
        using (loggers)
        {
            loggers.CreateLogger("MqttBridge.Scheduling.BridgeService").LogDebug("hidden");
            loggers.CreateLogger("Microsoft.Hosting.Lifetime").LogInformation("Application started");
            loggers.CreateLogger("MqttBridge.Scheduling.BridgeService").LogError("Refresh failed");
        }

        Assert.Equal("2026-01-15 13:00:00 +01:00 fail: BridgeService: Refresh failed\n", output.ToString());
    }
}
