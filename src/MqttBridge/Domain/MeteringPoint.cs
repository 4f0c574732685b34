namespace MqttBridge.Domain;

/// <summary>A metering-point id is personal data: messages show only enough for its owner to recognise it.</summary>
internal static class MeteringPoint
{
    /// <summary>"…0012": the last four digits, never the whole id (logs, problems and bridge/info all use this).</summary>
    public static string Masked(string? id) => id is { Length: > 4 } ? "…" + id[^4..] : id ?? "?";
}
