using System.Text.Json;
using System.Text.Json.Serialization;

namespace MqttBridge.Statistics.Wire;

/// <summary><c>{"type": "auth", "access_token": …}</c>: the answer to Home Assistant's <c>auth_required</c>.</summary>
internal sealed record AuthMessage(string AccessToken)
{
    public string Type { get; init; } = "auth";
}

/// <summary>One hourly row of <c>recorder/import_statistics</c>: <c>start</c> ISO 8601 with offset at the top of an hour.</summary>
internal sealed record ImportRow(string Start, decimal State, decimal Sum);

/// <summary>
/// Metadata as Home Assistant 2025.11 and later take it: <c>mean_type</c> (0 = none) and <c>unit_class</c> (written even
/// when null, which says "no unit conversion"), no <c>has_mean</c>.
/// </summary>
internal sealed record CurrentMetadata(string StatisticId, string Source, string? Name, string UnitOfMeasurement, string? UnitClass)
{
    public bool HasSum { get; init; } = true;

    /// <summary>0: no mean (a sum-only statistic).</summary>
    public int MeanType { get; init; }
}

/// <summary>Metadata as Home Assistant before 2025.11 takes it: <c>has_mean</c>; it refuses <c>mean_type</c>'s companion <c>unit_class</c>.</summary>
internal sealed record LegacyMetadata(string StatisticId, string Source, string? Name, string UnitOfMeasurement)
{
    public bool HasSum { get; init; } = true;

    public bool HasMean { get; init; }
}

/// <summary><c>recorder/import_statistics</c> (admin only): upserts rows by (statistic_id, start).</summary>
internal sealed record ImportStatistics<TMetadata>(int Id, TMetadata Metadata, IReadOnlyList<ImportRow> Stats)
{
    public string Type { get; init; } = "recorder/import_statistics";
}

/// <summary><c>recorder/statistics_during_period</c>: hourly <c>state</c> and <c>sum</c> of the ids from <c>start_time</c>.</summary>
internal sealed record StatisticsDuringPeriod(int Id, string StartTime, IReadOnlyList<string> StatisticIds)
{
    public string Type { get; init; } = "recorder/statistics_during_period";

    public string Period { get; init; } = "hour";

    public IReadOnlyList<string> Types { get; init; } = ["state", "sum"];
}

/// <summary>An error of a <c>result</c> message: Home Assistant's code (<c>unauthorized</c>, <c>invalid_format</c>, …) and its own words.</summary>
internal sealed record ErrorBody(string? Code, string? Message);

/// <summary>
/// Any message Home Assistant sends: <c>auth_required</c>/<c>auth_ok</c>/<c>auth_invalid</c> (with <c>ha_version</c>,
/// <c>message</c>) or a <c>result</c> for the command with <c>id</c>.
/// </summary>
internal sealed record IncomingMessage(string? Type, int? Id, bool? Success, ErrorBody? Error, JsonElement? Result, string? HaVersion, string? Message);

/// <summary>A stored hourly row as <c>statistics_during_period</c> returns it; <c>start</c> in milliseconds since the epoch (2023.3 on) or ISO text before.</summary>
internal sealed record StoredRow(JsonElement Start, double? State, double? Sum);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AuthMessage))]
[JsonSerializable(typeof(ImportStatistics<CurrentMetadata>))]
[JsonSerializable(typeof(ImportStatistics<LegacyMetadata>))]
[JsonSerializable(typeof(StatisticsDuringPeriod))]
[JsonSerializable(typeof(IncomingMessage))]
[JsonSerializable(typeof(Dictionary<string, List<StoredRow>>))]
internal sealed partial class HomeAssistantJsonContext : JsonSerializerContext;
