namespace MqttBridge.Domain;

/// <summary>
/// Everything known about one site at one moment: the input of every sensor. No I/O, no config types: which entities a
/// site has follows from its sources' declared capabilities, their state from the data in the reports.
/// </summary>
/// <param name="Id">The site id (<c>sites[i].id</c>): topics and unique ids.</param>
/// <param name="Name">The device name Home Assistant shows.</param>
/// <param name="Zone">The site's local time zone: local days, months and timestamps.</param>
/// <param name="Tariff">The tariff source's last report, or null when the site has no tariff.</param>
/// <param name="Meter">The meter source's last report, or null when the site has no meter.</param>
internal sealed record SiteView(string Id, string Name, TimeZoneInfo Zone, SourceReport? Tariff, SourceReport? Meter)
{
    /// <summary>A meter's month max placed on the tariff's capacity ladder: the meter, not the API, owns the capacity step.</summary>
    public bool MeterOwnsCapacity =>
        Meter?.Can(SourceCapabilities.MonthMax) == true && Tariff?.Can(SourceCapabilities.CapacityLadder) == true;

    /// <summary>
    /// The meter's capacity basis for local month <paramref name="year"/>-<paramref name="month"/> in kW: what the meter
    /// states, or, for a meter that states none (<see cref="MeterSnapshot.MonthMaxBasis"/>), computed from its
    /// consumption by the basis the site's tariff bills by (its capacity ladder's), else the meter's own. Null while unknown.
    /// </summary>
    public MonthMax? MonthMaxOf(int year, int month)
    {
        if (Meter?.MeterData is not { } meter)
        {
            return null;
        }

        if (meter.MonthMaxBasis is { } own)
        {
            return MonthMaxRule.Of(meter.Consumption, year, month, Zone, Tariff?.TariffData?.Capacity?.Basis ?? own);
        }

        // Matched by month, not by slot: across a month boundary, data fetched before midnight still says which month it is.
        return new[] { meter.MonthMax, meter.LastMonthMax }.FirstOrDefault(m => m is not null && m.Year == year && m.Month == month);
    }

    /// <summary>Monthly peaks (kW) of earlier local months as kept in data_dir, for a ladder billed on several months.</summary>
    public IReadOnlyDictionary<(int Year, int Month), decimal> PastPeaks { get; init; } = new Dictionary<(int Year, int Month), decimal>();

    /// <summary>
    /// The kW local month <paramref name="year"/>-<paramref name="month"/> is billed on by the tariff's ladder: its month max,
    /// or for a ladder averaged over several months (Flanders: 12) the <see cref="RollingCapacity"/> mean of
    /// <see cref="PastPeaks"/> and this and last month's max. Null while unknown.
    /// </summary>
    public decimal? BilledKw(int year, int month)
    {
        if (Tariff?.TariffData?.Capacity is not { AveragedMonths: > 1 } ladder)
        {
            return MonthMaxOf(year, month)?.Kw;
        }

        var peaks = new Dictionary<(int Year, int Month), decimal>(PastPeaks);
        var last = new DateOnly(year, month, 1).AddMonths(-1);
        foreach (var max in new[] { MonthMaxOf(last.Year, last.Month), MonthMaxOf(year, month) })
        {
            if (max is not null)
            {
                peaks[(max.Year, max.Month)] = max.Kw;
            }
        }

        return RollingCapacity.BilledKw(peaks, year, month, ladder.AveragedMonths, ladder.MinimumKw);
    }

    /// <summary>
    /// The capacity price (currency/month) of the local month holding <paramref name="now"/> when the meter owns the
    /// capacity step: its billed kW (<see cref="BilledKw"/>) on the tariff's ladder. Null otherwise, or while unknown.
    /// </summary>
    public decimal? MeterCapacityMonthlyCost(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        return MeterOwnsCapacity && Tariff?.TariffData?.Capacity is { } ladder && BilledKw(local.Year, local.Month) is { } kw
            ? ladder.MonthlyCost(kw)
            : null;
    }

    /// <summary>
    /// The fixed price per hour (currency/h) at <paramref name="now"/>: with a meter-owned capacity step, that step's monthly
    /// price spread over the month's days × 24 hours as DIGIN spreads its own (170 NOK in a 30-day month: 0.2361 NOK/h), so
    /// it agrees with <c>capacity_step</c>; otherwise the tariff's own stated hourly fixed price (DIGIN <c>fixedPrice</c> per hour).
    /// </summary>
    public decimal? FixedPricePerHour(DateTimeOffset now)
    {
        if (MeterCapacityMonthlyCost(now) is { } monthly)
        {
            var local = TimeZoneInfo.ConvertTime(now, Zone);
            return monthly / (DateTime.DaysInMonth(local.Year, local.Month) * 24m);
        }

        return Tariff?.TariffData?.Fixed?.PerHour.At(now)?.Price;
    }

    /// <summary>The currency of the site's prices: the curve's once fetched, else what the tariff source declares.</summary>
    public string Currency => Tariff?.TariffData?.Curve.Currency ?? Tariff?.Currency ?? "NOK";
}
