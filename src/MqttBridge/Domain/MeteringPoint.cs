namespace MqttBridge.Domain;

/// <summary>Metering-point id rules: how ids look, and how they are shown (an id is personal data).</summary>
internal static class MeteringPoint
{
    /// <summary>The GS1 prefix every Norwegian (Elhub) metering point id starts with.</summary>
    public const string NorwegianPrefix = "707057";

    /// <summary>"…0012": the last four digits, never the whole id (logs, problems and bridge/info all use this).</summary>
    public static string Masked(string? id) => id is { Length: > 4 } ? "…" + id[^4..] : id ?? "?";

    /// <summary>A Norwegian metering point id (målepunkt-ID, as on the invoice): 18 digits starting with 707057.</summary>
    public static bool IsNorwegian(string text) =>
        text.Length == 18 && text.All(char.IsAsciiDigit) && text.StartsWith(NorwegianPrefix, StringComparison.Ordinal);

    /// <summary>The problem text for a value that is not <see cref="IsNorwegian"/>, followed by <paramref name="advice"/>.</summary>
    public static string NotNorwegian(string given, string advice) =>
        $"'{given}' is not a metering point id; use the 18 digits from your invoice or Min side ({NorwegianPrefix}…), {advice}";
}
