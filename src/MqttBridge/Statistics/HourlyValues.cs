using MqttBridge.Domain;

namespace MqttBridge.Statistics;

/// <summary>
/// Per-hour figures for Home Assistant's long-term statistics: hour start (UTC, top of the hour) → the hour's value.
/// Pure: turns a meter's <see cref="ConsumptionSeries"/> into clock hours and prices them with a <see cref="PriceCurve"/>.
/// </summary>
internal static class HourlyValues
{
    /// <summary>Decimals kept of every figure sent (kWh and money): what Home Assistant's float stores without noise.</summary>
    public const int Decimals = 6;

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>
    /// The energy of each clock hour, in kWh: hourly readings as they are, quarter-hour (or any sub-hour) readings summed
    /// into the hour that holds them. An hour is there only when its readings cover all of it; an hour with no or partial
    /// data is left out (unknown, never 0). Hours are cut in UTC, which in every whole-hour-offset zone is the local clock
    /// hour, so a 23- or 25-hour local day gives 23 or 25 hours. Readings longer than an hour (daily values) are left out.
    /// </summary>
    public static SortedDictionary<DateTimeOffset, decimal> Energy(ConsumptionSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var sums = new SortedDictionary<DateTimeOffset, (decimal Kwh, TimeSpan Covered)>();
        foreach (var reading in series.Readings)
        {
            var hour = HourOf(reading.Start);
            if (reading.End <= reading.Start || reading.End > hour + Hour)
            {
                continue;
            }

            var known = sums.GetValueOrDefault(hour);
            sums[hour] = (known.Kwh + reading.Kwh, known.Covered + (reading.End - reading.Start));
        }

        var hours = new SortedDictionary<DateTimeOffset, decimal>();
        foreach (var (hour, (kwh, covered)) in sums)
        {
            if (covered == Hour)
            {
                hours[hour] = Math.Round(kwh, Decimals);
            }
        }

        return hours;
    }

    /// <summary>
    /// The cost of each hour in <paramref name="energy"/> (kWh): its energy × the time-weighted mean price over the hour
    /// (four 15-minute prices count a quarter each), in the curve's currency. An hour the curve does not cover wholly is
    /// left out.
    /// </summary>
    public static SortedDictionary<DateTimeOffset, decimal> Cost(IReadOnlyDictionary<DateTimeOffset, decimal> energy, PriceCurve prices)
    {
        ArgumentNullException.ThrowIfNull(energy);
        ArgumentNullException.ThrowIfNull(prices);
        var costs = new SortedDictionary<DateTimeOffset, decimal>();
        foreach (var (hour, kwh) in energy)
        {
            if (prices.MeanOver(hour, hour + Hour) is { } price)
            {
                costs[hour] = Math.Round(kwh * price, Decimals);
            }
        }

        return costs;
    }

    /// <summary>The start of the UTC hour holding <paramref name="instant"/>.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
}
