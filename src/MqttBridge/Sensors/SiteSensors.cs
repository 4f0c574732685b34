using System.Globalization;
using System.Text.Json;
using MqttBridge.Domain;

namespace MqttBridge.Sensors;

/// <summary>
/// Turns a site's data into the retained messages of its entities at one instant. Pure: the same view and
/// instant give the same messages, so the scheduler can re-render at every slot boundary and publish what changed.
/// </summary>
internal static class SiteSensors
{
    public const string Manufacturer = "MqttBridge";

    /// <summary>Every retained message the site's entities hold at <paramref name="now"/>, discovery first.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Render(SiteView view, DateTimeOffset now, Topics topics, string version)
    {
        var site = view.Site;
        var curve = view.Tariff?.TariffData?.Curve;
        var currency = curve?.Currency ?? SensorCatalog.DefaultCurrency(site.Tariff);
        var fixedPrice = view.Tariff?.TariffData?.Fixed;
        var sensors = SensorCatalog.For(site, currency, fixedPrice);
        var messages = new List<KeyValuePair<string, string>>
        {
            new(topics.Discovery(site.Id), Discovery(view, sensors, topics, version)),
        };

        void Add(string topic, string payload) => messages.Add(new(topic, payload));

        if (site.Tariff is not null)
        {
            var prices = new TariffReading(curve ?? PriceCurve.Empty(currency), view.Zone, now);
            Add(topics.State(site.Id, SensorCatalog.GridPrice), Number(prices.Current?.Price));
            Add(topics.Attributes(site.Id, SensorCatalog.GridPrice), prices.GridPriceAttributes());
            Add(topics.State(site.Id, SensorCatalog.PriceLevel), prices.Level?.ToOption() ?? Format.Unknown);
            Add(topics.State(site.Id, SensorCatalog.NextHourPrice), Number(prices.NextHourPrice));
            Add(topics.Attributes(site.Id, SensorCatalog.NextHourPrice), prices.NextHourAttributes());
            Add(topics.State(site.Id, SensorCatalog.TodayMinPrice), Number(prices.TodayMin));
            Add(topics.State(site.Id, SensorCatalog.TodayMaxPrice), Number(prices.TodayMax));
            Add(topics.State(site.Id, SensorCatalog.TodayAveragePrice), Number(prices.TodayAverage));
            Add(topics.State(site.Id, SensorCatalog.TomorrowAvailable), prices.TomorrowValid ? "ON" : "OFF");
            AddProblem(view.Tariff, SensorCatalog.TariffProblem, now);
            Add(topics.Prices(site.Id), prices.PricesDocument());
            Add(topics.EvccForecast(site.Id), prices.EvccForecast());
            if (site.Tariff.Type == "digin")
            {
                AddFixedPrice(fixedPrice);
            }
        }

        if (site.Meter is not null)
        {
            MeterSensors.Render(view, now, topics, Add);
            AddProblem(view.Meter, SensorCatalog.MeterProblem, now);
        }

        return messages;

        void AddFixedPrice(FixedPrice? fixedPrice)
        {
            var step = fixedPrice?.Current;
            if (!MeterSensors.HasCapacityLadder(site))
            {
                Add(topics.State(site.Id, SensorCatalog.CapacityStep), fixedPrice?.CurrentNumber is { } n ? n.ToString(CultureInfo.InvariantCulture) : Format.Unknown);
                Add(topics.Attributes(site.Id, SensorCatalog.CapacityStep), JsonSerializer.Serialize(
                    new CapacityStepAttributes(
                        fixedPrice?.Basis,
                        step?.Range(),
                        Rounded(step?.ValueMin),
                        Rounded(step?.ValueMax),
                        step?.Unit,
                        Rounded(step?.MonthlyTotal),
                        fixedPrice?.Currency,
                        fixedPrice?.Steps.Count ?? 0,
                        fixedPrice is null ? [] : [.. fixedPrice.Steps.Select(s => s.Range())]),
                    PublishedJsonContext.Relaxed.CapacityStepAttributes));
                Add(topics.State(site.Id, SensorCatalog.CapacityMonthlyPrice), Number(step?.MonthlyTotal));
            }

            Add(topics.State(site.Id, SensorCatalog.FixedPricePerHour), Number(fixedPrice?.PerHour.At(now)?.Price));
            if (fixedPrice?.Power is { } power)
            {
                var first = power.Steps.Count > 0 ? power.Steps[0] : null;
                Add(topics.State(site.Id, SensorCatalog.PowerPrice), Number(first?.ActiveMonthly));
                Add(topics.Attributes(site.Id, SensorCatalog.PowerPrice), JsonSerializer.Serialize(
                    new PowerPriceAttributes(
                        power.Currency,
                        power.Unit,
                        Rounded(first?.ReactiveMonthly),
                        power.ReactivePricing,
                        [.. power.Steps.Select(p => new PowerPriceStepAttributes(Rounded(p.ValueMin), Rounded(p.ValueMax), p.Unit, Rounded(p.ActiveMonthly), Rounded(p.ReactiveMonthly)))]),
                    PublishedJsonContext.Relaxed.PowerPriceAttributes));
            }
        }

        void AddProblem(SourceView? source, string key, DateTimeOffset instant)
        {
            // A problem is a fault now, or data that has run out; a fault with good data left is shown in attributes.
            var failing = source?.LastError is not null && (source.LastGoodFetch is null || DataRunOut(source, instant));
            Add(topics.State(site.Id, key), failing ? "ON" : "OFF");
            Add(topics.Attributes(site.Id, key), JsonSerializer.Serialize(
                new SourceProblemAttributes(
                    source?.Type ?? "unknown",
                    source?.LastGoodFetch is { } good ? Format.Timestamp(good, view.Zone) : null,
                    source?.NextAttempt is { } next ? Format.Timestamp(next, view.Zone) : null,
                    source?.LastError),
                PublishedJsonContext.Relaxed.SourceProblemAttributes));
        }
    }

