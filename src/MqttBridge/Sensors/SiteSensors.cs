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

    /// <summary>
    /// Every retained message the site's entities hold at <paramref name="now"/>, discovery first. Discovery does not
    /// depend on the instant: a caller that rendered the same <paramref name="view"/> before may leave it out
    /// (<paramref name="withDiscovery"/> false), as the scheduler does at a slot boundary.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Render(SiteView view, DateTimeOffset now, Topics topics, string version, bool withDiscovery = true)
    {
        var siteId = view.Id;
        var curve = view.Tariff?.TariffData?.Curve;
        var currency = view.Currency;
        var fixedPrice = view.Tariff?.TariffData?.Fixed;
        var messages = new List<KeyValuePair<string, string>>();
        if (withDiscovery)
        {
            messages.Add(new(topics.Discovery(siteId), Discovery(view, SensorCatalog.For(view), topics, version)));
        }

        void Add(string topic, string payload) => messages.Add(new(topic, payload));

        if (view.Tariff is { } tariff)
        {
            if (tariff.Can(SourceCapabilities.PriceCurve))
            {
                AddPrices();
            }

            AddProblem(tariff, SensorCatalog.TariffProblem, now);
            if (tariff.Can(SourceCapabilities.FixedPrices))
            {
                AddFixedPrice(fixedPrice);
            }

            if (tariff.Can(SourceCapabilities.SubscriptionPrice))
            {
                Add(topics.State(siteId, SensorCatalog.SubscriptionMonthlyPrice), Number(tariff.TariffData?.SubscriptionMonthly));
            }

            AddDiagnostics(tariff);
        }

        if (view.Meter is { } meter)
        {
            MeterSensors.Render(view, now, topics, Add);
            AddProblem(meter, SensorCatalog.MeterProblem, now);
            AddDiagnostics(meter, skip: view.Tariff?.Diagnostics);
        }

        return messages;

        void AddPrices()
        {
            var prices = TariffParts.For(curve ?? PriceCurve.Empty(currency), view.Zone, now);
            Add(topics.State(siteId, SensorCatalog.GridPrice), prices.GridPrice);
            Add(topics.Attributes(siteId, SensorCatalog.GridPrice), prices.GridPriceAttributes);
            Add(topics.State(siteId, SensorCatalog.PriceLevel), prices.PriceLevel);
            Add(topics.State(siteId, SensorCatalog.NextHourPrice), prices.NextHourPrice);
            Add(topics.Attributes(siteId, SensorCatalog.NextHourPrice), prices.NextHourAttributes);
            Add(topics.State(siteId, SensorCatalog.TodayMinPrice), prices.TodayMin);
            Add(topics.State(siteId, SensorCatalog.TodayMaxPrice), prices.TodayMax);
            Add(topics.State(siteId, SensorCatalog.TodayAveragePrice), prices.TodayAverage);
            Add(topics.State(siteId, SensorCatalog.TomorrowAvailable), prices.TomorrowAvailable);
            Add(topics.Prices(siteId), prices.Prices);
            Add(topics.EvccForecast(siteId), prices.EvccForecast);
        }

        void AddFixedPrice(FixedPrice? fixedPrice)
        {
            var step = fixedPrice?.Current;
            if (!view.MeterOwnsCapacity)
            {
                Add(topics.State(siteId, SensorCatalog.CapacityStep), fixedPrice?.CurrentNumber is { } n ? n.ToString(CultureInfo.InvariantCulture) : Format.Unknown);
                Add(topics.Attributes(siteId, SensorCatalog.CapacityStep), JsonSerializer.Serialize(
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
                Add(topics.State(siteId, SensorCatalog.CapacityMonthlyPrice), Number(step?.MonthlyTotal));
            }

            Add(topics.State(siteId, SensorCatalog.FixedPricePerHour), Number(view.FixedPricePerHour(now)));
            if (fixedPrice?.Power is { } power)
            {
                var first = power.Steps.Count > 0 ? power.Steps[0] : null;
                Add(topics.State(siteId, SensorCatalog.PowerPrice), Number(first?.ActiveMonthly));
                Add(topics.Attributes(siteId, SensorCatalog.PowerPrice), JsonSerializer.Serialize(
                    new PowerPriceAttributes(
                        power.Currency,
                        power.Unit,
                        Rounded(first?.ReactiveMonthly),
                        power.ReactivePricing,
                        [.. power.Steps.Select(p => new PowerPriceStepAttributes(Rounded(p.ValueMin), Rounded(p.ValueMax), p.Unit, Rounded(p.ActiveMonthly), Rounded(p.ReactiveMonthly)))]),
                    PublishedJsonContext.Relaxed.PowerPriceAttributes));
            }
        }

        void AddDiagnostics(SourceReport source, IReadOnlyList<DiagnosticDefinition>? skip = null)
        {
            foreach (var diagnostic in source.Diagnostics.Where(d => skip?.Any(s => s.Key == d.Key) != true))
            {
                var value = source.Diagnostic(diagnostic.Key);
                Add(topics.State(siteId, diagnostic.Key), value switch
                {
                    { At: { } at } => Format.Timestamp(at, view.Zone),
                    { Text: { } text } => text,
                    _ => Format.Unknown,
                });
                if (diagnostic.HasAttributes)
                {
                    var attributes = (value?.Attributes ?? EmptyAttributes).Where(a => a.Value is not null).ToDictionary(a => a.Key, a => a.Value!, StringComparer.Ordinal);
                    Add(topics.Attributes(siteId, diagnostic.Key), JsonSerializer.Serialize(attributes, PublishedJsonContext.Relaxed.DictionaryStringString));
                }
            }
        }

        void AddProblem(SourceReport source, string key, DateTimeOffset instant)
        {
            // A problem is a fault with no data left to serve; a fault with good data left (degraded) is shown in attributes.
            var failing = source.StatusAt(instant) == SourceStatus.Failing;
            Add(topics.State(siteId, key), failing ? "ON" : "OFF");
            Add(topics.Attributes(siteId, key), JsonSerializer.Serialize(
                new SourceProblemAttributes(
                    source.Type,
                    source.LastGoodFetch is { } good ? Format.Timestamp(good, view.Zone) : null,
                    source.NextAttempt is { } next ? Format.Timestamp(next, view.Zone) : null,
                    source.LastError),
                PublishedJsonContext.Relaxed.SourceProblemAttributes));
        }
    }

    /// <summary>When the rendered messages next change: the next slot or hour boundary.</summary>
    public static DateTimeOffset? NextChange(SiteView view, DateTimeOffset now)
    {
        // Meter sensors roll over at local midnight (yesterday, today, the month).
        DateTimeOffset? midnight = view.Meter is null ? null : LocalDay.Of(now, view.Zone).End;
        var curve = view.Tariff?.TariffData?.Curve;
        if (curve is null)
        {
            return midnight;
        }

        var candidates = new List<DateTimeOffset> { LocalTime.HourStart(now, view.Zone).AddHours(1) };
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

    private static readonly Dictionary<string, string?> EmptyAttributes = [];

    private static decimal? Rounded(decimal? value) => value is { } v ? Format.Rounded(v) : null;

    private static string Number(decimal? value) => value is { } v ? Format.Number(v) : Format.Unknown;

    private static string Discovery(SiteView view, IReadOnlyList<SensorDefinition> sensors, Topics topics, string version)
    {
        var siteId = view.Id;
        var components = new Dictionary<string, DiscoveryComponent>();
        foreach (var sensor in sensors)
        {
            var objectId = $"{topics.DeviceId(siteId)}_{sensor.Key}";
            components[sensor.Key] = new DiscoveryComponent(
                sensor.Platform, sensor.Name, objectId, $"{sensor.Platform}.{objectId}", topics.State(siteId, sensor.Key))
            {
                DeviceClass = sensor.DeviceClass,
                UnitOfMeasurement = sensor.Unit,
                StateClass = sensor.StateClass,
                Options = sensor.Options,
                SuggestedDisplayPrecision = sensor.Precision,
                JsonAttributesTopic = sensor.HasAttributes ? topics.Attributes(siteId, sensor.Key) : null,
                EntityCategory = sensor.EntityCategory,
                Icon = sensor.Icon,
            };
        }

        var document = new DiscoveryDocument(
            new DiscoveryDevice([topics.DeviceId(siteId)], view.Name, Manufacturer, Model(view), version),
            new DiscoveryOrigin(Manufacturer, version),
            topics.Status,
            components);
        return JsonSerializer.Serialize(document, PublishedJsonContext.Relaxed.DiscoveryDocument);
    }

    private static string Model(SiteView view)
    {
        var parts = new List<string>();
        if (view.Tariff is { } t)
        {
            parts.Add($"{t.Type} tariff");
        }

        if (view.Meter is { } m)
        {
            parts.Add($"{m.Type} meter");
        }

        return string.Join(" + ", parts);
    }
}
