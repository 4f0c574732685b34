namespace MqttBridge.Sources.Static;

/// <summary>
/// <c>tariff.type: static</c>: time-of-use rules written in YAML. Prices are currency per kWh before taxes and VAT.
/// The first band whose conditions all hold sets a slot's price; a band without conditions is the fallback.
/// </summary>
internal sealed record StaticTariffOptions : SourceOptions
{
    public override string Type => StaticTariffModule.TypeName;

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

    /// <summary><c>average_months</c>: the month is billed on the average of this many monthly bases, itself included (Flanders: 12); 1 = the month alone.</summary>
    public int AverageMonths { get; init; } = 1;

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
