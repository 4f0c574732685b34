using MqttBridge.Domain;

namespace MqttBridge.Statistics;

/// <summary>
/// One external statistic the bridge keeps in Home Assistant.
/// </summary>
/// <param name="Id"><c>mqttbridge:&lt;site&gt;_consumption</c>, <c>_production</c> or <c>_cost</c>: Home Assistant's
/// <c>domain:object_id</c> form, with <see cref="Source"/> as the domain.</param>
/// <param name="Name">What Home Assistant shows: the site's name and what is counted.</param>
/// <param name="Unit"><c>kWh</c>, or the site's currency (ISO 4217) for cost.</param>
/// <param name="UnitClass"><c>energy</c> for kWh (Home Assistant converts between energy units); null for money.</param>
internal sealed record StatisticDefinition(string Id, string Name, string Unit, string? UnitClass)
{
    /// <summary>The domain part of every statistic id, and the metadata's <c>source</c>.</summary>
    public const string Source = "mqttbridge";
}

/// <summary>A statistic and its hourly values (UTC hour start → kWh or money) as the site's data implies them now.</summary>
internal sealed record StatisticValues(StatisticDefinition Definition, IReadOnlyDictionary<DateTimeOffset, decimal> Hours);

/// <summary>
/// Which statistics a site feeds and their hourly values: consumption where the meter offers it, production where it
/// offers that, and cost (consumption × the site's grid price) where the site also has a tariff. Pure; reads only
/// the site's <see cref="SiteView"/> (never a source's type) and the prices seen so far.
/// </summary>
internal static class SiteStatistics
{
    /// <summary>Statistic ids of <paramref name="siteId"/>, in the order they are imported.</summary>
    public static string IdOf(string siteId, string what) => $"{StatisticDefinition.Source}:{siteId}_{what}";

    /// <summary>
    /// The site's statistics with the values its meter data (and <paramref name="prices"/> for cost) imply. A meter that
    /// has not answered yet gives nothing; cost is offered once the site has a tariff.
    /// </summary>
    /// <param name="prices">Every grid price known for the site's past hours (the tariff's curve gathered over time).</param>
    public static IReadOnlyList<StatisticValues> Of(SiteView site, PriceCurve prices)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(prices);
        if (site.Meter is not { MeterData: { } meter } report)
        {
            return [];
        }

        var list = new List<StatisticValues>();
        var consumption = HourlyValues.Energy(meter.Consumption);
        if (report.Can(SourceCapabilities.Consumption))
        {
            list.Add(new(new StatisticDefinition(IdOf(site.Id, "consumption"), $"{site.Name} consumption", "kWh", "energy"), consumption));
        }

        if (report.Can(SourceCapabilities.Production) && meter.Production is { } production)
        {
            list.Add(new(new StatisticDefinition(IdOf(site.Id, "production"), $"{site.Name} production", "kWh", "energy"), HourlyValues.Energy(production)));
        }

        if (site.Tariff is not null && report.Can(SourceCapabilities.Consumption))
        {
            list.Add(new(new StatisticDefinition(IdOf(site.Id, "cost"), $"{site.Name} grid cost", site.Currency, null), HourlyValues.Cost(consumption, prices)));
        }

        return list;
    }
}
