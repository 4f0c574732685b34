using MqttBridge.Domain;

namespace MqttBridge.Tests.Domain;

public sealed class RollingCapacityTests
{
    [Fact]
    public void The_last_twelve_known_months_each_at_least_the_floor_the_thirteenth_left_out()
    {
        var peaks = new Dictionary<(int Year, int Month), decimal>
        {
            [(2025, 12)] = 20m,  // thirteen months before December 2026: not counted
            [(2026, 1)] = 1m,
            [(2026, 6)] = 5m,
            [(2026, 12)] = 6.5m,
        };

        Assert.Equal((2.5m + 5m + 6.5m) / 3m, RollingCapacity.BilledKw(peaks, 2026, 12, 12, 2.5m));
        Assert.Equal((20m + 2.5m) / 2m, RollingCapacity.BilledKw(peaks, 2026, 1, 12, 2.5m));
        Assert.Equal(6.5m, RollingCapacity.BilledKw(peaks, 2026, 12, 1, 2.5m));
        Assert.Null(RollingCapacity.BilledKw(peaks, 2028, 3, 12, 2.5m));
    }
}
