using MqttBridge.Domain;

namespace MqttBridge.Tests.Domain;

/// <summary>When a meter's data is asked for again while yesterday is late: the morning, then backing off, then reset.</summary>
public sealed class LateDayWaitTests
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) =>
        LocalDay.LocalToInstant(new DateTime(2026, month, day, hour, minute, 0), Oslo);

    [Fact]
    public void Before_the_morning_waits_for_it_then_backs_off_and_a_complete_day_resets_the_backoff()
    {
        var wait = new LateDayWait(new TimeOnly(6, 0), new FaultSchedule(TimeSpan.FromHours(1), TimeSpan.FromHours(4)));
        var tomorrow = Local(11, 24, 6);

        Assert.Equal(Local(11, 23, 6), wait.Next(Local(11, 23, 2), Oslo, yesterdayComplete: false, tomorrow));
        Assert.Equal(Local(11, 23, 4), wait.Next(Local(11, 23, 2), Oslo, yesterdayComplete: false, tomorrow, notAfter: Local(11, 23, 4)));
        Assert.Equal(Local(11, 23, 7), wait.Next(Local(11, 23, 6), Oslo, yesterdayComplete: false, tomorrow));
        Assert.Equal(Local(11, 23, 9), wait.Next(Local(11, 23, 7), Oslo, yesterdayComplete: false, tomorrow));
        Assert.Equal(tomorrow, wait.Next(Local(11, 23, 9), Oslo, yesterdayComplete: true, tomorrow));

        // Reset: the next late morning starts again at the first step.
        Assert.Equal(Local(11, 24, 7), wait.Next(Local(11, 24, 6), Oslo, yesterdayComplete: false, Local(11, 25, 6)));
    }

    [Fact]
    public void The_morning_is_local_on_both_dst_days()
    {
        var wait = new LateDayWait(new TimeOnly(7, 0), new FaultSchedule(TimeSpan.FromHours(1), TimeSpan.FromHours(4)));

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 5, 0, 0, TimeSpan.Zero), wait.MorningOf(new DateOnly(2026, 3, 29), Oslo));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 6, 0, 0, TimeSpan.Zero), wait.MorningOf(new DateOnly(2026, 10, 25), Oslo));
    }
}
