using MqttBridge.Domain;

namespace MqttBridge.Sources;

/// <summary>
/// The fetching half of a tariff source (static rules, DIGIN, …): it owns its HTTP client, cache and refresh policy and
/// knows nothing of MQTT or sensors. Wrapped by a <see cref="SourceRunner"/>, which keeps the last good data and health.
/// </summary>
internal interface ITariffSource
{
    /// <summary>
    /// Prices from at least the start of the local day of <paramref name="now"/> through the end of tomorrow where the
    /// source knows them. Throws <see cref="SourceException"/> for an expected fault (the runner keeps the last good
    /// snapshot and retries at <see cref="SourceException.RetryAt"/>, else on the <see cref="FaultSchedule"/>).
    /// </summary>
    Task<TariffSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The fetching half of a meter source (Elvia, …): consumption per interval and the month max. See <see cref="ITariffSource"/>.</summary>
internal interface IMeterSource
{
    /// <summary>What the meter API knows now; throws <see cref="SourceException"/> for an expected fault.</summary>
    Task<MeterSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
