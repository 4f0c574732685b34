using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MqttBridge.Domain;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Fluvius;

/// <summary>
/// <c>meter.type: fluvius</c>: one customer's (reference number's) mandate and the energy of its EAN.
/// <para>
/// Refresh policy. The mandate list is asked for hourly while consent is pending or absent, every
/// <see cref="ClosedMandateInterval"/> while it is rejected or finished, and once a day (just before the energy) while
/// approved. Energy is asked for only while a mandate is approved: one call for the local days from the first one not
/// yet complete and verified (estimated and not-validated values are asked again the next day until they settle) to
/// yesterday, within the window "first of last month … yesterday" and the mandate's data period. Once yesterday is
/// complete the next call is at <see cref="MorningStart"/> tomorrow: one energy call per EAN per day in steady state;
/// while it is not, after 1, 2, then every 4 hours. The mandate answer and the readings are kept under data_dir, so a
/// restart spends at most the calls that are due. Month max: the month's highest quarter-hour × 4 (Flanders).
/// </para>
/// <para>
/// At the first approved quarter-hour mandate the peaks of the months before the window are read back once
/// (<see cref="FluviusBackfill"/>: up to 10 months, one call an hour) and offered as <see cref="MeterSnapshot.EarlierMonthMax"/>,
/// so Flanders' 12-month capacity average is right from the first day; kept in data_dir, never asked again.
/// </para>
/// </summary>
internal sealed partial class FluviusSource : IMeterSource
{
    /// <summary>Yesterday's data is asked for from this local time on (Fluvius delivers informative data daily).</summary>
    public static readonly TimeOnly MorningStart = new(7, 0);

    /// <summary>How often a requested or missing mandate is asked about (EDDIE polls hourly).</summary>
    public static readonly TimeSpan PendingMandateInterval = TimeSpan.FromHours(1);

    /// <summary>A rejected or finished mandate only changes when the customer consents again.</summary>
    public static readonly TimeSpan ClosedMandateInterval = TimeSpan.FromHours(6);

    /// <summary>While yesterday is incomplete after the morning: 1 h, 2 h, then every 4 h.</summary>
    private static readonly FaultSchedule IncompleteDay = new(TimeSpan.FromHours(1), TimeSpan.FromHours(4));

    /// <summary>
    /// The diagnostics every Fluvius meter publishes: the mandate's status (its renewal state, data service and data
    /// period in attributes) and expiry.
    /// </summary>
    public static IReadOnlyList<DiagnosticDefinition> Diagnostics { get; } =
    [
        new("mandate_status", "Mandate status", DiagnosticKind.Enum) { Options = FluviusMandates.States, Icon = "mdi:file-sign", HasAttributes = true },
        new("mandate_expires", "Mandate expires", DiagnosticKind.Timestamp) { Icon = "mdi:calendar-clock" },
    ];

    private readonly FluviusOptions _options;
    private readonly FluviusClient _client;
    private readonly ResponseCache _cache;
    private readonly TimeZoneInfo _zone;
    private readonly ILogger _logger;
    private readonly RestartGrace _grace = new();

    private FluviusMandate? _mandate;
    private bool _mandateKnown;
    private DateTimeOffset? _mandateFetchedAt;
    private DateTimeOffset _mandateDue = DateTimeOffset.MinValue;
    private FluviusEnergy? _energy;
    private DateTimeOffset? _energyFetchedAt;
    private DateTimeOffset _energyDue = DateTimeOffset.MinValue;
    private readonly LateDayWait _lateDay = new(MorningStart, IncompleteDay);
    private FluviusBackfill? _backfill;
    private bool _cacheLoaded;
    private bool _restored;

    public FluviusSource(FluviusOptions options, FluviusClient client, ResponseCache cache, TimeZoneInfo zone, ILogger logger)
    {
        _options = options;
        _client = client;
        _cache = cache;
        _zone = zone;
        _logger = logger;
    }

    // The reference number and EAN are personal data: the cache file name is a hash of this key (ResponseCache).
    private string Scope => $"{_options.BaseUrl}|{_options.ApiVersion}|{_options.ReferenceNumber}|{_options.MeteringPointId ?? "mandate"}";

    private string MandateKey => "mandate|" + Scope;

