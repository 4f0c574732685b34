using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MqttBridge.Domain;
using MqttBridge.Mqtt;
using MqttBridge.Scheduling;
using MqttBridge.Statistics.Wire;

namespace MqttBridge.Statistics;

/// <summary>
/// Keeps Home Assistant's external statistics (<see cref="SiteStatistics"/>) in step with the meters' data: after each
/// refresh of a site it imports every new or corrected hour, with every later row's sum, over one WebSocket connection.
/// Runs on its own: a Home Assistant that is down, restarting or refusing never holds up MQTT publishing; it is asked
/// again on a <see cref="FaultSchedule"/>. What was imported is recorded in data_dir (<see cref="StatisticsRecord"/>); a
/// statistic the record lacks is read back from Home Assistant before anything is sent.
/// </summary>
internal sealed partial class StatisticsImporter : BackgroundService, ISiteObserver
{
    /// <summary>Reconnects after 5 s, doubling up to 5 minutes: a Home Assistant restart takes about a minute.</summary>
    public static readonly FaultSchedule DefaultSchedule = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));

    /// <summary>Rows kept in the record (and prices for late hours): older meter data is never corrected.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(62);

    /// <summary>Rows per <c>import_statistics</c> message, so no message grows past Home Assistant's limits.</summary>
    private const int ChunkRows = 500;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a token that authenticates but may not import (not an administrator) waits before the next try: the
    /// user has to change the user's rights, which no quick retry helps.
    /// </summary>
    public static readonly TimeSpan NotAdminRetry = TimeSpan.FromHours(1);

    /// <summary>A fault that repeats word for word is logged again at most this often ("still failing since …").</summary>
    public static readonly TimeSpan RepeatLogEvery = TimeSpan.FromHours(1);

    private readonly HomeAssistantOptions _options;
    private readonly IReadOnlySet<string> _sites;
    private readonly StatisticsRecord _record;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FaultSchedule _schedule;
    private readonly ConcurrentDictionary<string, SiteView> _latest = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, StatisticLedger> _ledgers;
    private readonly Dictionary<string, PriceCurve> _prices;
    private readonly Dictionary<string, DateTimeOffset> _pricesFetched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset First, DateTimeOffset Last, int Hours, DateTimeOffset TariffFetched)> _pastAsked = new(StringComparer.Ordinal);
    private HomeAssistantSocket? _socket;
    private int _failures;
    private string? _lastFault;
    private DateTimeOffset _faultSince;
    private DateTimeOffset _faultLogged;
    private bool _stopped;
    private ExportHealth _health;

    /// <param name="sites">Ids of the sites whose statistics are imported (<c>statistics</c> not false).</param>
    public StatisticsImporter(HomeAssistantOptions options, IReadOnlySet<string> sites, string dataDir, TimeProvider time, ILogger<StatisticsImporter> logger, FaultSchedule? schedule = null)
    {
        _options = options;
        _sites = sites;
        _record = new StatisticsRecord(dataDir, options.WebSocket, logger);
        _time = time;
        _logger = logger;
        _schedule = schedule ?? DefaultSchedule;
        (_ledgers, _prices) = _record.Load();
        _health = new ExportHealth(ExportHealth.Starting, null, time.GetUtcNow());
    }

    /// <inheritdoc/>
    /// <remarks>Null when no site feeds statistics (no meter, or <c>statistics: false</c>): nothing to report.</remarks>
    public ExportHealth? Health => _sites.Count == 0 ? null : Volatile.Read(ref _health);

    /// <inheritdoc/>
    public event Action? HealthChanged;

    /// <summary>Sets the health shown in bridge/info; a new status or message raises <see cref="HealthChanged"/>.</summary>
    private void Report(string status, string? message, DateTimeOffset since)
    {
        var current = Volatile.Read(ref _health);
        if (current.Status == status && current.Message == message)
        {
            return;
        }

        Volatile.Write(ref _health, new ExportHealth(status, message, since));
        HealthChanged?.Invoke();
    }

    /// <inheritdoc/>
    public void Refreshed(SiteView site)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (_sites.Contains(site.Id))
        {
            _latest[site.Id] = site;
            _wake.Writer.TryWrite(true);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? retryAt = null;
        try
        {
            while (!_stopped && !stoppingToken.IsCancellationRequested)
            {
                await WaitAsync(retryAt, stoppingToken);
                retryAt = await SyncAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        if (_socket is not null)
        {
            await _socket.DisposeAsync();
        }
    }

    private async Task WaitAsync(DateTimeOffset? retryAt, CancellationToken ct)
    {
        if (retryAt is { } due)
        {
            // A fault's back-off is kept even when new data arrives: the retry takes the latest data anyway.
            await Task.Delay(Max(due - _time.GetUtcNow(), TimeSpan.Zero), _time, ct);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var wake = _wake.Reader.ReadAsync(stop.Token).AsTask();
        var never = Task.Delay(Timeout.InfiniteTimeSpan, _time, stop.Token);
        await Task.WhenAny(wake, never);
        await stop.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Brings Home Assistant up to date with every site's latest view; null when done, else when to try again.</summary>
    private async Task<DateTimeOffset?> SyncAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var work = new List<(SiteView Site, IReadOnlyList<StatisticValues> Statistics)>();
        var pricesChanged = false;
        foreach (var site in _latest.Values.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            pricesChanged |= GatherPrices(site, now);
            pricesChanged |= await GatherPastPricesAsync(site, now, ct);
            var statistics = SiteStatistics.Of(site, _prices.GetValueOrDefault(site.Id) ?? PriceCurve.Empty(site.Currency));
            if (statistics.Any(s => s.Hours.Count > 0))
            {
                work.Add((site, statistics));
            }
        }

        // With no rows yet (a meter's first data can be days away, e.g. a Fluvius mandate not yet approved), connect
        // once anyway: the url and token are checked now, and bridge/info says whether they work.
        if (work.Count == 0 && (_socket is not null || _sites.Count == 0))
        {
            if (pricesChanged)
            {
                _record.Save(_ledgers, _prices);
            }

            return null;
        }

        var ledgers = new Dictionary<string, StatisticLedger>(_ledgers, StringComparer.Ordinal);
        try
        {
            _socket ??= await ConnectAsync(ct);
            foreach (var (site, statistics) in work)
            {
                foreach (var statistic in statistics.Where(s => s.Hours.Count > 0))
                {
                    await ImportAsync(_socket, site, statistic, now, ct);
                }
            }

            if (_lastFault is not null)
            {
                LogRecovered();
            }

            (_failures, _lastFault) = (0, null);
            Report(ExportHealth.Ok, null, _time.GetUtcNow());
            if (pricesChanged || !SameLedgers(ledgers))
            {
                _record.Save(_ledgers, _prices);
            }

            return null;
        }
        catch (Exception ex) when (ex is HomeAssistantException or WebSocketException or IOException or JsonException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            _record.Save(_ledgers, _prices);
            var (fault, keep) = Describe(ex);
            if (ex is HomeAssistantException { Code: "auth_invalid" })
            {
                // Every refused login raises a "Login attempt failed" notification in Home Assistant and counts
                // toward its IP ban (http: ip_ban_enabled, login_attempts_threshold): never try again on our own.
                _stopped = true;
                LogStopped(fault, _options.ViaSupervisor ? "the add-on restarts" : "the bridge restarts");
                Report(ExportHealth.Stopped, fault, _time.GetUtcNow());
                await DropSocketAsync();
                return null;
            }

            // From the clock after the failure (an import can run a while), so the time logged is never in the past.
            var at = _time.GetUtcNow();
            _failures++;
            var retryAt = at + (ex is HomeAssistantException { Code: "unauthorized" } ? NotAdminRetry : _schedule.After(_failures));
            if (fault != _lastFault)
            {
                LogFault(fault, Stamp(retryAt));
                (_faultSince, _faultLogged) = (at, at);
            }
            else if (at - _faultLogged >= RepeatLogEvery)
            {
                LogStillFailing(Stamp(_faultSince), fault, Stamp(retryAt));
                _faultLogged = at;
            }
            else
            {
                LogFaultAgain(fault, Stamp(retryAt));
            }

            _lastFault = fault;
            Report(ExportHealth.Failing, fault, _faultSince);
            if (!keep)
            {
                await DropSocketAsync();
            }

            return retryAt;
        }
    }

    private async Task DropSocketAsync()
    {
        if (_socket is not null)
        {
            await _socket.DisposeAsync();
            _socket = null;
        }
    }

    private async Task<HomeAssistantSocket> ConnectAsync(CancellationToken ct)
    {
        var client = new ClientWebSocket();
        client.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        client.Options.CollectHttpResponseDetails = true;
        try
        {
            var socket = await HomeAssistantSocket.ConnectAsync(client, _options.WebSocket, _options.Token, _time, CallTimeout, ct);
            LogConnected(socket.Version, _options.WebSocket.ToString());
            return socket;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException or AuthenticationException)
        {
            var status = client.HttpStatusCode;
            client.Dispose();
            throw new NotConnectedException(ConnectFault(ex, _options, status), ex);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One sentence for a connect that failed before Home Assistant's first message, naming homeassistant.url: refused,
    /// host not found, a TLS handshake that failed, or an HTTP answer (<paramref name="status"/>, 0 for none) that is no WebSocket.
    /// </summary>
    internal static string ConnectFault(Exception exception, HomeAssistantOptions options, HttpStatusCode status)
    {
        var at = $"Home Assistant at {options.WebSocket}";
        var check = options.ViaSupervisor ? "restart the add-on if this lasts" : "check homeassistant.url";
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is AuthenticationException auth)
            {
                return $"TLS handshake with {at} failed ({auth.Message}); {check}: https:// only where Home Assistant serves HTTPS itself (else http://), and a certificate valid for this host name";
            }
        }

        if (status != 0 && status != HttpStatusCode.SwitchingProtocols)
        {
            return $"{at} answered HTTP {(int)status} instead of a WebSocket: the URL is not Home Assistant's address, or has a path; {check} (e.g. http://homeassistant.local:8123, nothing after the port)";
        }

        var reason = BrokerFault.Reason(exception);
        if (exception is WebSocketException { WebSocketErrorCode: WebSocketError.NotAWebSocket })
        {
            return $"{at} answered, but not with a WebSocket ({reason}); {check}";
        }

        return $"{at} not reachable ({reason}); {check} and that Home Assistant runs";
    }

    /// <summary>A connect that failed before Home Assistant answered; the message says why and what to check.</summary>
    private sealed class NotConnectedException(string message, Exception inner) : IOException(message, inner);

    /// <summary>
    /// Sends what Home Assistant lacks of <paramref name="statistic"/>: the ledger (recorded, or read back) against the
    /// hours the data implies now, in chunks, each acknowledged before the ledger takes it.
    /// </summary>
    private async Task ImportAsync(HomeAssistantSocket socket, SiteView site, StatisticValues statistic, DateTimeOffset now, CancellationToken ct)
    {
        var id = statistic.Definition.Id;
        if (!_ledgers.TryGetValue(id, out var ledger))
        {
            ledger = await ReadBackAsync(socket, id, statistic.Hours.Keys.Min() - TimeSpan.FromDays(31), ct);
            _ledgers[id] = ledger;
        }

        var plan = ledger.Plan(statistic.Hours);
        if (plan.Count == 0)
        {
            return;
        }

        var known = ledger.Rows.Select(r => r.Start).ToHashSet();
        for (var i = 0; i < plan.Count; i += ChunkRows)
        {
            var chunk = plan.Skip(i).Take(ChunkRows).ToList();
            var rows = chunk.Select(r => new ImportRow(LocalTime.Iso8601(r.Start, site.Zone), r.State, r.Sum)).ToList();
            var d = statistic.Definition;
            var messageId = socket.NextId();
            if (socket.TakesMeanType)
            {
                await socket.CallAsync(messageId, new ImportStatistics<CurrentMetadata>(messageId, new CurrentMetadata(d.Id, StatisticDefinition.Source, d.Name, d.Unit, d.UnitClass), rows), HomeAssistantJsonContext.Default.ImportStatisticsCurrentMetadata, ct);
            }
            else
            {
                await socket.CallAsync(messageId, new ImportStatistics<LegacyMetadata>(messageId, new LegacyMetadata(d.Id, StatisticDefinition.Source, d.Name, d.Unit), rows), HomeAssistantJsonContext.Default.ImportStatisticsLegacyMetadata, ct);
            }

            ledger = ledger.With(chunk);
            _ledgers[id] = ledger;
        }

        _ledgers[id] = ledger.Prune(now - KeepFor);
        var changed = plan.Count(r => known.Contains(r.Start));
        LogImported(id, plan.Count - changed, changed, Stamp(plan[0].Start, site.Zone), Stamp(plan[^1].Start, site.Zone));
    }

    /// <summary>What Home Assistant holds of <paramref name="id"/> from <paramref name="from"/> on: the ledger when the record has none.</summary>
    private async Task<StatisticLedger> ReadBackAsync(HomeAssistantSocket socket, string id, DateTimeOffset from, CancellationToken ct)
    {
        var messageId = socket.NextId();
        var result = await socket.CallAsync(messageId, new StatisticsDuringPeriod(messageId, from.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture), [id]), HomeAssistantJsonContext.Default.StatisticsDuringPeriod, ct);
        var stored = result is { ValueKind: JsonValueKind.Object } element
            ? element.Deserialize(HomeAssistantJsonContext.Default.DictionaryStringListStoredRow)?.GetValueOrDefault(id) ?? []
            : [];
        var rows = stored
            .Where(r => r.State is not null && r.Sum is not null)
            .Select(r => new StatisticRow(StartOf(r.Start), Math.Round((decimal)r.State!.Value, HourlyValues.Decimals), Math.Round((decimal)r.Sum!.Value, HourlyValues.Decimals)))
            .ToList();
        LogReadBack(id, rows.Count);
        return StatisticLedger.FromStored(rows);
    }

    private static DateTimeOffset StartOf(JsonElement start) => start.ValueKind == JsonValueKind.Number
        ? DateTimeOffset.FromUnixTimeMilliseconds((long)start.GetDouble())
        : DateTimeOffset.Parse(start.GetString() ?? throw new JsonException("a stored row without start"), CultureInfo.InvariantCulture);

    /// <summary>Lays the tariff's newest curve over the prices seen for the site; true when it changed.</summary>
    private bool GatherPrices(SiteView site, DateTimeOffset now)
    {
        if (site.Tariff?.TariffData is not { } tariff || _pricesFetched.GetValueOrDefault(site.Id) == tariff.FetchedAt)
        {
            return false;
        }

        _pricesFetched[site.Id] = tariff.FetchedAt;
        var known = _prices.GetValueOrDefault(site.Id);
        _prices[site.Id] = (known is null || known.Currency != tariff.Curve.Currency ? tariff.Curve : known.Merge(tariff.Curve)).TrimBefore(now - KeepFor);
        return true;
    }

    /// <summary>
    /// Asks the site's tariff (<see cref="TariffSnapshot.Past"/>) for the prices of metered hours no price is known for
    /// (hours from before the bridge first ran, within <see cref="KeepFor"/>), and lays them under the prices seen (a
    /// price seen wins). The same unpriced hours are asked about again only after the tariff refreshed. True when it
    /// added prices; a fault is logged and leaves those hours without a cost row until a later try.
    /// </summary>
    private async Task<bool> GatherPastPricesAsync(SiteView site, DateTimeOffset now, CancellationToken ct)
    {
        if (site.Tariff?.TariffData is not { Past: { } past } tariff || site.Meter?.MeterData is not { } meter)
        {
            return false;
        }

        var known = _prices.GetValueOrDefault(site.Id) ?? PriceCurve.Empty(site.Currency);
        var hour = TimeSpan.FromHours(1);
        var unpriced = HourlyValues.Energy(meter.Consumption).Keys
            .Where(h => h >= now - KeepFor && known.MeanOver(h, h + hour) is null)
            .ToList();
        if (unpriced.Count == 0)
        {
            return false;
        }

        var ask = (unpriced[0], unpriced[^1], unpriced.Count, tariff.FetchedAt);
        if (_pastAsked.GetValueOrDefault(site.Id) == ask)
        {
            return false;
        }

        _pastAsked[site.Id] = ask;
        try
        {
            var prices = await past.PricesAsync(unpriced[0], unpriced[^1] + hour, now, ct);
            if (prices.IsEmpty || (!known.IsEmpty && prices.Currency != known.Currency))
            {
                return false;
            }

            _prices[site.Id] = prices.Merge(known).TrimBefore(now - KeepFor);
            return true;
        }
        catch (Sources.SourceException ex)
        {
            LogPastPricesFailed(site.Id, ex.Message);
            return false;
        }
    }

    /// <summary>The log line for a fault, and whether the connection stays usable (Home Assistant refused one command).</summary>
    private (string Fault, bool KeepConnection) Describe(Exception ex) => ex switch
    {
        HomeAssistantException { Code: "auth_invalid" } e =>
            (_options.ViaSupervisor
                ? $"{e.Message}; the Supervisor refused the add-on's own token (SUPERVISOR_TOKEN): restart the add-on, and check that it declares homeassistant_api"
                : $"{e.Message}; make a new long-lived access token (your profile > Security), set homeassistant.token and restart the bridge", false),
        HomeAssistantException { Code: "unauthorized" } =>
            ("Home Assistant says the token's user is no administrator: importing statistics needs an administrator's long-lived access token", true),
        HomeAssistantException { Code: { } code } e => ($"Home Assistant refused the statistics ({code}: {e.Message})", true),
        HomeAssistantException e => ($"Home Assistant's WebSocket API answered unexpectedly: {e.Message}", false),
        OperationCanceledException => ($"Home Assistant did not answer within {CallTimeout.TotalSeconds:0} s", false),
        NotConnectedException => (ex.Message, false),
        _ => ($"the connection to Home Assistant at {_options.WebSocket} was lost ({BrokerFault.Reason(ex)})", false),
    };

    /// <summary>Whether the ledgers are still the ones in <paramref name="before"/> (nothing imported or read back since).</summary>
    private bool SameLedgers(Dictionary<string, StatisticLedger> before) =>
        before.Count == _ledgers.Count && _ledgers.All(l => before.TryGetValue(l.Key, out var b) && ReferenceEquals(b, l.Value));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>An instant as the log writes its own times (<see cref="Hosting.PlainLog"/>): local, with the offset.</summary>
    private string Stamp(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, _time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset instant, TimeZoneInfo zone) => LocalTime.Iso8601(instant, zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Home Assistant {Version} at {Url}: connected for the Energy dashboard's statistics")]
    private partial void LogConnected(string version, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics {Id}: {New} new and {Changed} re-sent hour(s), {From} … {To}")]
    private partial void LogImported(string id, int @new, int changed, string from, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics {Id}: not in the record in data_dir; read back {Rows} hour(s) from Home Assistant")]
    private partial void LogReadBack(string id, int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statistics: {Fault}; trying again at {RetryAt} (MQTT publishing goes on)")]
    private partial void LogFault(string fault, string retryAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statistics: still failing since {Since}: {Fault}; trying again at {RetryAt} (MQTT publishing goes on)")]
    private partial void LogStillFailing(string since, string fault, string retryAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Statistics: again {Fault}; trying again at {RetryAt}")]
    private partial void LogFaultAgain(string fault, string retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Statistics stopped: {Fault}. No more login attempts until {Until} (each refused login raises a \"Login attempt failed\" notification in Home Assistant and counts toward its IP ban); MQTT publishing goes on")]
    private partial void LogStopped(string fault, string until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statistics {Site}: the tariff cannot give the prices of earlier hours now ({Reason}); their cost rows follow once it can")]
    private partial void LogPastPricesFailed(string site, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics: Home Assistant is up to date again")]
    private partial void LogRecovered();
}
