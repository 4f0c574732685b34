using Microsoft.Extensions.Time.Testing;
using MqttBridge.Sources.Http;

namespace MqttBridge.Tests.Sources;

public sealed class SlidingWindowLimiterTests
{
    [Fact]
    public async Task Never_lets_more_than_the_limit_through_in_any_window()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        using var limiter = new SlidingWindowLimiter(3, TimeSpan.FromHours(1), time);

        for (var i = 0; i < 3; i++)
        {
            await limiter.AcquireAsync(CancellationToken.None);
        }

        var fourth = limiter.AcquireAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        Assert.False(fourth.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
    }

    [Fact]
    public async Task Queued_callers_go_in_order_as_the_window_slides()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        using var limiter = new SlidingWindowLimiter(2, TimeSpan.FromMinutes(10), time);
        await limiter.AcquireAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5));
        await limiter.AcquireAsync(CancellationToken.None);

        var third = limiter.AcquireAsync(CancellationToken.None);
        var fourth = limiter.AcquireAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(5));
        await third.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
        await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(5));
        await fourth.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
    }
}