    private string ReadingsKey => "readings|" + Scope;

    private string BackfillKey => "backfill|" + Scope;

    public Task<MeterSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _grace.FetchAsync(
            async () =>
            {
                LoadCacheOnce(now);
                if (_mandateDue <= now)
                {
                    await FetchMandateAsync(now, cancellationToken);
                }

                if (_mandate is { IsApproved: true } && _energyDue <= now)
                {
                    await FetchEnergyAsync(_mandate, now, cancellationToken);
                }

                if (_mandate is { IsApproved: true })
                {
                    await BackfillAsync(_mandate, now, cancellationToken);
                }

                return Snapshot(now);
            },
            () => _restored,
            () => Snapshot(now) with { NextRefresh = now });

    /// <summary>The first local day of the window: the first of last month (for <c>last_month_max_hour</c>).</summary>
    internal DateOnly WindowStart(DateTimeOffset now)
    {
        var today = LocalDay.Of(now, _zone).Date;
        return new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
    }

    /// <summary>The first local day of the window that is not complete and verified, or null.</summary>
    internal DateOnly? FirstUnsettled(DateTimeOffset now, FluviusMandate mandate)
    {
        var today = LocalDay.Of(now, _zone).Date;
        var from = WindowStart(now);
        if (mandate.PeriodFrom is { } periodFrom && LocalDay.Of(periodFrom, _zone).Date is var first && first > from)
        {
            from = first;
        }

        var main = Judged(_energy, mandate.IsGas);
        for (var date = from; date < today; date = date.AddDays(1))
        {
            if (main?.SumOf(new LocalDay(date, _zone)) is not { AllVerified: true })
            {
                return date;
            }
        }

        return null;
    }

    private async Task FetchMandateAsync(DateTimeOffset now, CancellationToken ct)
    {
        var (mandates, body) = await _client.MandatesAsync(_options.ReferenceNumber, ct);
        _cache.Write(new CachedResponse(MandateKey, now, body));
        ApplyMandates(mandates, now);
        LogMandate(_mandate?.Status ?? FluviusMandates.None, MeteringPoint.Masked(_mandate?.Ean), LocalTime.Iso8601(_mandateDue, _zone));
    }

    private void ApplyMandates(IReadOnlyList<FluviusMandate> mandates, DateTimeOffset fetchedAt)
    {
        var before = _mandate;
        _mandate = FluviusMandates.Choose(mandates, _options.ReferenceNumber, _options.MeteringPointId);
        _mandateKnown = true;
        _mandateFetchedAt = fetchedAt;
        _mandateDue = _mandate?.Status switch
        {
            FluviusMandates.Approved => NextMorning(fetchedAt),
            FluviusMandates.Rejected or FluviusMandates.Finished => fetchedAt + ClosedMandateInterval,
            _ => fetchedAt + PendingMandateInterval,
        };

        // A newly approved mandate (or another EAN) is read at once, not at tomorrow's round.
        if (_mandate is { IsApproved: true } && (before is not { IsApproved: true } || before.Ean != _mandate.Ean))
        {
            _energyDue = DateTimeOffset.MinValue;
        }
    }

