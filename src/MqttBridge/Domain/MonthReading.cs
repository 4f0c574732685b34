namespace MqttBridge.Domain;

/// <summary>
/// A month's consumption in kWh as a meter operator reads it at month end (Öresundskraft's <c>ConsumptionReadings</c>):
/// the local month, the reading's date, and how and why it was read as the API words them (<c>ReadingMethod</c> "Fjärr" =
/// remote, <c>ReadingReason</c> a code), null where not given.
/// </summary>
internal sealed record MonthReading(int Year, int Month, decimal Kwh, DateOnly ReadOn, string? Method, string? Reason);
