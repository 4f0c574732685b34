using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MqttBridge.Sensors;

// What MqttBridge publishes as JSON. Property names become snake_case; nulls are left out to keep payloads small.

internal sealed record DiscoveryDocument(
    DiscoveryDevice Device,
    DiscoveryOrigin Origin,
    string AvailabilityTopic,
    Dictionary<string, DiscoveryComponent> Components);

internal sealed record DiscoveryDevice(IReadOnlyList<string> Identifiers, string Name, string Manufacturer, string Model, string SwVersion);

internal sealed record DiscoveryOrigin(string Name, string SwVersion);

internal sealed record DiscoveryComponent(string Platform, string Name, string UniqueId, string DefaultEntityId, string StateTopic)
{
    public string? DeviceClass { get; init; }

    public string? UnitOfMeasurement { get; init; }

    public string? StateClass { get; init; }

    public IReadOnlyList<string>? Options { get; init; }

    public int? SuggestedDisplayPrecision { get; init; }

    public string? JsonAttributesTopic { get; init; }

    public string? EntityCategory { get; init; }

    public string? Icon { get; init; }
}

/// <summary>
/// <c>grid_price</c> attributes in the shape of the Nord Pool integration, so cheapest-hours macros,
/// ev_smart_charging and nordpool_planner read them as they are. Entries carry no <c>end</c>: see README.
/// Nothing in them names the slot now, so they change when the prices do (a new day, a new curve), not at every
/// slot boundary: Home Assistant's recorder stores a new attribute set each time one changes.
/// </summary>
internal sealed record GridPriceAttributes(
    string Currency,
    string Unit,
    int ResolutionMinutes,
    decimal? Min,
    decimal? Max,
    decimal? Average,
    IReadOnlyList<decimal> Today,
    IReadOnlyList<decimal> Tomorrow,
    bool TomorrowValid,
    IReadOnlyList<RawPrice> RawToday,
    IReadOnlyList<RawPrice> RawTomorrow);

internal sealed record RawPrice(string Start, decimal Value);

internal sealed record NextHourAttributes(string Start, string End, string? Level);

internal sealed record SourceProblemAttributes(string Source, string? LastGoodFetch, string? NextAttempt, string? LastError);

internal sealed record PricesDocument(string Currency, IReadOnlyList<PublishedSlot> Slots);

internal sealed record PublishedSlot(string Start, string End, decimal Price, string? Level);

/// <summary>One entry of evcc's <c>custom</c> tariff forecast (its api.Rate).</summary>
internal sealed record EvccRate(string Start, string End, decimal Value);

internal sealed record BridgeInfoDocument(string Version, IReadOnlyList<BridgeInfoSite> Sites)
{
    /// <summary>Home Assistant's statistics import, when it is on.</summary>
    public BridgeInfoExport? Statistics { get; init; }
}

internal sealed record BridgeInfoExport(string Status, string? Message, string Since);

internal sealed record BridgeInfoSite(string Id, string Name, string TimeZone, IReadOnlyList<BridgeInfoSource> Sources);

internal sealed record BridgeInfoSource(string Role, string Type, string? LastGoodFetch, string? NextRefresh, string? LastError, string Status);

/// <summary><c>capacity_step</c> attributes (DIGIN): the step now and the whole ladder, for people and templates.</summary>
internal sealed record CapacityStepAttributes(
    string? Basis,
    string? Range,
    decimal? ValueMin,
    decimal? ValueMax,
    string? Unit,
    decimal? MonthlyPrice,
    string? Currency,
    int Steps,
    IReadOnlyList<string> Ladder);

/// <summary><c>power_price</c> attributes (DIGIN LSDN/HSDN): the reactive price and every power step.</summary>
internal sealed record PowerPriceAttributes(string Currency, string Unit, decimal? ReactiveMonthly, bool ReactivePricing, IReadOnlyList<PowerPriceStepAttributes> Steps);

internal sealed record PowerPriceStepAttributes(decimal? ValueMin, decimal? ValueMax, string? Unit, decimal? ActiveMonthly, decimal? ReactiveMonthly);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DiscoveryDocument))]
[JsonSerializable(typeof(DayAttributes))]
[JsonSerializable(typeof(RunningAttributes))]
[JsonSerializable(typeof(MaxHourAttributes))]
[JsonSerializable(typeof(MeterCapacityAttributes))]
[JsonSerializable(typeof(GridPriceAttributes))]
[JsonSerializable(typeof(NextHourAttributes))]
[JsonSerializable(typeof(SourceProblemAttributes))]
[JsonSerializable(typeof(PricesDocument))]
[JsonSerializable(typeof(List<EvccRate>))]
[JsonSerializable(typeof(BridgeInfoDocument))]
[JsonSerializable(typeof(CapacityStepAttributes))]
[JsonSerializable(typeof(PowerPriceAttributes))]
[JsonSerializable(typeof(MonthReadingAttributes))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class PublishedJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context to publish with: '+' in offsets and non-ASCII site names stay readable ("+01:00", "Hytta på fjellet")
    /// instead of \u002B escapes. MQTT payloads are never embedded in HTML, so the relaxed encoder is safe here.
    /// </summary>
    public static PublishedJsonContext Relaxed => RelaxedHolder.Instance;

    // A holder class, so the instance is built on first use, after the generated Default exists (field
    // initialisers across partial files run in no guaranteed order).
    private static class RelaxedHolder
    {
        public static readonly PublishedJsonContext Instance = new(new JsonSerializerOptions(Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
