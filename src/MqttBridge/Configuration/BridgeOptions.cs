namespace MqttBridge.Configuration;

/// <summary>The whole validated configuration (YAML keys in comments). Built only by <see cref="ConfigLoader"/>.</summary>
internal sealed record BridgeOptions
{
    public MqttOptions Mqtt { get; init; } = new();

    public EmbeddedBrokerOptions EmbeddedBroker { get; init; } = new();

    /// <summary><c>time_zone</c>: IANA id, the default for every site.</summary>
    public string TimeZone { get; init; } = "Europe/Oslo";

    /// <summary><c>data_dir</c>: where last good data is kept across restarts.</summary>
    public string DataDir { get; init; } = "data";

    public IReadOnlyList<SiteOptions> Sites { get; init; } = [];
}

internal sealed record MqttOptions
{
    /// <summary><c>mqtt.host</c>: empty means the embedded broker.</summary>
    public string? Host { get; init; }

    public int Port { get; init; } = 1883;

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary><c>mqtt.client_id</c>; null means this installation's own id, kept in data_dir (see <c>ClientIdentity</c>).</summary>
    public string? ClientId { get; init; }

    public string BaseTopic { get; init; } = "mqttbridge";

    public string DiscoveryPrefix { get; init; } = "homeassistant";

    public TlsOptions Tls { get; init; } = new();

    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(Host);
}

internal sealed record TlsOptions
{
    public bool Enabled { get; init; }

    /// <summary><c>mqtt.tls.ca_file</c>: PEM bundle to trust instead of the system's CAs.</summary>
    public string? CaFile { get; init; }

    /// <summary><c>mqtt.tls.client_cert_file</c> and <c>client_key_file</c>: PEM client certificate.</summary>
    public string? ClientCertFile { get; init; }

    public string? ClientKeyFile { get; init; }

    /// <summary><c>mqtt.tls.insecure</c>: accept any server certificate. Off unless the user says so.</summary>
    public bool Insecure { get; init; }
}

internal sealed record EmbeddedBrokerOptions
{
    public string Bind { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 1883;

    public string? Username { get; init; }

    public string? Password { get; init; }
}

internal sealed record SiteOptions
{
    /// <summary><c>id</c>: lower-case letters, digits and <c>_</c>; used in topics and unique ids.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The site's own IANA zone, or the top-level <c>time_zone</c>.</summary>
    public required string TimeZone { get; init; }

    public TariffOptions? Tariff { get; init; }

    public MeterOptions? Meter { get; init; }
}

/// <summary><c>sites[i].tariff</c>: <c>type</c> picks the source; each type has its own section record.</summary>
internal sealed record TariffOptions
{
    public required string Type { get; init; }

    public string? BaseUrl { get; init; }

    public StaticTariffOptions? Static { get; init; }

    public DiginTariffOptions? Digin { get; init; }
}

/// <summary>
/// <c>tariff.type: digin</c>: the DIGIN GridTariffAPI of a Norwegian grid company (Elvia and others). Either a metering
/// point (its tariff and current capacity step) or a tariff key. <see cref="BaseUrl"/> is the configured <c>base_url</c>,
/// else the company's from the shipped DIGIN mapping (by metering point), else Elvia's.
/// </summary>
internal sealed record DiginTariffOptions
{
    /// <summary><c>api_key</c>: sent as <c>X-API-Key</c>. A secret: never logged, echoed or published.</summary>
    public required string ApiKey { get; init; }

    /// <summary><c>metering_point_id</c>: 18 digits (målepunkt-ID).</summary>
    public string? MeteringPointId { get; init; }

    /// <summary><c>tariff_key</c>: a key from <c>mqttbridge tariffs</c>, e.g. <c>private_tou_rush1</c>.</summary>
    public string? TariffKey { get; init; }

    public required string BaseUrl { get; init; }

    /// <summary>The company the mapping names, or null when <c>base_url</c> was set by the user.</summary>
    public string? Company { get; init; }

    /// <summary>Override of Elvia's 200 calls an hour per key, for companies that publish another limit.</summary>
    public int MaxCallsPerHour { get; init; } = 200;
}

/// <summary><c>sites[i].meter</c>.</summary>
internal sealed record MeterOptions
{
    public required string Type { get; init; }

    public string? BaseUrl { get; init; }

