using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MqttBridge.Domain;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Digin;

/// <summary>
/// One DIGIN GridTariffAPI (one base URL and API key), shared by every site that uses it. All registered metering
/// points go in one <c>meteringpointsgridtariffs</c> POST (up to 10 000 per call); sites on the same tariff share one
/// curve. Each answer covers today and tomorrow (company time, Europe/Oslo), is kept on disk, and is re-used across
/// restarts until it is due: at the next local midnight, or 12 hours on when tomorrow was missing — at most two calls
/// per tariff a day. The rate limit (Elvia: 200 calls an hour per key) is enforced by the <see cref="ApiClient"/>.
/// </summary>
internal sealed partial class DiginService : IDisposable
{
    /// <summary>The most ids the API takes in one request (Elvia rejects more).</summary>
    public const int MaxIdsPerCall = 10_000;

    private static readonly TimeSpan AuthRetry = TimeSpan.FromHours(1);
    /// <summary>A fault that outlasts the client's own retries waits 15, 30, 60 … minutes, at most 2 hours, for every site of the key.</summary>
    private static readonly FaultSchedule Faults = new(TimeSpan.FromMinutes(15), TimeSpan.FromHours(2));
    private static readonly TimeSpan MissingTomorrowRetry = TimeSpan.FromHours(12);

    private readonly ApiClient _client;
    private readonly string _apiKey;
    private readonly ResponseCache? _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeZoneInfo _zone;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedSet<string> _meteringPoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _chunkOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset?> _lastUpdated = new(StringComparer.Ordinal);
    private readonly HashSet<string> _irregularLadders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PastEntry> _past = new(StringComparer.Ordinal);
    private bool _warnedLatin1;

    public DiginService(Uri apiRoot, string apiKey, string company, ApiClient client, ResponseCache? cache, TimeProvider time, ILogger logger, TimeZoneInfo? companyZone = null)
    {
        ApiRoot = apiRoot;
        Company = company;
        _apiKey = apiKey;
        _client = client;
        _cache = cache;
        _time = time;
        _logger = logger;
        _zone = companyZone ?? TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    }

    public Uri ApiRoot { get; }

    public string Company { get; }

    public static ApiPolicy PolicyFor(string company) => new($"DIGIN GridTariffAPI ({company})", 200, TimeSpan.FromHours(1));

    /// <summary>Adds a metering point to the shared request; call for every site before the first fetch.</summary>
    public void Register(string meteringPointId)
    {
        lock (_meteringPoints)
        {
            _meteringPoints.Add(meteringPointId);
        }
    }

