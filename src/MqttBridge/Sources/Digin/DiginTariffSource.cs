using MqttBridge.Domain;

namespace MqttBridge.Sources.Digin;

/// <summary>
/// <c>tariff.type: digin</c> for one site: its metering point's (or tariff key's) prices and fixed price step from the
/// shared <see cref="DiginService"/>, which decides when to call the API.
/// </summary>
internal sealed class DiginTariffSource : ITariffSource
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
        return new TariffSnapshot(site.Tariff.Curve, site.Fixed?.AsLadder(), now, due) { Fixed = site.Fixed };
    }
}
