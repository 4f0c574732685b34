using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Domain;
using MqttBridge.Sources;
using MqttBridge.Sources.Static;

namespace MqttBridge.Tests.StaticTariffs;

/// <summary>What the static source hands the scheduler: three local days from local midnight, refreshed at the next one.</summary>
public sealed class StaticTariffSourceTests
{
    private readonly StaticTariffSource _source = new(new StaticTariff(TariffExamples.Elvia, TariffExamples.Oslo));

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task Snapshot_covers_today_tomorrow_and_the_day_after_from_local_midnight()
    {
        // Monday 23 Nov 2026 06:21 in Oslo (CET, UTC+1).
        var time = new FakeTimeProvider(Utc(11, 23, 5, 21));

        var snapshot = await _source.FetchAsync(time.GetUtcNow(), CancellationToken.None);

        using var context = new SourceContext(Path.GetTempPath(), time, NullLoggerFactory.Instance);
        var declared = new StaticTariffModule().Create(TariffExamples.Elvia, new SiteContext("home", TariffExamples.Oslo), context).Report;
        Assert.Equal(("static", SourceRole.Tariff), (declared.Type, declared.Role));
        Assert.True(declared.Can(SourceCapabilities.PriceCurve | SourceCapabilities.CapacityLadder));
        Assert.Equal(72, snapshot.Curve.Slots.Count);
        Assert.Equal(Utc(11, 22, 23), snapshot.Curve.Start);   // 23 Nov 00:00 local
        Assert.Equal(Utc(11, 25, 23), snapshot.Curve.End);     // 26 Nov 00:00 local
        Assert.Equal(Utc(11, 23, 5, 21), snapshot.FetchedAt);
        Assert.Equal(Utc(11, 23, 23), snapshot.NextRefresh);   // 24 Nov 00:00 local
        Assert.Equal("NOK", snapshot.Curve.Currency);
        Assert.Equal(0.466m, snapshot.Curve.At(time.GetUtcNow())!.Price);
        Assert.Equal(250m, snapshot.Capacity!.MonthlyCost(4.2m));
    }

    [Fact]
    public async Task Past_hours_are_priced_by_the_rules_for_the_statistics_while_the_published_curve_stays_today_and_ahead()
    {
        // Monday 23 Nov 2026 06:21 local; a fresh install asks for last Friday 05:00 … Saturday 08:00 local.
        var now = Utc(11, 23, 5, 21);
        var snapshot = await _source.FetchAsync(now, CancellationToken.None);

        var past = await snapshot.Past!.PricesAsync(Utc(11, 20, 4), Utc(11, 21, 7), now, CancellationToken.None);

        Assert.Equal(Utc(11, 22, 23), snapshot.Curve.Start); // what prices/evcc publish: unchanged
        Assert.Equal((Utc(11, 20, 4), Utc(11, 21, 7)), (past.Start, past.End));
        Assert.Equal(27, past.Slots.Count);
        Assert.Equal(0.314m, past.At(Utc(11, 20, 4, 30))!.Price); // Friday 05:30: night
        Assert.Equal(0.466m, past.At(Utc(11, 20, 11))!.Price);    // Friday 12:00: day
        Assert.Equal(0.314m, past.At(Utc(11, 21, 6, 30))!.Price); // Saturday 07:30: weekend, night price
    }

    [Fact]
    public async Task Next_hour_and_tomorrow_are_known_just_before_midnight()
    {
        // Tuesday 24 Nov 2026 23:30 local: the next hour is Wednesday's night price, tomorrow is complete.
        var time = new FakeTimeProvider(Utc(11, 24, 22, 30));

        var snapshot = await _source.FetchAsync(time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(0.314m, snapshot.Curve.At(time.GetUtcNow().AddHours(1))!.Price);
        Assert.Equal(0.466m, snapshot.Curve.At(Utc(11, 25, 11))!.Price); // Wednesday 12:00 local
        Assert.Equal(Utc(11, 23, 23), snapshot.Curve.Start);
        Assert.Equal(Utc(11, 26, 23), snapshot.Curve.End);
        Assert.Equal(Utc(11, 24, 23), snapshot.NextRefresh);
    }

    [Fact]
    public async Task Across_the_spring_forward_night_the_window_and_refresh_follow_local_midnight()
    {
        // Saturday 28 Mar 2026 23:30 CET; 29 Mar has 23 hours (02:00 CET jumps to 03:00 CEST).
        var time = new FakeTimeProvider(Utc(3, 28, 22, 30));

        var before = await _source.FetchAsync(time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(24 + 23 + 24, before.Curve.Slots.Count);
        Assert.Equal(Utc(3, 27, 23), before.Curve.Start);  // 28 Mar 00:00 CET
        Assert.Equal(Utc(3, 30, 22), before.Curve.End);    // 31 Mar 00:00 CEST
        Assert.Equal(Utc(3, 28, 23), before.NextRefresh);   // 29 Mar 00:00 CET

        time.SetUtcNow(before.NextRefresh);
        var after = await _source.FetchAsync(time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(23 + 24 + 24, after.Curve.Slots.Count);
        Assert.Equal(Utc(3, 28, 23), after.Curve.Start);   // 29 Mar 00:00 CET
        Assert.Equal(Utc(3, 31, 22), after.Curve.End);     // 1 Apr 00:00 CEST
        Assert.Equal(Utc(3, 29, 22), after.NextRefresh);    // 30 Mar 00:00 CEST: 23 hours later
        Assert.Equal(TimeSpan.FromHours(23), after.NextRefresh - time.GetUtcNow());
        ElviaDefaultTariffTests.AssertContiguous(after.Curve, TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Across_the_fall_back_night_the_refresh_waits_25_hours()
    {
        // Sunday 25 Oct 2026 00:00 CEST = 24 Oct 22:00 UTC; the day has 25 hours.
        var time = new FakeTimeProvider(Utc(10, 24, 22));

        var snapshot = await _source.FetchAsync(time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(25 + 24 + 24, snapshot.Curve.Slots.Count);
        Assert.Equal(Utc(10, 24, 22), snapshot.Curve.Start);
        Assert.Equal(Utc(10, 27, 23), snapshot.Curve.End);   // 28 Oct 00:00 CET
        Assert.Equal(Utc(10, 25, 23), snapshot.NextRefresh);  // 26 Oct 00:00 CET
        Assert.Equal(TimeSpan.FromHours(25), snapshot.NextRefresh - time.GetUtcNow());
    }

    [Fact]
    public async Task A_cancelled_fetch_throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => _source.FetchAsync(Utc(11, 23, 5), cancelled.Token));
    }
}
