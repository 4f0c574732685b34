using System.Globalization;
using MqttBridge.Domain;

namespace MqttBridge.Sources.Oresundskraft;

/// <summary><c>meter.type: oresundskraft</c>: Öresundskraft's consumption API with the subscription key issued per installation.</summary>
internal sealed record OresundskraftOptions : SourceOptions
{
    public override string Type => OresundskraftModule.TypeName;

    /// <summary>The documented API root; requests go to <c>Consumption/TimeSeries/Customers</c> under it.</summary>
    public const string DefaultBaseUrl = "https://oows.oresundskraft.se/ConsumptionExternal/api/";

    /// <summary><c>subscription_key</c>: sent as <c>Ocp-Apim-Subscription-Key</c>. A secret: never logged, never printed.</summary>
    public required string SubscriptionKey { get; init; }

    /// <summary><c>customer_number</c>: the <c>customerNumbers</c> query. Personal data: shown masked only.</summary>
    public required string CustomerNumber { get; init; }

    /// <summary><c>metering_point_id</c> (anläggnings-id, 16 or 18 digits); null = the answer's only metering point.</summary>
    public string? MeteringPointId { get; init; }

    /// <summary><c>api_version</c>: the <c>api-version</c> header; it decides the answer's shape (2.1 = hourly).</summary>
    public string ApiVersion { get; init; } = "2.1";

    /// <summary><c>delivery_category</c>: the <c>deliveryCategories</c> query filter only (monthly readings say <c>EL-EXT</c>).</summary>
    public string DeliveryCategory { get; init; } = "EL";

    /// <summary><c>poll_time</c>: Swedish local time of the daily fetch, when yesterday's hours are expected.</summary>
    public TimeOnly PollTime { get; init; } = new(9, 0);

    public string BaseUrl { get; init; } = DefaultBaseUrl;

    // Records print every property; this one holds a secret and personal data.
    public override string ToString() =>
        $"OresundskraftOptions {{ SubscriptionKey = ***, CustomerNumber = {MeteringPoint.Masked(CustomerNumber)}, MeteringPointId = {(MeteringPointId is null ? "(only)" : MeteringPoint.Masked(MeteringPointId))}, ApiVersion = {ApiVersion}, DeliveryCategory = {DeliveryCategory}, PollTime = {PollTime.ToString("HH:mm", CultureInfo.InvariantCulture)}, BaseUrl = {BaseUrl} }}";
}