    /// <summary>The tariff and fixed price step of one metering point, from the shared answer.</summary>
    public async Task<(DiginSiteTariff Tariff, DateTimeOffset Due)> ForMeteringPointAsync(string meteringPointId, DateTimeOffset now, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var key = ChunkKey(meteringPointId);
            var entry = await CurrentAsync(key, now, ct);
            var absent = _entries.TryGetValue(key, out var current) && current.Absent.Contains(meteringPointId);
            var why = current?.AnsweredEmpty == true
                ? "answered with no tariff at all (204 or empty gridTariffCollections)"
                : "left it out of its answer (unknown id, or not served by this company)";
            if (entry.Data.TryGetValue(meteringPointId, out var site))
            {
                // Left out this time but known before: its prices stand, and the answer is a fault for this site.
                return absent
                    ? throw new SourceException($"{_client.Policy.Name} has no tariff for metering point {MeteringPoint.Masked(meteringPointId)} in its latest answer: it {why}; keeping the prices already known", entry.Due)
                    : (site, entry.Due);
            }

            throw new SourceException($"{_client.Policy.Name} has no tariff for metering point {MeteringPoint.Masked(meteringPointId)}: it {why}; check tariff.metering_point_id and base_url", entry.Due);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A tariff by its key (<c>tariffquery</c>); no metering point, so the step is known only for one-step tariffs.</summary>
    public async Task<(DiginSiteTariff Tariff, DateTimeOffset Due)> ForTariffKeyAsync(string tariffKey, DateTimeOffset now, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var entry = await CurrentAsync("tariffquery " + tariffKey, now, ct);
            var absent = _entries.TryGetValue("tariffquery " + tariffKey, out var current) && current.Absent.Contains(tariffKey);
            return entry.Data.TryGetValue(tariffKey, out var site)
                ? absent
                    ? throw new SourceException($"{_client.Policy.Name} has no prices for tariff key '{tariffKey}' in its latest answer (204 or empty answer); keeping the prices already known", entry.Due)
                    : (site, entry.Due)
                : throw new SourceException($"{_client.Policy.Name} has no prices for tariff key '{tariffKey}' (204 or empty answer); list the keys with 'mqttbridge tariffs'", entry.Due);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How far back past prices are asked for: Home Assistant's statistics keep cost for 62 days.</summary>
    public static readonly TimeSpan PastReach = TimeSpan.FromDays(62);

    /// <summary>Past prices are asked for at most once a day per request (DIGIN recommends one call a day).</summary>
    public static readonly TimeSpan PastInterval = TimeSpan.FromDays(1);

    /// <summary>
    /// The prices of <paramref name="id"/> (a metering point, or a tariff key when <paramref name="byTariffKey"/>) over
    /// the past part of [<paramref name="from"/>, <paramref name="to"/>) — whole local days before today, at most
    /// <see cref="PastReach"/> back — for Home Assistant's cost statistics. Served from what past answers held (kept on
    /// disk); a range they do not cover is asked for in one request from its first day to today, at most once every
    /// <see cref="PastInterval"/> (also after a fault), so the current prices' calls are never multiplied. Gaps stay
    /// gaps. Throws <see cref="SourceException"/> when that request fails.
    /// </summary>
    public async Task<PriceCurve> PastPricesAsync(string id, bool byTariffKey, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var today = LocalDay.Of(now, _zone);
            var first = LocalDay.Of(Max(from, now - PastReach), _zone).Start;
            var end = Min(to, today.Start);
            var key = "past " + (byTariffKey ? "tariffquery " + id : ChunkKey(id));
            if (!_past.TryGetValue(key, out var known) && _cache?.Restore($"{ApiRoot} {key}", now, cached => Map(key["past ".Length..], cached.Body), _logger) is { } restored)
            {
                known = new PastEntry(Curves(restored.Data), restored.FetchedAt);
                _past[key] = known;
            }

            if (end <= first)
            {
                return Slice(known, id, first, end);
            }

            var covered = known?.Curves.GetValueOrDefault(id) is { } curve && curve.MeanOver(first, end) is not null;
            if (covered || (known is not null && now < known.AskedAt + PastInterval))
            {
                return Slice(known, id, first, end);
            }

            _past[key] = (known ?? new PastEntry([], now)) with { AskedAt = now };
            var text = await PastAnswerAsync(key["past ".Length..], first, today.Start, now, ct);
            var answer = Curves(Map(key["past ".Length..], text));
            _cache?.Write(new CachedResponse($"{ApiRoot} {key}", now, text));
            var merged = new Dictionary<string, PriceCurve>(known?.Curves ?? [], StringComparer.Ordinal);
            foreach (var (site, prices) in answer)
            {
                merged[site] = merged.TryGetValue(site, out var old) ? old.Merge(prices).TrimBefore(now - PastReach) : prices;
            }

            _past[key] = new PastEntry(merged, now);
            LogPast(_client.Policy.Name, LocalTime.Iso8601(first, _zone), LocalTime.Iso8601(today.Start, _zone));
            return Slice(_past[key], id, first, end);
        }
        catch (FormatException ex)
        {
            throw new SourceException($"{_client.Policy.Name}: {ex.Message}", null, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static Dictionary<string, PriceCurve> Curves(Dictionary<string, DiginSiteTariff> data) =>
        data.ToDictionary(d => d.Key, d => d.Value.Tariff.Curve, StringComparer.Ordinal);

    private static PriceCurve Slice(PastEntry? entry, string id, DateTimeOffset from, DateTimeOffset to) =>
        entry?.Curves.GetValueOrDefault(id) is { } curve
            ? new PriceCurve(curve.Currency, curve.Between(from, to))
            : PriceCurve.Empty("NOK");

    /// <summary>The body of one request for [<paramref name="from"/>, <paramref name="to"/>): POST for metering points, GET for a tariff key.</summary>
    private async Task<string> PastAnswerAsync(string key, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
    {
        var (start, end) = (Stamp(from), Stamp(to));
        var byKey = key.StartsWith("tariffquery ", StringComparison.Ordinal);
        ApiResponse response;
        if (byKey)
        {
            var path = $"tariffquery?TariffKey={Uri.EscapeDataString(key["tariffquery ".Length..])}&StartTime={Uri.EscapeDataString(start)}&EndTime={Uri.EscapeDataString(end)}";
            response = await _client.SendAsync(() => Request(HttpMethod.Get, path), ct);
        }
        else
        {
            var body = JsonSerializer.Serialize(new DiginMeteringPointsRequest(start, end, key.Split(' ', 2)[1].Split(',')), DiginJsonContext.Relaxed.DiginMeteringPointsRequest);
            response = await _client.SendAsync(
                () =>
                {
                    var request = Request(HttpMethod.Post, "tariffquery/meteringpointsgridtariffs");
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    return request;
                },
                ct);
        }

        Check(response, now, byKey ? "tariffquery" : "meteringpointsgridtariffs");
        return response.Status == HttpStatusCode.NoContent || response.Body.Length == 0 ? "{}" : Text(response);
    }

    /// <summary>Every tariff the company offers (<c>tarifftype</c>), for the <c>tariffs</c> command.</summary>
    public async Task<IReadOnlyList<DiginTariffType>> TariffTypesAsync(CancellationToken ct)
    {
        var response = await _client.SendAsync(() => Request(HttpMethod.Get, "tarifftype"), ct);
        Check(response, _time.GetUtcNow(), "tarifftype");
        if (response.Status == HttpStatusCode.NoContent || response.Body.Length == 0)
        {
            return [];
        }

        return Parse(response, DiginJsonContext.Default.DiginTariffTypeContainer).TariffTypes ?? [];
    }

    public void Dispose()
    {
        _client.Dispose();
        _gate.Dispose();
    }

    /// <summary>
    /// When an answer fetched at <paramref name="fetchedAt"/> whose prices end at <paramref name="end"/> is due again:
    /// the next local midnight (a new "tomorrow" to fetch), or 12 hours on if it lacked tomorrow's prices.
    /// </summary>
    internal DateTimeOffset DueAfter(DateTimeOffset fetchedAt, DateTimeOffset? end)
    {
        var today = LocalDay.Of(fetchedAt, _zone);
        var midnight = today.End;
        var tomorrowCovered = end is { } e && e >= today.Next.End;
        return tomorrowCovered ? midnight : Min(midnight, fetchedAt + MissingTomorrowRetry);
    }

    private async Task<(Dictionary<string, DiginSiteTariff> Data, DateTimeOffset Due)> CurrentAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        _entries.TryGetValue(key, out var entry);
        if (entry is { Data: { } known } && now < entry.Due)
        {
            return (known, entry.Due);
        }

        // A failed call (wrong key, API down) is not repeated for every site sharing it: all wait for the same retry time.
        if (entry?.Failure is { } failure && now < entry.FailedUntil)
        {
            throw new SourceException(failure, entry.FailedUntil);
        }

        if (entry is null && FromDisk(key, now) is { } cached)
        {
            _entries[key] = cached;
            return (cached.Data!, cached.Due);
        }

        try
        {
            var fresh = await FetchAsync(key, now, entry, ct);
            if (fresh.Shortfall is { } missing)
            {
                // Answered, but with less than expected: what it did hold is laid over what was known, and it is a fault.
                var next = entry?.Data is { Count: > 0 } ? "keeping the prices already known" : "check tariff.metering_point_id (or tariff_key) and base_url";
                entry = fresh with { Failures = entry?.Failures ?? 0 };
                throw new SourceException($"{_client.Policy.Name} answered without {missing}; {next}");
            }

            _entries[key] = fresh;
            return (fresh.Data!, fresh.Due);
        }
        catch (SourceException ex)
        {
            // The client has retried already; a fault that outlasts that follows the shared fault schedule.
            var failures = (entry?.Failures ?? 0) + 1;
            var retry = Faults.RetryAt(now, failures, ex.RetryAt);
            _entries[key] = (entry ?? new Entry()) with { Failure = ex.Message, FailedUntil = retry, Failures = failures, Due = entry?.Data is null ? retry : entry.Due };
            if (entry?.Data is not null)
            {
                // Keep the answer we have; it is still asked for again at the retry time.
                _entries[key] = _entries[key] with { Due = retry };
            }

            throw new SourceException(ex.Message, retry, ex);
        }
    }

    /// <summary>
    /// After a restart: the answer on disk serves at once, and counts as fetched when it was, so nothing is asked again
    /// before it is due; an answer already due still serves while the API is asked again.
    /// </summary>
    private Entry? FromDisk(string key, DateTimeOffset now)
    {
        if (_cache?.Restore($"{ApiRoot} {key}", now, cached => Map(key, cached.Body), _logger) is not { } restored)
        {
            return null;
        }

        var due = CachedAnswers.DueFrom(DueAfter(restored.FetchedAt, End(restored.Data)), now);
        LogCacheHit(_client.Policy.Name, restored.FetchedAt.ToString("O", CultureInfo.InvariantCulture), due.ToString("O", CultureInfo.InvariantCulture));
        Remember(restored.Data);
        return new Entry { Data = restored.Data, Due = due, FetchedAt = restored.FetchedAt };
    }

    private async Task<Entry> FetchAsync(string key, DateTimeOffset now, Entry? previous, CancellationToken ct)
    {
        var today = LocalDay.Of(now, _zone);
        var (start, end) = (Stamp(today.Start), Stamp(today.Next.Next.Start));
        ApiResponse response;
        if (key.StartsWith("tariffquery ", StringComparison.Ordinal))
        {
            var tariffKey = key["tariffquery ".Length..];
            var path = $"tariffquery?TariffKey={Uri.EscapeDataString(tariffKey)}&StartTime={Uri.EscapeDataString(start)}&EndTime={Uri.EscapeDataString(end)}";
            response = await _client.SendAsync(() => Request(HttpMethod.Get, path), ct);
        }
        else
        {
            var ids = key.Split(' ', 2)[1].Split(',');
            var body = JsonSerializer.Serialize(new DiginMeteringPointsRequest(start, end, ids), DiginJsonContext.Relaxed.DiginMeteringPointsRequest);
            response = await _client.SendAsync(
                () =>
                {
                    var request = Request(HttpMethod.Post, "tariffquery/meteringpointsgridtariffs");
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    return request;
                },
                ct);
        }

        var fetchedAt = _time.GetUtcNow();
        if (response.Status == HttpStatusCode.NotModified && previous?.Data is { } same)
        {
            return new Entry { Data = same, FetchedAt = fetchedAt, Due = DueAfter(fetchedAt, End(same)) };
        }

        if (response.Status != HttpStatusCode.NotModified)
        {
            Check(response, fetchedAt, key.StartsWith("tariffquery ", StringComparison.Ordinal) ? "tariffquery" : "meteringpointsgridtariffs");
        }

        Dictionary<string, DiginSiteTariff> data;
        if (response.Status is HttpStatusCode.NoContent or HttpStatusCode.NotModified || response.Body.Length == 0)
        {
            data = [];
        }
        else
        {
            var text = Text(response);
            try
            {
                data = Map(key, text);
            }
            catch (FormatException ex)
            {
                throw new SourceException($"{_client.Policy.Name}: {ex.Message}", null, ex);
            }

            var thin = Shortfall(data, today);
            if (thin is null)
            {
                // Only a complete answer may stand in for the API after a restart.
                _cache?.Write(new CachedResponse($"{ApiRoot} {key}", fetchedAt, text));
            }

            Remember(data);
            return Known(key, previous, data, fetchedAt, today, thin);
        }

        Remember(data);
        return Known(key, previous, data, fetchedAt, today, Shortfall(data, today));
    }

    /// <summary>
    /// The entry after an answer: laid over what was known, due as <see cref="DueAfter"/> says, or on the fault schedule
    /// (15, 30, 60 … minutes, at most 2 hours) while it leaves out asked metering points, which fail alone.
    /// </summary>
    private Entry Known(string key, Entry? previous, Dictionary<string, DiginSiteTariff> answer, DateTimeOffset fetchedAt, LocalDay today, string? shortfall)
    {
        var absent = Absent(key, answer);
        var data = Merged(previous?.Data, answer, today.Start);
        var due = DueAfter(fetchedAt, End(data));
        var rounds = absent.Count == 0 ? 0 : (previous?.AbsentRounds ?? 0) + 1;
        if (rounds > 0)
        {
            due = Min(due, fetchedAt + Faults.After(rounds));
        }

        return new Entry { Data = data, FetchedAt = fetchedAt, Due = due, Shortfall = shortfall, Absent = absent, AbsentRounds = rounds, AnsweredEmpty = answer.Count == 0 };
    }

    /// <summary>The metering points (or the tariff key) asked for that the answer left out.</summary>
    private static HashSet<string> Absent(string key, Dictionary<string, DiginSiteTariff> answer)
    {
        var asked = key.StartsWith("tariffquery ", StringComparison.Ordinal) ? [key["tariffquery ".Length..]] : key.Split(' ', 2)[1].Split(',');
        return asked.Where(id => !answer.ContainsKey(id)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// What the answer's tariffs lack, for a log line and the problem sensor; null when complete. Each must cover today
    /// whole, and tomorrow either whole or not at all (a company that has not published tomorrow yet is asked again
    /// later, see <see cref="DueAfter"/>). Metering points it leaves out are <see cref="Absent"/>.
    /// </summary>
    private static string? Shortfall(Dictionary<string, DiginSiteTariff> data, LocalDay today)
    {
        var missing = new List<string>();
        foreach (var tariff in data.Values.Select(s => s.Tariff).DistinctBy(t => t.TariffKey))
        {
            foreach (var (day, mustHave) in (ReadOnlySpan<(LocalDay, bool)>)[(today, true), (today.Next, false)])
            {
                var covered = tariff.Curve.Between(day.Start, day.End).Aggregate(TimeSpan.Zero, (sum, slot) => sum + (Min(slot.End, day.End) - Max(slot.Start, day.Start)));
                if (covered < day.Length && (mustHave || covered > TimeSpan.Zero))
                {
                    var slots = (int)(day.Length / TimeSpan.FromMinutes(tariff.Resolution));
                    var got = (int)(covered / TimeSpan.FromMinutes(tariff.Resolution));
                    missing.Add($"the prices of tariff {tariff.TariffKey} for {day.Date:yyyy-MM-dd} ({got} of {slots} slots)");
                }
            }
        }

        return missing.Count == 0 ? null : string.Join("; ", missing);
    }

    /// <summary>
    /// The newer answer laid over what was known (<see cref="PriceCurve.Merge"/>), slots before <paramref name="from"/>
    /// dropped: a metering point the answer left out keeps its tariff, a slot it left out keeps its price. Sites on one
    /// tariff keep sharing one curve.
    /// </summary>
    private static Dictionary<string, DiginSiteTariff> Merged(Dictionary<string, DiginSiteTariff>? known, Dictionary<string, DiginSiteTariff> fresh, DateTimeOffset from)
    {
        if (known is null || known.Count == 0)
        {
            return fresh;
        }

        var merged = new Dictionary<string, DiginSiteTariff>(known.Count, StringComparer.Ordinal);
        var tariffs = new Dictionary<(DiginTariff Old, DiginTariff New), DiginTariff>();
        foreach (var (id, old) in known)
        {
            if (!fresh.TryGetValue(id, out var site))
            {
                merged[id] = old;
                continue;
            }

            if (!tariffs.TryGetValue((old.Tariff, site.Tariff), out var tariff))
            {
                tariff = site.Tariff with { Curve = old.Tariff.Curve.Merge(site.Tariff.Curve).TrimBefore(from) };
                tariffs[(old.Tariff, site.Tariff)] = tariff;
            }

            var perHour = site.Fixed is { } f && old.Fixed is { } o ? f with { PerHour = o.PerHour.Merge(f.PerHour).TrimBefore(from) } : site.Fixed ?? old.Fixed;
            merged[id] = new DiginSiteTariff(tariff, perHour);
        }

        foreach (var (id, site) in fresh)
        {
            merged.TryAdd(id, site);
        }

        return merged;
    }

    private static Dictionary<string, DiginSiteTariff> Map(string key, string text)
    {
        if (key.StartsWith("tariffquery ", StringComparison.Ordinal))
        {
            var result = DiginMapper.Parse(text, DiginJsonContext.Default.DiginTariffQueryResult);
            if (result.GridTariff is not { } wire)
            {
                return [];
            }

            var tariff = DiginMapper.MapTariff(wire);
            return new Dictionary<string, DiginSiteTariff>(StringComparer.Ordinal)
            {
                [key["tariffquery ".Length..]] = new(tariff, DiginMapper.MapFixed(tariff, null)),
            };
        }

        return DiginMapper.ByMeteringPoint(DiginMapper.Parse(text, DiginJsonContext.Default.DiginMeteringPointsResult));
    }

    /// <summary>Logs whether a tariff's prices changed since the last answer (its <c>lastUpdated</c>).</summary>
    private void Remember(Dictionary<string, DiginSiteTariff> data)
    {
        foreach (var tariff in data.Values.Select(s => s.Tariff).DistinctBy(t => t.TariffKey))
        {
            if (_lastUpdated.TryGetValue(tariff.TariffKey, out var before) && before != tariff.LastUpdated)
            {
                LogChanged(_client.Policy.Name, tariff.TariffKey, tariff.LastUpdated?.ToString("O", CultureInfo.InvariantCulture) ?? "unknown");
            }

            _lastUpdated[tariff.TariffKey] = tariff.LastUpdated;
        }

        foreach (var site in data.Values)
        {
            WarnIrregularLadder(site);
        }
    }

    /// <summary>A ladder written "0–2, 2.01–4" has gaps: said once per tariff, with the rule that reads it.</summary>
    private void WarnIrregularLadder(DiginSiteTariff site)
    {
        if (site.Fixed?.AsLadder() is not { } ladder || ladder.Irregularities() is not { Count: > 0 } irregular)
        {
            return;
        }

        var key = site.Tariff.TariffKey + " " + ladder.Describe();
        if (_irregularLadders.Add(key))
        {
            LogIrregularLadder(_client.Policy.Name, site.Tariff.Company ?? Company, site.Tariff.TariffKey, ladder.Describe(), string.Join(", ", irregular));
        }
    }

    private T Parse<T>(ApiResponse response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        where T : class
    {
        try
        {
            return DiginMapper.Parse(Text(response), info);
        }
        catch (FormatException ex)
        {
            throw new SourceException($"{_client.Policy.Name}: {ex.Message}", null, ex);
        }
    }

    private string Text(ApiResponse response)
    {
        var text = DiginMapper.Decode(response.Body, out var latin1);
        if (latin1 && !_warnedLatin1)
        {
            _warnedLatin1 = true;
            LogLatin1(_client.Policy.Name);
        }

        return text;
    }

    /// <summary>Turns a refused answer into one clear message; success passes.</summary>
    private void Check(ApiResponse response, DateTimeOffset now, string endpoint)
    {
        if (response.IsSuccess)
        {
            return;
        }

        var status = (int)response.Status;
        throw response.Status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SourceException(
                $"{_client.Policy.Name} refused the API key (HTTP {status}): the key is wrong, or not subscribed to the GridTariffAPI product " +
                "(Elvia: developer portal → Products → GridTariffAPI); check tariff.api_key",
                now + AuthRetry),
            HttpStatusCode.NotFound => new SourceException($"{_client.Policy.Name} answered 404 for {endpoint}: unknown tariff key or wrong base_url ({ApiRoot.GetLeftPart(UriPartial.Path)})", now + AuthRetry),
            _ => new SourceException($"{_client.Policy.Name} rejected the {endpoint} request (HTTP {status}): {response.Excerpt()}", now + AuthRetry),
        };
    }

    private HttpRequestMessage Request(HttpMethod method, string relative)
    {
        var request = new HttpRequestMessage(method, new Uri(ApiRoot, relative));
        request.Headers.Add("X-API-Key", _apiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private string ChunkKey(string meteringPointId)
    {
        if (_chunkOf.TryGetValue(meteringPointId, out var key))
        {
            return key;
        }

        // The first fetch fixes the batches: every registered id, 10 000 per request, in a stable order (a stable cache key).
        string[] pending;
        lock (_meteringPoints)
        {
            pending = [.. _meteringPoints.Where(id => !_chunkOf.ContainsKey(id))];
        }

        if (!pending.Contains(meteringPointId))
        {
            pending = [.. pending, meteringPointId];
        }

        foreach (var chunk in pending.Chunk(MaxIdsPerCall))
        {
            var chunkKey = "meteringpointsgridtariffs " + string.Join(',', chunk);
            foreach (var id in chunk)
            {
                _chunkOf[id] = chunkKey;
            }
        }

        return _chunkOf[meteringPointId];
    }

    private static DateTimeOffset? End(Dictionary<string, DiginSiteTariff> data) =>
        data.Count == 0 ? null : data.Values.Min(s => s.Tariff.Curve.End ?? DateTimeOffset.MinValue);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private string Stamp(DateTimeOffset instant) =>
        LocalTime.Iso8601(instant, _zone);

    /// <summary>Past prices per metering point (or tariff key) from past-days answers, and when they were last asked for.</summary>
    private sealed record PastEntry(Dictionary<string, PriceCurve> Curves, DateTimeOffset AskedAt);

    private sealed record Entry
    {
        public Dictionary<string, DiginSiteTariff>? Data { get; init; }

        public DateTimeOffset FetchedAt { get; init; }

        public DateTimeOffset Due { get; init; }

        public string? Failure { get; init; }

        public DateTimeOffset FailedUntil { get; init; }

        public int Failures { get; init; }

        /// <summary>What the answer lacked (it was merged over the known data all the same); null when complete.</summary>
        public string? Shortfall { get; init; }

        /// <summary>Asked metering points (or the tariff key) the latest answer left out: a fault of their sites alone.</summary>
        public HashSet<string> Absent { get; init; } = [];

        /// <summary>Answers in a row that left some out: the retry backs off as for any fault.</summary>
        public int AbsentRounds { get; init; }

        /// <summary>The latest answer held no tariff at all (204, or an empty list).</summary>
        public bool AnsweredEmpty { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Api}: serving the answer fetched at {FetchedAt} from data_dir; the API is asked again at {Due}")]
    private partial void LogCacheHit(string api, string fetchedAt, string due);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Api}: past prices {From} … {To} fetched for Home Assistant's cost statistics")]
    private partial void LogPast(string api, string from, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Api}: prices of tariff {Tariff} changed (lastUpdated {LastUpdated})")]
    private partial void LogChanged(string api, string tariff, string lastUpdated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Api}: {Company}'s tariff {Tariff} has capacity steps that do not meet ({Steps} kW: {Irregular}); a value between two steps counts in the lower step up to its upper bound, above that in the next step")]
    private partial void LogIrregularLadder(string api, string company, string tariff, string steps, string irregular);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Api} answers in ISO-8859-1, not UTF-8 as the standard requires; reading it as Latin-1")]
    private partial void LogLatin1(string api);
}
