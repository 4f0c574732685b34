using MqttBridge.Domain;

namespace MqttBridge.Sources.Digin;

/// <summary>
/// <c>tariff.type: digin</c> for one site: its metering point's (or tariff key's) prices and fixed price step from the
/// shared <see cref="DiginService"/>, which decides when to call the API. Past prices (statistics only) come from the
/// service's past-days answers (<see cref="DiginService.PastPricesAsync"/>).
/// </summary>
internal sealed class DiginTariffSource : ITariffSource, IPastPrices
{
    private readonly DiginService _service;
    private readonly DiginTariffOptions _options;

    public DiginTariffSource(DiginService service, DiginTariffOptions options)
    {
        _service = service;
        _options = options;
        if (options.MeteringPointId is { } id)
        {
            service.Register(id);
        }
    }

    public async Task<TariffSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (site, due) = _options.MeteringPointId is { } id
            ? await _service.ForMeteringPointAsync(id, now, cancellationToken)
            : await _service.ForTariffKeyAsync(_options.TariffKey!, now, cancellationToken);
        return new TariffSnapshot(site.Tariff.Curve, site.Fixed?.AsLadder(), now, due) { Fixed = site.Fixed, Past = this };
    }

    /// <inheritdoc/>
    public Task<PriceCurve> PricesAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct) =>
        _options.MeteringPointId is { } id
            ? _service.PastPricesAsync(id, byTariffKey: false, from, to, now, ct)
            : _service.PastPricesAsync(_options.TariffKey!, byTariffKey: true, from, to, now, ct);
}