    /// <summary>When the rendered messages next change: the next slot or hour boundary.</summary>
    public static DateTimeOffset? NextChange(SiteView view, DateTimeOffset now)
    {
        // Meter sensors roll over at local midnight (yesterday, today, the month).
        DateTimeOffset? midnight = view.Site.Meter is null ? null : LocalDay.Of(now, view.Zone).End;
        var curve = view.Tariff?.TariffData?.Curve;
        if (curve is null || view.Site.Tariff is null)
        {
            return midnight;
        }

        var candidates = new List<DateTimeOffset> { TariffReading.HourStart(now, view.Zone).AddHours(1) };
        if (midnight is { } m)
        {
            candidates.Add(m);
        }

        if (curve.NextBoundaryAfter(now) is { } boundary)
        {
            candidates.Add(boundary);
        }

        return candidates.Min();
    }

    private static bool DataRunOut(SourceView source, DateTimeOffset now) =>
        source.TariffData is { } t ? t.Curve.At(now) is null : source.MeterData is null;

    private static decimal? Rounded(decimal? value) => value is { } v ? Format.Rounded(v) : null;

    private static string Number(decimal? value) => value is { } v ? Format.Number(v) : Format.Unknown;

    private static string Discovery(SiteView view, IReadOnlyList<SensorDefinition> sensors, Topics topics, string version)
    {
        var site = view.Site;
        var components = new Dictionary<string, DiscoveryComponent>();
        foreach (var sensor in sensors)
        {
            var objectId = $"{topics.DeviceId(site.Id)}_{sensor.Key}";
            components[sensor.Key] = new DiscoveryComponent(
                sensor.Platform, sensor.Name, objectId, $"{sensor.Platform}.{objectId}", topics.State(site.Id, sensor.Key))
            {
                DeviceClass = sensor.DeviceClass,
                UnitOfMeasurement = sensor.Unit,
                StateClass = sensor.StateClass,
                Options = sensor.Options,
                SuggestedDisplayPrecision = sensor.Precision,
                JsonAttributesTopic = sensor.HasAttributes ? topics.Attributes(site.Id, sensor.Key) : null,
                EntityCategory = sensor.EntityCategory,
                Icon = sensor.Icon,
            };
        }

        var document = new DiscoveryDocument(
            new DiscoveryDevice([topics.DeviceId(site.Id)], site.Name, Manufacturer, Model(view), version),
            new DiscoveryOrigin(Manufacturer, version),
            topics.Status,
            components);
        return JsonSerializer.Serialize(document, PublishedJsonContext.Relaxed.DiscoveryDocument);
    }

    private static string Model(SiteView view)
    {
        var parts = new List<string>();
        if (view.Site.Tariff is { } t)
        {
            parts.Add($"{t.Type} tariff");
        }

        if (view.Site.Meter is { } m)
        {
            parts.Add($"{m.Type} meter");
        }

        return string.Join(" + ", parts);
    }
}
