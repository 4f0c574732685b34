namespace MqttBridge.Domain;

/// <summary>How an export to another system (Home Assistant's long-term statistics) is doing, for <c>bridge/info</c>.</summary>
/// <param name="Status"><c>starting</c> (nothing sent yet), <c>ok</c> (up to date), <c>failing</c> (tried again later) or
/// <c>stopped</c> (given up until a restart, e.g. a refused token).</param>
/// <param name="Message">The last fault in one line (no secrets, no personal data), or null when none.</param>
/// <param name="Since">When this status began (UTC).</param>
internal sealed record ExportHealth(string Status, string? Message, DateTimeOffset Since)
{
    public const string Starting = "starting";
    public const string Ok = "ok";
    public const string Failing = "failing";
    public const string Stopped = "stopped";
}
