using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MqttBridge.Domain;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Eloverblik;

/// <summary>
/// <c>meter.type: eloverblik</c>: the metering point's time series, as Energinet publishes them the day after.
/// <para>
/// Refresh policy (one or two calls a day): the window is the local days from the first of last month to yesterday
/// (<c>dateTo</c> = today, exclusive: today is never available). Each fetch asks only from the first day that is not yet
/// complete and verified, so estimated (A03), incomplete (A05) and missing days are asked again until they settle,
/// and settled days never are. Once yesterday is complete the next fetch is at <see cref="MorningStart"/> tomorrow;
/// while it is not, from <see cref="MorningStart"/> on, after 1, 2, then every 4 hours. Known readings are kept
/// across restarts (data_dir) and a thinner answer never erases one. The month max is the local month's highest clock
/// hour (<see cref="MonthMaxRule"/>, quarters summed into their hour).
/// </para>
/// </summary>
internal sealed partial class EloverblikMeterSource : IMeterSource
{
    /// <summary>Yesterday's values are asked for from this local time on (DataHub publishes overnight).</summary>
    public static readonly TimeOnly MorningStart = new(6, 0);

    /// <summary>While yesterday is incomplete after the morning: 1 h, 2 h, then every 4 h.</summary>
    private static readonly FaultSchedule IncompleteDay = new(TimeSpan.FromHours(1), TimeSpan.FromHours(4));

    private readonly EloverblikMeterOptions _options;
    private readonly EloverblikClient _client;
    private readonly ResponseCache _cache;
    private readonly TimeZoneInfo _zone;
    private readonly ILogger _logger;

    private ConsumptionSeries _consumption = new([]);
    private ConsumptionSeries _production = new([]);
    private DateTimeOffset? _fetchedAt;
    private DateTimeOffset _due = DateTimeOffset.MinValue;
    private readonly LateDayWait _lateDay = new(MorningStart, IncompleteDay);
    private string? _id;
    private bool _cacheLoaded;
    private readonly RestartGrace _grace = new();

    public EloverblikMeterSource(EloverblikMeterOptions options, EloverblikClient client, ResponseCache cache, TimeZoneInfo zone, ILogger logger)
    {
        _options = options;
        _client = client;
        _cache = cache;
        _zone = zone;
        _logger = logger;
    }

    private string CacheKey => $"readings|{_client.Key}|{_options.MeteringPointId ?? "first"}|production={_options.IncludeProduction}";

    public Task<MeterSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _grace.FetchAsync(
            async () =>
            {
                _client.WarnIfExpiring(now, _zone);
                LoadCacheOnce(now);
                if (_due <= now)
                {
                    await FetchSeriesAsync(now, cancellationToken);
                }

                return Snapshot(now);
            },
            () => _fetchedAt is not null,
            () => Snapshot(now) with { NextRefresh = now });

    /// <summary>The first local day of the window: the first of last month (for <c>last_month_max_hour</c>).</summary>
    internal DateOnly WindowStart(DateTimeOffset now)
    {
        var today = LocalDay.Of(now, _zone).Date;
        return new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
    }

    /// <summary>The first day of the window not yet complete and verified (consumption, and production when asked), or null.</summary>
    internal DateOnly? FirstUnsettled(DateTimeOffset now)
    {
        var today = LocalDay.Of(now, _zone).Date;
        for (var date = WindowStart(now); date < today; date = date.AddDays(1))
        {
            var day = new LocalDay(date, _zone);
            if (_consumption.SumOf(day) is not { AllVerified: true })
            {
                return date;
            }
        }

        return null;
    }

    private async Task FetchSeriesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var today = LocalDay.Of(now, _zone).Date;
        if (FirstUnsettled(now) is { } from)
        {
            var id = _id ??= await EloverblikShared.MeteringPointAsync(_client, _options.MeteringPointId, "meter", ct);
            List<string> ids = [id];
            if (_options.IncludeProduction)
            {
                var points = await _client.MeteringPointsAsync(withDetails: false, ct);
                ids.AddRange(points.Where(p => p.IsProduction && p.Id != id).Select(p => p.Id).Take(EloverblikLimits.MaxIdsPerRequest - 1));
            }

            var answer = await _client.TimeSeriesAsync(ids, from, today, today, _zone, ct);
            var keepFrom = LocalDay.StartOf(WindowStart(now), _zone);
            _consumption = _consumption.Merge(answer[id].Consumption).Since(keepFrom);
            var production = _production;
            foreach (var series in answer.Values)
            {
                production = production.Merge(series.Production);
            }

            _production = production.Since(keepFrom);
            _fetchedAt = now;
            _cache.Write(new CachedResponse(CacheKey, now, Store()));
        }

        _fetchedAt ??= now;
        Schedule(now);
        var yesterday = LocalDay.Of(now, _zone).Previous;
        var state = _consumption.SumOf(yesterday) is { } sum
            ? $"complete, {sum.Intervals} intervals, {(sum.AllVerified ? "all verified" : "not all verified yet")}"
            : "not complete yet";
        LogFetched(yesterday.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), state, LocalTime.Iso8601(_due, _zone));
    }

    /// <summary>When the series are due again after a fetch at <paramref name="fetchedAt"/>.</summary>
    private void Schedule(DateTimeOffset fetchedAt)
    {
        var today = LocalDay.Of(fetchedAt, _zone);
        _due = _lateDay.Next(fetchedAt, _zone, _consumption.SumOf(today.Previous) is not null, _lateDay.MorningOf(today.Date.AddDays(1), _zone));
    }

    private void LoadCacheOnce(DateTimeOffset now)
    {
        if (_cacheLoaded)
        {
            return;
        }

        _cacheLoaded = true;
        if (_cache.Restore(CacheKey, now, cached => JsonSerializer.Deserialize(cached.Body, EloverblikJsonContext.Default.StoredReadings) ?? throw new FormatException("empty"), _logger) is { } restored)
        {
            _consumption = new ConsumptionSeries(restored.Data.Consumption.Select(r => new MeterReading(r.Start, r.End, r.Kwh, r.Verified)));
            _production = new ConsumptionSeries(restored.Data.Production.Select(r => new MeterReading(r.Start, r.End, r.Kwh, r.Verified)));
            _fetchedAt = restored.FetchedAt;
            Schedule(restored.FetchedAt);
            _due = CachedAnswers.DueFrom(_due, now);
        }
    }

    private string Store() => JsonSerializer.Serialize(
        new StoredReadings(
            [.. _consumption.Readings.Select(r => new StoredReading(r.Start, r.End, r.Kwh, r.Verified))],
            [.. _production.Readings.Select(r => new StoredReading(r.Start, r.End, r.Kwh, r.Verified))]),
        EloverblikJsonContext.Default.StoredReadings);

    private MeterSnapshot Snapshot(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _zone);
        var last = local.AddMonths(-1);
        return new MeterSnapshot(
            _consumption,
            MonthMaxRule.Of(_consumption, local.Year, local.Month, _zone, CapacityBasis.MonthlyMaxHour),
            _fetchedAt ?? now,
            _due)
        {
            LastMonthMax = MonthMaxRule.Of(_consumption, last.Year, last.Month, _zone, CapacityBasis.MonthlyMaxHour),
            Production = _options.IncludeProduction ? _production : null,
            Diagnostics = EloverblikShared.Diagnostics(_client),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Eloverblik time series fetched: yesterday ({Date}) {State}; next fetch at {Next}")]
    private partial void LogFetched(string date, string state, string next);
}
