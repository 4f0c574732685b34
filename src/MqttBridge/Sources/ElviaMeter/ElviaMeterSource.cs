using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;

namespace MqttBridge.Sources.ElviaMeter;

/// <summary>
/// <c>meter.type: elvia</c>: hourly meter values and the month's max hours from Elvia's MeterValue API.
/// <para>
/// Refresh policy (a few dozen calls a day per metering point): <c>v2/maxhours</c> once an hour, just after the hour;
/// <c>v1/metervalues</c> for the window "start of this month (or yesterday, on the 1st) … this hour" every
/// <see cref="ValuesInterval"/>, and from <see cref="MorningStart"/> with a backoff of 30 min doubling while yesterday
/// is still incomplete. Unverified values count as there: they are published, flagged, and overwritten by the next
/// fetch of the window, never waited for (in Innlandet they stay unverified for good). Every good answer is cached
/// under data_dir and re-used after a restart until it is due again.
/// </para>
/// <para>
/// History (Home Assistant's statistics): the whole previous local month is asked for once (<see cref="LastMonthPath"/>,
/// one call a month, on the 1st once its last day is in) and kept on disk, so the
/// snapshot holds the previous and the current month: at most 62 days of readings, never more.
/// </para>
/// </summary>
internal sealed partial class ElviaMeterSource : IMeterSource
{
    /// <summary>
    /// 30 calls in any hour: ten times what the schedule spends in its busiest hour (max hours, meter values, their
    /// retries), and far below the 200 per hour Elvia's API management named for its sister API (GridTariff).
    /// A runaway loop is stopped here, whatever the scheduler does.
    /// </summary>
    public static readonly ApiPolicy DefaultPolicy = new(ElviaMeterMapper.Api, 30, TimeSpan.FromHours(1));

    /// <summary>How often the meter values window is fetched once yesterday is complete: today's running total stays fresh.</summary>
    public static readonly TimeSpan ValuesInterval = TimeSpan.FromHours(3);

    /// <summary>Yesterday's values are expected from the morning on; before that an incomplete day is no reason to hurry.</summary>
    public static readonly TimeOnly MorningStart = new(6, 0);

    public static readonly TimeSpan FirstIncompleteRetry = TimeSpan.FromMinutes(30);

    /// <summary>While yesterday is incomplete after the morning: 30 min doubling, at most <see cref="ValuesInterval"/>.</summary>
    private static readonly FaultSchedule IncompleteDay = new(FirstIncompleteRetry, ValuesInterval);

    /// <summary>Max hours are asked for this long after the hour, when the hour just ended has reached Elvia.</summary>
    public static readonly TimeSpan MaxHoursAfterHour = TimeSpan.FromMinutes(5);

    /// <summary>A refused token is asked about again after this long (a deleted token does not come back by itself).</summary>
    public static readonly TimeSpan AuthRetry = TimeSpan.FromHours(1);

    private readonly ElviaMeterOptions _options;
    private readonly ApiClient _client;
    private readonly ResponseCache _cache;
    private readonly TimeZoneInfo _zone;
    private readonly ILogger _logger;

    private MeterValuesData? _values;
    private IReadOnlyList<MonthMax> _months = [];
    private DateTimeOffset? _valuesFetchedAt;
    private DateTimeOffset? _maxHoursFetchedAt;
    private DateTimeOffset _valuesDue = DateTimeOffset.MinValue;
    private DateTimeOffset _maxHoursDue = DateTimeOffset.MinValue;
    private DateOnly? _lastMonthHeld;
    private DateTimeOffset _lastMonthRetry = DateTimeOffset.MinValue;
    private readonly LateDayWait _lateDay = new(MorningStart, IncompleteDay);
    private bool _cacheLoaded;
    private readonly RestartGrace _grace = new();

    public ElviaMeterSource(ElviaMeterOptions options, ApiClient client, ResponseCache cache, TimeZoneInfo zone, ILogger logger)
    {
        _options = options;
        _client = client;
        _cache = cache;
        _zone = zone;
        _logger = logger;
    }

    // Two households' tokens may both mean "the token's first meter": a hash of the token (never the token itself)
    // keeps their cached answers apart on disk.
    private string Scope => $"{_options.BaseUrl}|{_options.MeteringPointId ?? "first"}|{TokenId(_options.Token)}";