    /// <summary>Set when <c>type: elvia</c>.</summary>
    public ElviaMeterOptions? Elvia { get; init; }
}

/// <summary><c>meter.type: elvia</c>: Elvia's MeterValue API with the customer's personal token from Min side.</summary>
internal sealed record ElviaMeterOptions
{
    public const string DefaultBaseUrl = "https://elvia.azure-api.net/customer/metervalues/api/";

    /// <summary><c>token</c>: sent as <c>Authorization: Bearer</c>. A secret: never logged, never printed.</summary>
    public required string Token { get; init; }

    /// <summary><c>metering_point_id</c>: null means the first metering point the token covers.</summary>
    public string? MeteringPointId { get; init; }

    /// <summary><c>include_production</c>: plus customers also get production sensors.</summary>
    public bool IncludeProduction { get; init; }

    public string BaseUrl { get; init; } = DefaultBaseUrl;

    // Records print every property; this one holds a secret.
    public override string ToString() =>
        $"ElviaMeterOptions {{ Token = ***, MeteringPointId = {MeteringPointId ?? "(first)"}, IncludeProduction = {IncludeProduction}, BaseUrl = {BaseUrl} }}";
}

/// <summary>
/// <c>tariff.type: static</c>: time-of-use rules written in YAML. Prices are currency per kWh before taxes and VAT.
/// The first band whose conditions all hold sets a slot's price; a band without conditions is the fallback.
/// </summary>
internal sealed record StaticTariffOptions
{
    public string Currency { get; init; } = "NOK";

    /// <summary><c>vat</c>: a fraction (0.25 = 25 %), applied to the band price plus taxes.</summary>
    public decimal Vat { get; init; }

    /// <summary><c>resolution</c>: slot length in minutes, 15 or 60.</summary>
    public int Resolution { get; init; } = 60;

    /// <summary><c>holidays</c>: NO, DK, SE, BE or none; which days count as <c>holiday</c> in a band's <c>days</c>.</summary>
    public string Holidays { get; init; } = "none";

    /// <summary><c>extra_holidays</c>: "MM-DD" (every year) or "YYYY-MM-DD" (once), counted as <c>holiday</c> on top of <see cref="Holidays"/>.</summary>
    public IReadOnlyList<string> ExtraHolidays { get; init; } = [];

    public IReadOnlyList<TaxOptions> Taxes { get; init; } = [];

    public IReadOnlyList<BandOptions> Bands { get; init; } = [];

    public CapacityOptions? Capacity { get; init; }
}

/// <summary>A per-kWh tax or levy added before VAT, optionally only in some months.</summary>
internal sealed record TaxOptions
{
    public required string Name { get; init; }

    public decimal PerKwh { get; init; }

    /// <summary>1..12; empty means every month.</summary>
    public IReadOnlyList<int> Months { get; init; } = [];
}

internal sealed record BandOptions
{
    public required string Name { get; init; }

    public decimal Price { get; init; }

    /// <summary><c>hours</c>: "06-22" is [06:00, 22:00) local; "22-06" wraps midnight. Null means all day.</summary>
    public string? Hours { get; init; }

    /// <summary><c>days</c>: mon..sun, workday (mon-fri and not a holiday), weekend, holiday. Empty means every day.</summary>
    public IReadOnlyList<string> Days { get; init; } = [];

    /// <summary>1..12; empty means every month (seasons).</summary>
    public IReadOnlyList<int> Months { get; init; } = [];

    /// <summary>A fixed price level for this band; null means computed from the day's curve.</summary>
    public string? Level { get; init; }
}

internal sealed record CapacityOptions
{
    /// <summary><c>basis</c>: three_daily_max_hours, monthly_peak_quarter_hour or monthly_max_hour.</summary>
    public string Basis { get; init; } = "three_daily_max_hours";

    /// <summary>Whether step prices include VAT already; the default applies the tariff's VAT.</summary>
    public bool PricesIncludeVat { get; init; }

    public decimal MinimumKw { get; init; }

    /// <summary><c>at_threshold: step_below</c>: a value exactly on a threshold is billed at the step below ("0–2 kW" includes 2).</summary>
    public bool ThresholdInLowerStep { get; init; }

    public IReadOnlyList<CapacityStepOptions> Steps { get; init; } = [];
}

internal sealed record CapacityStepOptions
{
    public decimal FromKw { get; init; }

    public decimal? ToKw { get; init; }

    public decimal MonthlyPrice { get; init; }

    public decimal PerKwMonthly { get; init; }
}
