using MqttBridge.Domain;

namespace MqttBridge.Sources;

/// <summary>
/// Where a site's grid prices come from (static rules, DIGIN, Eloverblik charges). A source owns its
/// HTTP client, rate limit, cache and refresh policy; it knows nothing of MQTT or sensors.
/// </summary>
internal interface ITariffSource
{
    /// <summary>The config <c>type</c> (<c>static</c>, <c>digin</c>, …), for logs and bridge info.</summary>
    string Kind { get; }

    /// <summary>
    /// Prices from at least the start of the local day of <paramref name="now"/> through the end of tomorrow where
    /// the source knows them. Throws <see cref="SourceException"/> for an expected fault (the caller keeps the last
    /// good snapshot and retries at <see cref="SourceException.RetryAt"/>).
    /// </summary>
    Task<TariffSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>What a tariff source knows at one moment, and when it wants to be asked again.</summary>
internal sealed record TariffSnapshot(PriceCurve Curve, CapacityLadder? Capacity, DateTimeOffset FetchedAt, DateTimeOffset NextRefresh)
{
    /// <summary>The fixed, capacity and power price as the API states it (DIGIN); null for sources without one.</summary>
    public FixedPrice? Fixed { get; init; }
}

/// <summary>Where a site's metered consumption comes from (Elvia, Eloverblik, Öresundskraft, Fluvius).</summary>
internal interface IMeterSource
{
    string Kind { get; }

    Task<MeterSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

internal sealed record MeterSnapshot(ConsumptionSeries Consumption, MonthMax? MonthMax, DateTimeOffset FetchedAt, DateTimeOffset NextRefresh)
{
    /// <summary>The previous month's capacity basis, where the source knows it.</summary>
    public MonthMax? LastMonthMax { get; init; }

    /// <summary>Energy fed into the grid (plus customers), or null when the source does not fetch it.</summary>
    public ConsumptionSeries? Production { get; init; }
}

/// <summary>An expected fault of a source (API down, bad answer, wrong key): one clear log line, never a stack trace.</summary>
internal sealed class SourceException(string message, DateTimeOffset? retryAt = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>When to try again; null lets the scheduler back off on its own.</summary>
    public DateTimeOffset? RetryAt { get; } = retryAt;
}