    private static string TokenId(string token) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..12];

    private string ValuesKey => $"v1/metervalues|{Scope}|production={_options.IncludeProduction}";

    private string MaxHoursKey => $"v2/maxhours|{Scope}";

    // One key for every month: the previous month's answer replaces the one before it on disk.
    private string LastMonthKey => $"v1/metervalues|last-month|{Scope}|production={_options.IncludeProduction}";

    public Task<MeterSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _grace.FetchAsync(
            async () =>
            {
                LoadCacheOnce(now);
                if (_valuesDue <= now)
                {
                    await FetchValuesAsync(now, cancellationToken);
                }

                if (_maxHoursDue <= now)
                {
                    await FetchMaxHoursAsync(now, cancellationToken);
                }

                if (LastMonthDue(now) is { } month)
                {
                    await FetchLastMonthAsync(month, now, cancellationToken);
                }

                return Snapshot(now);
            },
            () => _values is not null || _months.Count > 0,
            () => Snapshot(now) with { NextRefresh = now });

    /// <summary>The request for the meter values of [start of month or yesterday, this hour), offsets from Europe/Oslo.</summary>
    internal string ValuesPath(DateTimeOffset now)
    {
        var start = WindowStart(now);
        var hour = LocalTime.HourStart(now, _zone);
        return "v1/metervalues?startTime=" + Query(start) + "&endTime=" + Query(hour) + PointQuery() +
            "&includeProduction=" + (_options.IncludeProduction ? "true" : "false");
    }

    /// <summary>Where the meter values window starts: the start of this month, or of yesterday on the 1st.</summary>
    private DateTimeOffset WindowStart(DateTimeOffset now)
    {
        var today = LocalDay.Of(now, _zone);
        var monthStart = LocalDay.StartOf(new DateOnly(today.Date.Year, today.Date.Month, 1), _zone);
        return monthStart < today.Previous.Start ? monthStart : today.Previous.Start;
    }

    /// <summary>The request for the whole local month <paramref name="month"/> (its first day): [its start, the next month's start).</summary>
    internal string LastMonthPath(DateOnly month) =>
        "v1/metervalues?startTime=" + Query(LocalDay.StartOf(month, _zone)) + "&endTime=" + Query(LocalDay.StartOf(month.AddMonths(1), _zone)) +
        PointQuery() + "&includeProduction=" + (_options.IncludeProduction ? "true" : "false");

    /// <summary>The first day of the local month before the one holding <paramref name="instant"/>.</summary>
    private DateOnly PreviousMonth(DateTimeOffset instant)
    {
        var today = LocalDay.Of(instant, _zone).Date;
        return new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
    }

    /// <summary>
    /// The previous month when its answer is wanted now: not held yet, and complete by now (on the 1st only once the
    /// window, which starts yesterday, holds all of its last day). Null otherwise.
    /// </summary>
    private DateOnly? LastMonthDue(DateTimeOffset now)
    {
        var month = PreviousMonth(now);
        var today = LocalDay.Of(now, _zone);
        var lastDayIn = today.Date.Day > 1 || _values?.Consumption.SumOf(today.Previous) is not null;
        return _lastMonthHeld == month || !lastDayIn || now < _lastMonthRetry ? null : month;
    }

    internal string MaxHoursPath(DateTimeOffset now) =>
        "v2/maxhours?calculateTime=" + Query(now) + PointQuery() + "&includeProduction=false";

    private async Task FetchValuesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var body = await GetAsync(ValuesPath(now), now, ct);
        var data = ParseValues(body);
        var missing = MissingKnownHours(data, now);
        if (missing is null)
        {
            // Only an answer that holds everything known may stand in for the API after a restart.
            _cache.Write(new CachedResponse(ValuesKey, now, body));
        }

        ApplyValues(data, now);
        if (missing is not null)
        {
            _valuesDue = now;
            throw new SourceException($"{ElviaMeterMapper.Api} answered v1/metervalues without {missing}; keeping the values already known");
        }

        var yesterday = LocalDay.Of(now, _zone).Previous;
        var state = data.Consumption.SumOf(yesterday) is { } sum
            ? $"complete, {sum.Intervals} intervals, {(sum.AllVerified ? "all verified" : "not all verified yet")}"
            : "not complete yet";
        LogValues(yesterday.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), state, Stamp(_valuesDue));
    }

    /// <summary>
    /// Fetches the whole previous month once and keeps it on disk. A fault here is logged and asked again with the next
    /// meter values: history never holds up the current data.
    /// </summary>
    private async Task FetchLastMonthAsync(DateOnly month, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var body = await GetAsync(LastMonthPath(month), now, ct);
            var data = ParseValues(body);
            _cache.Write(new CachedResponse(LastMonthKey, now, body));
            ApplyLastMonth(data, month);
            LogLastMonth(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), data.Consumption.Readings.Count);
        }
        catch (SourceException ex)
        {
            // Asked again with the next meter values (at most every 3 h), never in a loop.
            _lastMonthRetry = _valuesDue > now ? _valuesDue : now + ValuesInterval;
            LogLastMonthFailed(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), ex.Message);
        }
    }

    /// <summary>Lays a previous month's answer under the window's values (the window's fresher hours win where both hold one).</summary>
    private void ApplyLastMonth(MeterValuesData data, DateOnly month)
    {
        var keepFrom = LocalDay.StartOf(month, _zone);
        _values = _values is null
            ? data with { Consumption = data.Consumption.Since(keepFrom), Production = data.Production.Since(keepFrom) }
            : _values with
            {
                Consumption = data.Consumption.Merge(_values.Consumption).Since(keepFrom),
                Production = data.Production.Merge(_values.Production).Since(keepFrom),
            };
        _lastMonthHeld = month;
    }

    private async Task FetchMaxHoursAsync(DateTimeOffset now, CancellationToken ct)
    {
        var body = await GetAsync(MaxHoursPath(now), now, ct);
        var months = ParseMaxHours(body, now);
        _cache.Write(new CachedResponse(MaxHoursKey, now, body));
        ApplyMaxHours(months, now);
    }

    private async Task<string> GetAsync(string path, DateTimeOffset now, CancellationToken ct)
    {
        var response = await _client.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
                return request;
            },
            ct);

        var endpoint = path[..path.IndexOf('?', StringComparison.Ordinal)];
        if (response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var which = _options.MeteringPointId is { } id ? $"metering point {MeteringPoint.Masked(id)}" : "any of your metering points";
            throw new SourceException(
                $"{ElviaMeterMapper.Api} refused the token for {endpoint} (HTTP {(int)response.Status}): it was deleted on Elvia's Min side or does not cover {which}; create a new token (Min side, TILGANGER, Opprett token) and set it as meter.token",
                now + AuthRetry);
        }

        if (!response.IsSuccess)
        {
            throw new SourceException($"{ElviaMeterMapper.Api} answered {(int)response.Status} for {endpoint}: {response.Excerpt()}");
        }

        return response.Text();
    }

    private MeterValuesData ParseValues(string body) =>
        ElviaMeterMapper.MapMeterValues(Deserialize(body, ElviaMeterJsonContext.Default.MeterValuesResponse, "v1/metervalues"), _options.MeteringPointId, _zone);

    private IReadOnlyList<MonthMax> ParseMaxHours(string body, DateTimeOffset fetchedAt) =>
        ElviaMeterMapper.MapMaxHours(Deserialize(body, ElviaMeterJsonContext.Default.MaxHoursResponse, "v2/maxhours"), _options.MeteringPointId, fetchedAt, _zone);

    private static T Deserialize<T>(string body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string endpoint) =>
        ApiJson.Parse(body, type, ElviaMeterMapper.Api, endpoint);

    /// <summary>
    /// The hours already known inside the asked window that a (successful) answer leaves out, as "3 hours already known
    /// (2026-11-22 00:00 … 02:00 +01:00)"; null when it holds all of them. Such an answer is a fault, never the new truth.
    /// </summary>
    private string? MissingKnownHours(MeterValuesData data, DateTimeOffset now)
    {
        if (_values is null)
        {
            return null;
        }

        var (from, to) = (WindowStart(now), LocalTime.HourStart(now, _zone));
        List<DateTimeOffset> missing = [.. _values.Consumption.MissingFrom(data.Consumption, from, to), .. _values.Production.MissingFrom(data.Production, from, to)];
        return missing.Count == 0
            ? null
            : $"{missing.Count} hour{(missing.Count == 1 ? string.Empty : "s")} already known ({Stamp(missing.Min())} … {Stamp(missing.Max())})";
    }

    /// <summary>Lays a good answer over the values known (a thinner one never erases an hour) and decides when they are due again.</summary>
    private void ApplyValues(MeterValuesData data, DateTimeOffset fetchedAt)
    {
        // The previous month stays (Home Assistant's statistics); older readings go, so memory stays bounded.
        var keepFrom = LocalDay.StartOf(PreviousMonth(fetchedAt), _zone);
        _values = _values is null
            ? data
            : data with
            {
                Consumption = _values.Consumption.Merge(data.Consumption).Since(keepFrom),
                Production = _values.Production.Merge(data.Production).Since(keepFrom),
            };
        _valuesFetchedAt = fetchedAt;
        // After the morning while yesterday is missing: 30 min, 1 h, 2 h, then every 3 h (the day comes when it comes).
        var yesterday = LocalDay.Of(fetchedAt, _zone).Previous;
        _valuesDue = _lateDay.Next(fetchedAt, _zone, data.Consumption.SumOf(yesterday) is not null, fetchedAt + ValuesInterval, notAfter: fetchedAt + ValuesInterval);
    }

    private void ApplyMaxHours(IReadOnlyList<MonthMax> months, DateTimeOffset fetchedAt)
    {
        // A month the answer leaves out keeps what was known of it; a month it holds is replaced (the max only grows).
        _months = [.. months, .. _months.Where(known => !months.Any(m => m.Year == known.Year && m.Month == known.Month))];
        _maxHoursFetchedAt = fetchedAt;
        _maxHoursDue = LocalTime.HourStart(fetchedAt, _zone).AddHours(1) + MaxHoursAfterHour;
    }

    /// <summary>After a restart: the cached answers count as fetched when they were, so nothing is asked again before it is due.</summary>
    private void LoadCacheOnce(DateTimeOffset now)
    {
        if (_cacheLoaded)
        {
            return;
        }

        _cacheLoaded = true;

        // The previous month's answer serves while it is that month's: the previous month of when it was fetched.
        if (_cache.Restore(LastMonthKey, now, cached => ParseValues(cached.Body), _logger) is { } lastMonth && PreviousMonth(lastMonth.FetchedAt) == PreviousMonth(now))
        {
            ApplyLastMonth(lastMonth.Data, PreviousMonth(now));
        }

        if (_cache.Restore(ValuesKey, now, cached => ParseValues(cached.Body), _logger) is { } values)
        {
            ApplyValues(values.Data, values.FetchedAt);
        }

        if (_cache.Restore(MaxHoursKey, now, cached => ParseMaxHours(cached.Body, cached.FetchedAt), _logger) is { } maxHours)
        {
            ApplyMaxHours(maxHours.Data, maxHours.FetchedAt);
        }
    }

    private MeterSnapshot Snapshot(DateTimeOffset now)
    {
        var fetchedAt = Max(_valuesFetchedAt, _maxHoursFetchedAt) ?? now;
        return new MeterSnapshot(
            _values?.Consumption ?? new ConsumptionSeries([]),
            ElviaMeterMapper.MonthOf(_months, now, _zone),
            fetchedAt,
            Min(_valuesDue, _maxHoursDue))
        {
            LastMonthMax = ElviaMeterMapper.MonthOf(_months, now, _zone, back: 1),
            Production = _options.IncludeProduction ? _values?.Production ?? new ConsumptionSeries([]) : null,
        };
    }

    private string PointQuery() =>
        _options.MeteringPointId is { } id ? "&meteringPointIds=" + Uri.EscapeDataString(id) : string.Empty;

    /// <summary>RFC 3339 with the zone's offset for that instant (+01:00 in winter, +02:00 in summer), URL-encoded ('+' as %2B).</summary>
    private string Query(DateTimeOffset instant) =>
        Uri.EscapeDataString(LocalTime.Iso8601(instant, _zone));

    private string Stamp(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, _zone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Elvia meter values fetched: yesterday ({Date}) {State}; next fetch at {Next}")]
    private partial void LogValues(string date, string state, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Elvia meter values of last month ({Month}) fetched once for the history: {Readings} readings")]
    private partial void LogLastMonth(string month, int readings);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Elvia meter values of last month ({Month}) not fetched ({Reason}); asked again with the next meter values")]
    private partial void LogLastMonthFailed(string month, string reason);

}
