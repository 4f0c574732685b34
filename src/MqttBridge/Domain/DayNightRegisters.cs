namespace MqttBridge.Domain;

/// <summary>
/// A dual-tariff meter's two registers per interval, in kWh: <see cref="Day"/> (the peak-rate register, Flemish
/// "dag") and <see cref="Night"/> (the off-peak one, "nacht", also weekends). Their sum is the interval's energy, which
/// the meter's main series already holds; these say how it splits. A meter with one register has none.
/// </summary>
internal sealed record DayNightRegisters(ConsumptionSeries Day, ConsumptionSeries Night)
{
    /// <summary>
    /// The day and night kWh of the readings inside [<paramref name="from"/>, <paramref name="to"/>): a register without
    /// a reading there counts 0 beside one that has. Null when neither has a reading there (unknown).
    /// </summary>
    public (decimal Day, decimal Night)? Between(DateTimeOffset from, DateTimeOffset to)
    {
        var day = Day.SumBetween(from, to);
        var night = Night.SumBetween(from, to);
        return day is null && night is null ? null : (day?.Kwh ?? 0m, night?.Kwh ?? 0m);
    }

    /// <summary>The registers of <paramref name="day"/> and <paramref name="night"/>, or null when both are empty.</summary>
    public static DayNightRegisters? Of(ConsumptionSeries day, ConsumptionSeries night) =>
        day.Readings.Count == 0 && night.Readings.Count == 0 ? null : new(day, night);
}
