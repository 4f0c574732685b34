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
    public async Task Retries_at_once_then_from_1_s_doubling_with_jitter_never_shrinking_and_at_most_30_s_apart()
    {
        var time = new FakeTimeProvider();
        var logger = new TestLogger<MqttConnection>(output);
        var port = TestPorts.GetFree(); // nothing listens there: connection refused
        var connection = new MqttConnection(new MqttOptions { Host = "127.0.0.1", Port = port }, new EmbeddedBrokerOptions(), time, logger, random: new Random(1));
        await connection.StartAsync(CancellationToken.None);
        try
        {
            // The first attempt does not wait for the clock at all.
            await WaitForLinesAsync(logger, 1);
            var delays = new List<double>();
            for (var attempt = 1; attempt <= 10; attempt++)
            {
                var delay = RetryLines(logger)[attempt - 1];
                delays.Add(delay);

                // The next attempt comes exactly when the line said: not 100 ms before, and once the clock gets there.
                time.Advance(TimeSpan.FromSeconds(delay) - TimeSpan.FromMilliseconds(100));
                await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
                Assert.Equal(attempt, RetryLines(logger).Count);
                time.Advance(TimeSpan.FromMilliseconds(100));
                await WaitForLinesAsync(logger, attempt + 1);
            }

            output.WriteLine(string.Join(", ", delays));
            double[] nominal = [1, 2, 4, 8, 16, 30, 30, 30, 30, 30];
            for (var i = 0; i < delays.Count; i++)
            {
                Assert.InRange(delays[i], Math.Max(1, nominal[i] * 0.8), Math.Min(30, nominal[i] * 1.2));
                if (i > 0)
                {
                    Assert.True(delays[i] >= delays[i - 1], $"delay {i + 1} ({delays[i]} s) is shorter than the one before ({delays[i - 1]} s)");
                }
            }

            Assert.All(logger.Lines, l => Assert.DoesNotContain("   at ", l, StringComparison.Ordinal));
        }
        finally
        {
            await connection.StopAsync(CancellationToken.None);
            connection.Dispose();
        }
    }

    private static async Task WaitForLinesAsync(TestLogger<MqttConnection> logger, int count)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (RetryLines(logger).Count < count)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15), $"no retry line {count}");
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }

    private static List<double> RetryLines(TestLogger<MqttConnection> logger) =>
        logger.Lines
            .Select(l => RetryLine().Match(l))
            .Where(m => m.Success)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();

    [GeneratedRegex(@"not reachable \(connection refused\); check mqtt\.host and mqtt\.port; next attempt in ([0-9.]+) s")]
    private static partial Regex RetryLine();
}
