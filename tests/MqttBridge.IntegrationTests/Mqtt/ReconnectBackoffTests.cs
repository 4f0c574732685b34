using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.Mqtt;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.Mqtt;

/// <summary>The retry schedule a user reads in the log while the broker is down, on a fake clock.</summary>
public sealed partial class ReconnectBackoffTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Retries_at_once_then_from_about_1_s_doubling_and_never_more_than_30_s_apart()
    {
        var time = new FakeTimeProvider();
        var logger = new TestLogger<MqttConnection>(output);
        var port = TestPorts.GetFree(); // nothing listens there: connection refused
        var connection = new MqttConnection(new MqttOptions { Host = "127.0.0.1", Port = port }, new EmbeddedBrokerOptions(), time, logger, random: new Random(1));
        await connection.StartAsync(CancellationToken.None);
        try
        {
            var delays = new List<double>();
            for (var attempt = 1; attempt <= 12; attempt++)
            {
                // The clock only moves when a retry line is missing, so the first line proves the first attempt
                // did not wait.
                var started = TimeProvider.System.GetTimestamp();
                while (RetryLines(logger).Count < attempt)
                {
                    Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15), $"no retry line {attempt}");
                    if (attempt > 1)
                    {
                        time.Advance(TimeSpan.FromMilliseconds(500));
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
                }

                delays.Add(RetryLines(logger)[attempt - 1]);
            }

            output.WriteLine(string.Join(", ", delays));
            Assert.InRange(delays[0], 0.1, 3);
            Assert.All(delays, d => Assert.InRange(d, 0.1, 30));
            Assert.True(delays.Skip(6).Average() > 8, "delays should grow towards the 30 s cap");
            Assert.All(logger.Lines, l => Assert.DoesNotContain("   at ", l, StringComparison.Ordinal));
        }
        finally
        {
            await connection.StopAsync(CancellationToken.None);
            connection.Dispose();
        }
    }

    private static List<double> RetryLines(TestLogger<MqttConnection> logger) =>
        logger.Lines
            .Select(l => RetryLine().Match(l))
            .Where(m => m.Success)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();

    [GeneratedRegex(@"not reachable \(connection refused\); next attempt in ([0-9.]+) s")]
    private static partial Regex RetryLine();
}
