using MqttBridge.Mqtt;

namespace MqttBridge.Tests.Mqtt;

/// <summary>The README's reconnect promise: from 1 s, doubling with jitter, at most 30 s apart.</summary>
public sealed class ReconnectScheduleTests
{
    private static readonly double[] Nominal = [1, 2, 4, 8, 16, 30, 30, 30, 30, 30, 30, 30];

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public void Follows_1_2_4_8_16_30_within_20_percent_never_below_1_s_or_above_30_s(double draw)
    {
        var schedule = new ReconnectSchedule(() => draw);

        var delays = Nominal.Select(_ => schedule.Next().TotalSeconds).ToList();

        for (var i = 0; i < delays.Count; i++)
        {
            Assert.InRange(delays[i], Math.Max(1, Nominal[i] * 0.8), Math.Min(30, Nominal[i] * 1.2));
        }
    }

    [Fact]
    public void Never_shrinks_before_a_connection_succeeds_whatever_the_jitter_draws()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var schedule = new ReconnectSchedule(random.NextDouble);
            var previous = TimeSpan.Zero;
            for (var attempt = 0; attempt < 15; attempt++)
            {
                var delay = schedule.Next();
                Assert.True(delay >= previous, $"seed {seed}, attempt {attempt + 1}: {delay} after {previous}");
                Assert.InRange(delay, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
                previous = delay;
            }
        }
    }

    [Fact]
    public void Starts_from_1_s_again_after_a_successful_connection()
    {
        var schedule = new ReconnectSchedule(() => 0.5);
        for (var i = 0; i < 8; i++)
        {
            schedule.Next();
        }

        schedule.Reset();

        Assert.Equal(TimeSpan.FromSeconds(1), schedule.Next());
        Assert.Equal(TimeSpan.FromSeconds(2), schedule.Next());
    }

    [Fact]
    public void Jitter_spreads_bridges_apart()
    {
        var low = new ReconnectSchedule(() => 0.1);
        var high = new ReconnectSchedule(() => 0.9);
        low.Next();
        high.Next();

        Assert.NotEqual(low.Next(), high.Next());
    }
}
