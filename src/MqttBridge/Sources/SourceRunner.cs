using Microsoft.Extensions.Logging;
using MqttBridge.Domain;

namespace MqttBridge.Sources;

/// <summary>
/// One configured source of one site, as the scheduler sees it: when it is due, and a refresh that returns its data
/// together with its health (<see cref="SourceReport"/>). A fault keeps the last good data and sets the next attempt
/// from the API's own retry time or the <see cref="FaultSchedule"/>; a good fetch clears the fault. Built by a
/// module's factory; one runner is refreshed by one task at a time.
/// </summary>
internal sealed partial class SourceRunner
{
    private readonly Func<DateTimeOffset, CancellationToken, Task<SourceReport>> _fetch;
    private readonly FaultSchedule _faults;
    private int _failures;

    private SourceRunner(SourceReport descriptor, Func<DateTimeOffset, CancellationToken, Task<SourceReport>> fetch, FaultSchedule? faults)
    {
        Report = descriptor;
        _fetch = fetch;
        _faults = faults ?? FaultSchedule.Default;
    }

    /// <summary>The last report: last good data and health. Starts with no data and no fault.</summary>
    public SourceReport Report { get; private set; }

    /// <summary>When the source wants to be asked again (UTC instant); before the first refresh, at once.</summary>
    public DateTimeOffset Due { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>True once the first refresh has ended, well or not: until then the site's states are not published.</summary>
    public bool HasAnswered { get; private set; }

    /// <summary>A runner for a tariff source. <paramref name="descriptor"/> gives role, type, capabilities, currency and diagnostics.</summary>
    public static SourceRunner For(SourceReport descriptor, ITariffSource source, FaultSchedule? faults = null) =>
        new(descriptor, async (now, ct) =>
        {
            var data = await source.FetchAsync(now, ct);
            data = data with { Curve = PriceCurve.Shared(data.Curve) };
            return descriptor with { TariffData = data, LastGoodFetch = now, NextAttempt = data.NextRefresh };
        }, faults);

    /// <summary>A runner for a meter source.</summary>
    public static SourceRunner For(SourceReport descriptor, IMeterSource source, FaultSchedule? faults = null) =>
        new(descriptor, async (now, ct) =>
        {
            var data = await source.FetchAsync(now, ct);
            return descriptor with { MeterData = data, LastGoodFetch = now, NextAttempt = data.NextRefresh };
        }, faults);

    /// <summary>
    /// Fetches and returns the new report. Expected faults (<see cref="SourceException"/>) and unexpected ones are caught
    /// and logged in one line naming <paramref name="siteId"/>; only the caller's cancellation escapes.
    /// </summary>
    public async Task<SourceReport> RefreshAsync(string siteId, DateTimeOffset now, TimeZoneInfo zone, ILogger logger, CancellationToken ct)
    {
        try
        {
            var fresh = await _fetch(now, ct);
            var next = fresh.NextAttempt is { } n && n > now ? n : now.AddMinutes(1);
            _failures = 0;
            Due = next;
            Report = fresh with { NextAttempt = next, LastError = null };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Expected faults keep the last good data; the sensors go unknown only when that data runs out.
            _failures++;
            Due = _faults.RetryAt(now, _failures, (ex as SourceException)?.RetryAt);
            var message = ex is SourceException ? ex.Message : $"unexpected {ex.GetType().Name}: {ex.Message}";
            Report = Report with { NextAttempt = Due, LastError = message };
            // The log line says "keeping the last good data" itself: a message ending so would say it twice.
            LogFailed(logger, siteId, Report.Role.Key(), Report.Type, (ex as SourceException)?.OneOffMessage ?? message, LocalTime.Iso8601(Due, zone));
        }

        HasAnswered = true;
        return Report;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {Site}: {Role} source {Type} failed: {Reason}; keeping the last good data, next attempt at {Next}")]
    private static partial void LogFailed(ILogger logger, string site, string role, string type, string reason, string next);
}