    private async Task FetchEnergyAsync(FluviusMandate mandate, DateTimeOffset now, CancellationToken ct)
    {
        var ean = _options.MeteringPointId ?? mandate.Ean
            ?? throw new SourceException($"{FluviusMapper.Api}: the approved mandate names no EAN; set meter.metering_point_id");
        var today = LocalDay.Of(now, _zone).Date;
        if (FirstUnsettled(now, mandate) is { } from)
        {
            var to = LocalDay.StartOf(today, _zone);
            if (mandate.PeriodTo is { } periodTo && periodTo < to)
            {
                to = periodTo;
            }

            var start = LocalDay.StartOf(from, _zone);
            if (start < to)
            {
                var (energy, _) = await _client.EnergyAsync(_options.ReferenceNumber, ean, mandate.DataServiceType ?? "VH_kwartier_uur", start, to, _zone, ct);
                Merge(energy, LocalDay.StartOf(WindowStart(now), _zone));
                _energyFetchedAt = now;
                _cache.Write(new CachedResponse(ReadingsKey, now, Store()));
            }
        }

        _energyFetchedAt ??= now;
        Schedule(now);
        var yesterday = LocalDay.Of(now, _zone).Previous;
        var state = Judged(_energy, mandate.IsGas)?.SumOf(yesterday) is { } sum
            ? $"complete, {sum.Intervals} intervals, {(sum.AllVerified ? "all verified" : "not all verified yet")}"
            : "not complete yet";
        LogEnergy(yesterday.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), state, _energy?.Level ?? "-", LocalTime.Iso8601(_energyDue, _zone));
    }

    /// <summary>
    /// Plans the read-back of earlier monthly peaks at the first approved mandate, then reads its next month when due:
    /// one call. A fault is logged and the month asked again later (given up after <see cref="FluviusBackfill.MaxAttempts"/>);
    /// it never fails the refresh, whose daily data is fine.
    /// </summary>
    private async Task BackfillAsync(FluviusMandate mandate, DateTimeOffset now, CancellationToken ct)
    {
        if (_backfill is null)
        {
            _backfill = FluviusBackfill.Plan(mandate, LocalDay.Of(now, _zone).Date, _zone, now);
            _cache.Write(new CachedResponse(BackfillKey, now, _backfill.Store()));
        }

        if (_backfill.Next is not { } month || _backfill.Due > now)
        {
            return;
        }

        var ean = _options.MeteringPointId ?? mandate.Ean;
        if (ean is null)
        {
            return;
        }

        var from = LocalDay.StartOf(month, _zone);
        var to = LocalDay.StartOf(month.AddMonths(1), _zone);
        from = mandate.PeriodFrom is { } periodFrom && periodFrom > from ? periodFrom : from;
        var text = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        try
        {
            var (energy, _) = await _client.EnergyAsync(_options.ReferenceNumber, ean, mandate.DataServiceType ?? "VH_kwartier_uur", from, to, _zone, ct);
            var peak = PeakOf(energy.Offtake, month.Year, month.Month);
            _backfill.Read(month, peak?.Peaks[0], now);
            LogBackfill(text, peak is null ? "no quarter-hours" : Format(peak.Kw) + " kW", _backfill.Remaining, LocalTime.Iso8601(_backfill.Due, _zone));
        }
        catch (SourceException ex)
        {
            var gaveUp = _backfill.Failed(month, now, ex.RetryAt);
            LogBackfillFailed(text, ex.Message, gaveUp ? "given up: the average leaves it out" : "asked again at " + LocalTime.Iso8601(_backfill.Due, _zone));
        }

        _cache.Write(new CachedResponse(BackfillKey, now, _backfill.Store()));

        static string Format(decimal kw) => kw.ToString("0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>Lays a new answer over the known readings (a thinner answer never erases one) and drops what left the window.</summary>
    private void Merge(FluviusEnergy newer, DateTimeOffset keepFrom)
    {
        _energy = _energy is null || _energy.EnergyType != newer.EnergyType
            ? newer
            : newer with
            {
                Offtake = _energy.Offtake.Merge(newer.Offtake).Since(keepFrom),
                Injection = _energy.Injection.Merge(newer.Injection).Since(keepFrom),
                GasM3 = _energy.GasM3.Merge(newer.GasM3).Since(keepFrom),
                GasKwh = _energy.GasKwh.Merge(newer.GasKwh).Since(keepFrom),
                OfftakeDay = _energy.OfftakeDay.Merge(newer.OfftakeDay).Since(keepFrom),
                OfftakeNight = _energy.OfftakeNight.Merge(newer.OfftakeNight).Since(keepFrom),
                InjectionDay = _energy.InjectionDay.Merge(newer.InjectionDay).Since(keepFrom),
                InjectionNight = _energy.InjectionNight.Merge(newer.InjectionNight).Since(keepFrom),
                HadInjection = _energy.HadInjection || newer.HadInjection,
                Ean = newer.Ean ?? _energy.Ean,
            };
    }

    /// <summary>When energy is due again after a fetch at <paramref name="fetchedAt"/>.</summary>
    private void Schedule(DateTimeOffset fetchedAt)
    {
        var yesterday = LocalDay.Of(fetchedAt, _zone).Previous;
        var complete = Judged(_energy, _mandate?.IsGas ?? _energy?.IsGas ?? false)?.SumOf(yesterday) is not null;
        _energyDue = _lateDay.Next(fetchedAt, _zone, complete, NextMorning(fetchedAt));
    }

    private DateTimeOffset NextMorning(DateTimeOffset after)
    {
        var today = LocalDay.Of(after, _zone).Date;
        var morning = _lateDay.MorningOf(today, _zone);
        return morning > after ? morning : _lateDay.MorningOf(today.AddDays(1), _zone);
    }

    /// <summary>The series the day's completeness is judged by: offtake for electricity, m³ (else kWh) for gas.</summary>
    private static ConsumptionSeries? Judged(FluviusEnergy? energy, bool gas) =>
        energy is null ? null
        : gas ? (energy.GasM3.Readings.Count > 0 ? energy.GasM3 : energy.GasKwh)
        : energy.Offtake;

    private void LoadCacheOnce(DateTimeOffset now)
    {
        if (_cacheLoaded)
        {
            return;
        }

        _cacheLoaded = true;
        if (_cache.Restore(MandateKey, now, cached => FluviusClient.ParseMandates(cached.Body), _logger) is { } mandates)
        {
            ApplyMandates(mandates.Data, mandates.FetchedAt);
            _mandateDue = CachedAnswers.DueFrom(_mandateDue, now);
            _restored = true;
        }

        if (_cache.Restore(ReadingsKey, now, cached => Restore(cached.Body), _logger) is { } readings)
        {
            _energy = readings.Data;
            _energyFetchedAt = readings.FetchedAt;
            Schedule(readings.FetchedAt);
            _energyDue = CachedAnswers.DueFrom(_energyDue, now);
        }

        if (_cache.Restore(BackfillKey, now, cached => FluviusBackfill.Restore(cached.Body, cached.FetchedAt), _logger) is { } backfill)
        {
            _backfill = backfill.Data;
        }
    }

    private string Store()
    {
        var e = _energy!;
        return JsonSerializer.Serialize(
            new StoredFluviusReadings(
                e.Ean, e.EnergyType, Stored(e.Offtake), Stored(e.Injection), Stored(e.GasM3), Stored(e.GasKwh), e.HadInjection,
                Stored(e.OfftakeDay), Stored(e.OfftakeNight), Stored(e.InjectionDay), Stored(e.InjectionNight)),
            FluviusJsonContext.Default.StoredFluviusReadings);

        static List<StoredFluviusReading> Stored(ConsumptionSeries series) => [.. series.Readings.Select(r => new StoredFluviusReading(r.Start, r.End, r.Kwh, r.Verified))];
    }

    private static FluviusEnergy Restore(string body)
    {
        var stored = JsonSerializer.Deserialize(body, FluviusJsonContext.Default.StoredFluviusReadings) ?? throw new FormatException("empty");
        return new FluviusEnergy(stored.Ean, stored.EnergyType ?? "E", Series(stored.Offtake), Series(stored.Injection), Series(stored.GasM3), Series(stored.GasKwh), stored.HadInjection, "restored")
        {
            OfftakeDay = Series(stored.OfftakeDay),
            OfftakeNight = Series(stored.OfftakeNight),
            InjectionDay = Series(stored.InjectionDay),
            InjectionNight = Series(stored.InjectionNight),
        };

        static ConsumptionSeries Series(IReadOnlyList<StoredFluviusReading>? readings) =>
            new((readings ?? []).Select(r => new MeterReading(r.Start, r.End, r.Value, r.Verified)));
    }

    private MeterSnapshot Snapshot(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _zone);
        var last = local.AddMonths(-1);
        var energy = _energy;
        var gas = _mandate?.IsGas ?? energy?.IsGas ?? false;
        var offtake = gas ? new ConsumptionSeries([]) : energy?.Offtake ?? new ConsumptionSeries([]);
        var due = _mandate is { IsApproved: true } && _energyDue < _mandateDue ? _energyDue : _mandateDue;
        if (_mandate is { IsApproved: true } && _backfill is { Next: not null, Due: var backfillDue } && backfillDue < due)
        {
            due = CachedAnswers.DueFrom(backfillDue, now);
        }

        return new MeterSnapshot(
            offtake,
            PeakOf(offtake, local.Year, local.Month),
            Max(_energyFetchedAt, _mandateFetchedAt) ?? now,
            due)
        {
            LastMonthMax = PeakOf(offtake, last.Year, last.Month),
            EarlierMonthMax = gas ? [] : _backfill?.Peaks ?? [],
            Production = energy is { HadInjection: true } && !gas ? energy.Injection : null,
            ConsumptionRegisters = energy is null || gas ? null : DayNightRegisters.Of(energy.OfftakeDay, energy.OfftakeNight),
            ProductionRegisters = energy is { HadInjection: true } && !gas ? DayNightRegisters.Of(energy.InjectionDay, energy.InjectionNight) : null,
            Gas = gas ? energy?.GasM3 : null,
            GasEnergy = gas ? energy?.GasKwh : null,
            Holds = Holds(gas, energy),
            Diagnostics = new Dictionary<string, DiagnosticValue>
            {
                ["mandate_status"] = new(_mandateKnown ? _mandate?.Status ?? FluviusMandates.None : null) { Attributes = MandateAttributes() },
                ["mandate_expires"] = new(At: _mandate?.Expires),
            },
        };
    }

    /// <summary>
    /// <c>mandate_status</c>'s attributes: <c>renewal</c> (<c>none</c>, <c>to_be_renewed</c>, <c>renewal_requested</c>,
    /// <c>expired</c>; Fluvius' renewalStatus, which appears about three months before expiry), <c>data_service</c> and
    /// the data period (<c>data_period_from</c>, <c>data_period_to</c>, local ISO 8601). Null while no mandate answer came.
    /// </summary>
    private Dictionary<string, string?>? MandateAttributes() => !_mandateKnown ? null : new()
    {
        ["renewal"] = _mandate is null ? null : _mandate.Renewal ?? "none",
        ["data_service"] = _mandate?.DataServiceType,
        ["data_period_from"] = _mandate?.PeriodFrom is { } from ? LocalTime.Iso8601(from, _zone) : null,
        ["data_period_to"] = _mandate?.PeriodTo is { } to ? LocalTime.Iso8601(to, _zone) : null,
    };

    /// <summary>
    /// What this EAN's data holds, for the capabilities decided by data: electricity offers consumption and (with
    /// quarter-hours) the month's peak once a mandate or an answer says so, production once injection came; gas its m³
    /// and, once converted values came, its kWh. Nothing before the first mandate answer.
    /// </summary>
    private SourceCapabilities Holds(bool gas, FluviusEnergy? energy)
    {
        if (_mandate is null && energy is null)
        {
            return SourceCapabilities.None;
        }

        if (gas)
        {
            return SourceCapabilities.Gas | (energy?.GasKwh.Readings.Count > 0 ? SourceCapabilities.GasEnergy : SourceCapabilities.None);
        }

        var quarters = FluviusMandates.Fineness(_mandate?.DataServiceType) == 0
            || energy?.Offtake.Readings.Any(r => r.End - r.Start == TimeSpan.FromMinutes(15)) == true;
        return SourceCapabilities.Consumption
            | (quarters ? SourceCapabilities.MonthMax : SourceCapabilities.None)
            | (energy is { HadInjection: true } ? SourceCapabilities.Production : SourceCapabilities.None);
    }

    /// <summary>The month's peak quarter-hour × 4 in kW (no floor: the 2.5 kW minimum is the tariff's), naming its rule.</summary>
    private MonthMax? PeakOf(ConsumptionSeries offtake, int year, int month) =>
        MonthMaxRule.Of(offtake, year, month, _zone, CapacityBasis.MonthlyPeakQuarterHour) is { } max ? max with { Basis = CapacityBasis.MonthlyPeakQuarterHour } : null;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Fluvius mandate: {Status} (EAN {Ean}); next check at {Next}")]
    private partial void LogMandate(string status, string ean, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fluvius: read back {Month}'s peak for the capacity average: {Peak}; {Remaining} month(s) to go, next at {Next}")]
    private partial void LogBackfill(string month, string peak, int remaining, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fluvius: reading back {Month}'s peak failed ({Reason}); {Then}")]
    private partial void LogBackfillFailed(string month, string reason, string then);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fluvius energy fetched ({Level}): yesterday ({Date}) {State}; next fetch at {Next}")]
    private partial void LogEnergy(string date, string state, string level, string next);
}
