namespace MqttBridge.Domain;

/// <summary>Which part of a site a source feeds: its grid tariff or its meter. The config key is <c>tariff</c> or <c>meter</c>.</summary>
internal enum SourceRole
{
    Tariff,
    Meter,
}

/// <summary>Names of <see cref="SourceRole"/> and <see cref="SourceStatus"/> as config keys and published text.</summary>
internal static class SourceRoles
{
    /// <summary><c>tariff</c> or <c>meter</c>: the site's config key, and the role in logs and <c>bridge/info</c>.</summary>
    public static string Key(this SourceRole role) => role == SourceRole.Tariff ? "tariff" : "meter";

    /// <summary><c>starting</c>, <c>ok</c>, <c>degraded</c> or <c>failing</c>.</summary>
    public static string Text(this SourceStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>
/// What a source can produce. The sensor catalog decides a site's entities from these declarations, never from a
/// source's type name. Declared per configured source (an Elvia meter produces <see cref="Production"/> only with
/// <c>include_production</c>), before its first fetch, so discovery is stable from the start.
/// </summary>
[Flags]
internal enum SourceCapabilities
{
    None = 0,

    /// <summary>A price curve in currency/kWh, taxes and VAT included (<see cref="TariffSnapshot.Curve"/>).</summary>
    PriceCurve = 1 << 0,

    /// <summary>The API states a level per slot (DIGIN <c>energyPrices[].level</c>); otherwise the level is computed.</summary>
    ApiPriceLevel = 1 << 1,

    /// <summary>A capacity ladder (kW steps with monthly prices) a measured month max can be placed on (<see cref="TariffSnapshot.Capacity"/>).</summary>
    CapacityLadder = 1 << 2,

    /// <summary>The API states the fixed part itself: capacity step now, fixed price per hour, power price (<see cref="TariffSnapshot.Fixed"/>).</summary>
    FixedPrices = 1 << 3,

    /// <summary>Metered consumption per interval in kWh (<see cref="MeterSnapshot.Consumption"/>).</summary>
    Consumption = 1 << 4,

    /// <summary>Energy fed into the grid per interval in kWh (<see cref="MeterSnapshot.Production"/>).</summary>
    Production = 1 << 5,

    /// <summary>This and last month's capacity basis in kW (<see cref="MeterSnapshot.MonthMax"/>).</summary>
    MonthMax = 1 << 6,

    /// <summary>The subscribed power (abonnerad effekt) in kW the API states for the metering point (<see cref="MeterSnapshot.SubscribedPowerKw"/>).</summary>
    SubscribedPower = 1 << 7,

    /// <summary>Consumption per calendar month as the API reads it at month end, with method and reason (<see cref="MeterSnapshot.Months"/>).</summary>
    MonthlyConsumption = 1 << 8,

    /// <summary>
    /// Readings of the current day arrive within hours, so today's running totals mean something. A meter whose data
    /// comes a day late (once a day, for yesterday) leaves it out and gets no <c>today_*</c> sensors.
    /// </summary>
    Intraday = 1 << 9,

    /// <summary>The tariff states a monthly subscription, currency/month with VAT (<see cref="TariffSnapshot.SubscriptionMonthly"/>).</summary>
    SubscriptionPrice = 1 << 10,

    /// <summary>Gas use per interval in m³ (<see cref="MeterSnapshot.Gas"/>): gas sensors, never capacity ones.</summary>
    Gas = 1 << 11,

    /// <summary>Gas use per interval in kWh, where the API converts it (<see cref="MeterSnapshot.GasEnergy"/>).</summary>
    GasEnergy = 1 << 12,
}

/// <summary>
/// What a source's health is: not answered yet, all well, a fault while good data still serves, or a fault with nothing
/// left to serve.
/// </summary>
internal enum SourceStatus
{
    Starting,
    Ok,
    Degraded,
    Failing,
}

/// <summary>How a diagnostic's value is published: a timestamp (ISO 8601 with offset), one of fixed options, or free text.</summary>
internal enum DiagnosticKind
{
    Text,
    Timestamp,
    Enum,
}

/// <summary>
/// A named fact about a source that is not a measurement — a token's expiry, a consent's state, a subscribed power — and
/// becomes a diagnostic sensor <c>&lt;base&gt;/&lt;site&gt;/&lt;Key&gt;</c> through one generic path. Keys are sensor keys
/// (lower-case, <c>_</c>) and must not collide with the catalog's.
/// </summary>
internal sealed record DiagnosticDefinition(string Key, string Name, DiagnosticKind Kind = DiagnosticKind.Text)
{
    /// <summary>The choices of an <see cref="DiagnosticKind.Enum"/> diagnostic, as published.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    public string? Unit { get; init; }

    public string? Icon { get; init; }

    /// <summary>Whether the diagnostic publishes <see cref="DiagnosticValue.Attributes"/> (declared up front: discovery names the topic).</summary>
    public bool HasAttributes { get; init; }
}

/// <summary>A diagnostic's value: <see cref="Text"/> for text and enum kinds, <see cref="At"/> for timestamps; both null = unknown.</summary>
internal sealed record DiagnosticValue(string? Text = null, DateTimeOffset? At = null)
{
    /// <summary>
    /// Details beside the value, published as the sensor's attributes (a JSON object of strings; a null value is left
    /// out) when its definition <see cref="DiagnosticDefinition.HasAttributes"/>: a mandate's renewal state next to its
    /// status. Timestamps as ISO 8601 with offset. Never secrets or personal data.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? Attributes { get; init; }
}

/// <summary>What a tariff source knows at one moment, and when it wants to be asked again.</summary>
internal sealed record TariffSnapshot(PriceCurve Curve, CapacityLadder? Capacity, DateTimeOffset FetchedAt, DateTimeOffset NextRefresh)
{
    /// <summary>The fixed, capacity and power price as the API states it (DIGIN); null for sources without one.</summary>
    public FixedPrice? Fixed { get; init; }

    /// <summary>Values of the source's declared diagnostics, by key.</summary>
    public IReadOnlyDictionary<string, DiagnosticValue> Diagnostics { get; init; } = EmptyDiagnostics.Instance;

    /// <summary>The subscriptions in force, per month, VAT included (Eloverblik's getcharges); null when unknown.</summary>
    public decimal? SubscriptionMonthly { get; init; }

    /// <summary>Where the source can price past hours beyond <see cref="Curve"/> (statistics only); null when it cannot.</summary>
    public IPastPrices? Past { get; init; }
}

/// <summary>What a meter source knows at one moment (consumption per interval, month max), and when to ask again.</summary>
internal sealed record MeterSnapshot(ConsumptionSeries Consumption, MonthMax? MonthMax, DateTimeOffset FetchedAt, DateTimeOffset NextRefresh)
{
    /// <summary>The previous month's capacity basis, where the source knows it.</summary>
    public MonthMax? LastMonthMax { get; init; }

    /// <summary>
    /// Capacity bases of months before last month that the source has read back (Fluvius at first start), oldest first,
    /// for a tariff billed on several months; empty for most sources.
    /// </summary>
    public IReadOnlyList<MonthMax> EarlierMonthMax { get; init; } = [];

    /// <summary>Energy fed into the grid (plus customers), or null when the source does not fetch it.</summary>
    public ConsumptionSeries? Production { get; init; }

    /// <summary><see cref="Consumption"/> split into a dual-tariff meter's day and night registers, where the API gives them; else null.</summary>
    public DayNightRegisters? ConsumptionRegisters { get; init; }

    /// <summary><see cref="Production"/> split into day and night registers, where the API gives them; else null.</summary>
    public DayNightRegisters? ProductionRegisters { get; init; }

    /// <summary>Values of the source's declared diagnostics, by key.</summary>
    public IReadOnlyDictionary<string, DiagnosticValue> Diagnostics { get; init; } = EmptyDiagnostics.Instance;

    /// <summary>
    /// What the answers behind this snapshot have held so far (consumption, a subscribed power, monthly readings): for a
    /// source that declares capabilities <see cref="SourceReport.DecidedByData"/>, only these are offered.
    /// </summary>
    public SourceCapabilities Holds { get; init; }

    /// <summary>
    /// Set when the API states no month max: it is computed from <see cref="Consumption"/> with
    /// <see cref="Domain.MonthMaxRule"/> by this basis, unless the site's tariff bills by its own (see <see cref="SiteView.MonthMaxOf"/>).
    /// </summary>
    public CapacityBasis? MonthMaxBasis { get; init; }

    /// <summary>The subscribed power in kW where the API states one (Öresundskraft <c>subscribedEffect</c> above 0).</summary>
    public decimal? SubscribedPowerKw { get; init; }

    /// <summary>Monthly readings (one per month, as the API reads them at month end), where the API gives them.</summary>
    public IReadOnlyList<MonthReading> Months { get; init; } = [];

    /// <summary>Gas per interval in m³ (each reading's <see cref="MeterReading.Kwh"/> holds m³), or null for no gas meter.</summary>
    public ConsumptionSeries? Gas { get; init; }

    /// <summary>Gas per interval in kWh as the API converted it, or null.</summary>
    public ConsumptionSeries? GasEnergy { get; init; }
}

/// <summary>
/// A source's data together with its health, as of its last refresh: the last good data (kept through faults), when it
/// was fetched, the last fault (never holds secrets or personal data), and when the source is asked again.
/// Everything the sensors read of a source; built only by the source side.
/// </summary>
internal sealed record SourceReport(SourceRole Role, string Type, SourceCapabilities Capabilities)
{
    /// <summary>The currency a tariff publishes before its first fetch says otherwise (ISO 4217).</summary>
    public string Currency { get; init; } = "NOK";

    /// <summary>
    /// Capabilities offered only once the source's data holds them (<see cref="MeterSnapshot.Holds"/>): a sensor whose data
    /// the answers never contain is not offered. None (the default): every declared capability is offered from the start.
    /// </summary>
    public SourceCapabilities DecidedByData { get; init; }

    /// <summary>The diagnostics this source publishes (besides its role's problem sensor).</summary>
    public IReadOnlyList<DiagnosticDefinition> Diagnostics { get; init; } = [];

    public TariffSnapshot? TariffData { get; init; }

    public MeterSnapshot? MeterData { get; init; }

    public DateTimeOffset? LastGoodFetch { get; init; }

    public DateTimeOffset? NextAttempt { get; init; }

    /// <summary>The last fault, cleared by the next good fetch. Never holds secrets.</summary>
    public string? LastError { get; init; }

    /// <summary>What the source offers now: its declared capabilities, less those decided by data that its data has not held.</summary>
    public SourceCapabilities Offered => Capabilities & ~(DecidedByData & ~(MeterData?.Holds ?? SourceCapabilities.None));

    /// <summary>Whether the source offers <paramref name="capability"/> (all of its flags) now; see <see cref="Offered"/>.</summary>
    public bool Can(SourceCapabilities capability) => (Offered & capability) == capability;

    /// <summary>
    /// Starting before the first answer; Ok without a fault; Degraded while good data still covers <paramref name="now"/>;
    /// Failing once it has run out.
    /// </summary>
    public SourceStatus StatusAt(DateTimeOffset now) =>
        LastError is null && LastGoodFetch is null ? SourceStatus.Starting
        : LastError is null ? SourceStatus.Ok
        : LastGoodFetch is null || DataRunOut(now) ? SourceStatus.Failing
        : SourceStatus.Degraded;

    /// <summary>The value of diagnostic <paramref name="key"/> from the last good data, or null while unknown.</summary>
    public DiagnosticValue? Diagnostic(string key) =>
        (TariffData?.Diagnostics ?? MeterData?.Diagnostics)?.GetValueOrDefault(key);

    private bool DataRunOut(DateTimeOffset now) =>
        TariffData is { } t ? t.Curve.At(now) is null : MeterData is null;
}

internal static class EmptyDiagnostics
{
    public static IReadOnlyDictionary<string, DiagnosticValue> Instance { get; } = new Dictionary<string, DiagnosticValue>();
}
