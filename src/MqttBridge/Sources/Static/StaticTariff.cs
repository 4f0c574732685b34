using System.Globalization;
using MqttBridge.Configuration;
using MqttBridge.Domain;

namespace MqttBridge.Sources.Static;

/// <summary>
/// A time-of-use grid tariff written as rules (<c>tariff.type: static</c>), turned into price curves per local day.
/// Pure: the same options, zone and day always give the same curve.
/// </summary>
internal sealed class StaticTariff : IPastPrices
{
    private readonly TimeSpan _resolution;
    private readonly Band[] _bands;
    private readonly PriceComposition _composition;
    private readonly HolidayCalendar _holidays;
    private readonly ExtraHoliday[] _extraHolidays;

    /// <exception cref="ArgumentException">The options hold a rule this tariff cannot read (bad hours, day or month).</exception>
    public StaticTariff(StaticTariffOptions options, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zone);
        if (options.Resolution is not (15 or 60))
        {
            throw new ArgumentException($"resolution must be 15 or 60 minutes, not {options.Resolution}.", nameof(options));
        }

        Zone = zone;
        Currency = options.Currency;
        _resolution = TimeSpan.FromMinutes(options.Resolution);
        _holidays = HolidayCalendar.For(options.Holidays);
        _extraHolidays = [.. options.ExtraHolidays.Select(text => ExtraHoliday.TryParse(text, out var day, out var error) ? day : throw new ArgumentException($"extra_holidays: {error}.", nameof(options)))];
        _composition = new PriceComposition(options.Taxes.Select(t => new Levy(t.Name, t.PerKwh, MonthSet(t.Months, $"tax '{t.Name}'") ?? [])), options.Vat);
        _bands = [.. options.Bands.Select(Band.From)];
        Capacity = options.Capacity is null ? null : LadderFrom(options.Capacity, options.Currency, options.Vat);
    }

    public TimeZoneInfo Zone { get; }

    public string Currency { get; }

    /// <summary>The capacity ladder with VAT applied (unless the config says its prices include VAT), or null.</summary>
    public CapacityLadder? Capacity { get; }

    /// <summary>
    /// One local day's slots at the configured resolution, stepped in instants from the day's start (so a 23-hour
    /// day has 23 hourly slots and a 25-hour day 25). An instant no band covers is left as a gap: no price is
    /// better than an invented one.
    /// </summary>
    public PriceCurve CurveFor(LocalDay day) => new PriceCurve(Currency, SlotsOf(day)).WithLevels(Zone);

    /// <summary>The slots of <paramref name="days"/> whole local days from <paramref name="first"/>, one curve.</summary>
    public PriceCurve CurveFor(LocalDay first, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var slots = new List<PriceSlot>();
        var day = first;
        for (var i = 0; i < days; i++, day = day.Next)
        {
            slots.AddRange(SlotsOf(day));
        }

        return new PriceCurve(Currency, slots).WithLevels(Zone);
    }

    /// <summary>Every whole local day that overlaps [<paramref name="from"/>, <paramref name="to"/>), one curve.</summary>
    public PriceCurve CurveFor(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return PriceCurve.Empty(Currency);
        }

        var first = LocalDay.Of(from, Zone);
        var last = LocalDay.Of(to - TimeSpan.FromTicks(1), Zone);
        return CurveFor(first, last.Date.DayNumber - first.Date.DayNumber + 1);
    }

    /// <summary>The rules price any past instant as they price today: the slots of [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public Task<PriceCurve> PricesAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(new PriceCurve(Currency, CurveFor(from, to).Between(from, to)));

    /// <summary>The name of the band that prices <paramref name="instant"/>'s local time, or null if none does.</summary>
    public string? BandAt(DateTimeOffset instant) => BandFor(TimeZoneInfo.ConvertTime(instant, Zone).DateTime)?.Name;

    private List<PriceSlot> SlotsOf(LocalDay day)
    {
        var end = day.End;
        var priced = new List<(DateTimeOffset Start, DateTimeOffset End, decimal Price, PriceLevel? Level)>();
        for (var start = day.Start; start < end; start += _resolution)
        {
            // A slot's local start decides its band: after the autumn change both 02:00 hours are night.
            var local = TimeZoneInfo.ConvertTime(start, Zone).DateTime;
            var band = BandFor(local);
            if (band is null)
            {
                continue;
            }

            var slotEnd = start + _resolution < end ? start + _resolution : end;
            priced.Add((start, slotEnd, _composition.Total(band.Price, local.Month), band.Level));
        }

        // Bands without a level of their own get theirs from the day's curve (PriceCurve.LevelOf, time-weighted).
        return [.. priced.Select(p => new PriceSlot(p.Start, p.End, p.Price, p.Level))];
    }

    private Band? BandFor(DateTime local)
    {
        var date = DateOnly.FromDateTime(local);
        var minute = (local.Hour * 60) + local.Minute;
        var holiday = _holidays.IsHoliday(date) || _extraHolidays.Any(d => d.Matches(date));
        foreach (var band in _bands)
        {
            if (band.Holds(date, minute, holiday))
            {
                return band;
            }
        }

        return null;
    }

    private static CapacityLadder LadderFrom(CapacityOptions capacity, string currency, decimal vat)
    {
        var basis = capacity.Basis.Trim().ToLowerInvariant() switch
        {
            "three_daily_max_hours" => CapacityBasis.ThreeDailyMaxHours,
            "monthly_peak_quarter_hour" => CapacityBasis.MonthlyPeakQuarterHour,
            "monthly_max_hour" => CapacityBasis.MonthlyMaxHour,
            _ => throw new ArgumentException(
                $"capacity.basis '{capacity.Basis}' is not three_daily_max_hours, monthly_peak_quarter_hour or monthly_max_hour.",
                nameof(capacity)),
        };
        var factor = capacity.PricesIncludeVat ? 1m : 1m + vat;
        var steps = capacity.Steps.Select(s => new CapacityStep(s.FromKw, s.ToKw, s.MonthlyPrice * factor, s.PerKwMonthly * factor));
        return new CapacityLadder(currency, basis, steps, capacity.MinimumKw, capacity.ThresholdInLowerStep) { AveragedMonths = capacity.AverageMonths };
    }

    private static HashSet<int>? MonthSet(IReadOnlyList<int> months, string owner)
    {
        if (months.Count == 0)
        {
            return null;
        }

        foreach (var month in months)
        {
            if (month is < 1 or > 12)
            {
                throw new ArgumentException($"{owner}: month {month} is not 1..12.", nameof(months));
            }
        }

        return [.. months];
    }

    /// <summary>A band's conditions, parsed once. Minutes count local wall-clock time from midnight.</summary>
    private sealed record Band(string Name, decimal Price, PriceLevel? Level, HoursRange? Hours, DayRule Days, HashSet<int>? Months)
    {
        public static Band From(BandOptions options)
        {
            var owner = $"band '{options.Name}'";
            PriceLevel? level = null;
            if (options.Level is not null)
            {
                level = PriceLevels.TryParse(options.Level, out var parsed)
                    ? parsed
                    : throw new ArgumentException($"{owner}: level '{options.Level}' is not one of {string.Join(", ", PriceLevels.Options)}.", nameof(options));
            }

            // The same parser as the config validator, so a rule check-config accepts is a rule the tariff reads.
            HoursRange? hours = null;
            if (options.Hours is not null)
            {
                hours = HoursRange.TryParse(options.Hours, out var range, out var error)
                    ? range
                    : throw new ArgumentException($"{owner}: hours {error}.", nameof(options));
            }

            return new Band(options.Name, options.Price, level, hours, DayRule.Parse(options.Days, owner), MonthSet(options.Months, owner));
        }

        public bool Holds(DateOnly date, int minute, bool holiday) =>
            (Months is null || Months.Contains(date.Month)) && Days.Holds(date.DayOfWeek, holiday) && (Hours is not { } h || h.Contains(minute));
    }

    /// <summary>Which days a band covers: any listed weekday, or workday/weekend/holiday. Empty means every day.</summary>
    private sealed record DayRule(bool Every, HashSet<DayOfWeek> Weekdays, bool Workday, bool Weekend, bool Holiday)
    {
        public static DayRule Parse(IReadOnlyList<string> days, string owner)
        {
            var rule = new DayRule(days.Count == 0, [], false, false, false);
            foreach (var day in days)
            {
                switch (day.Trim().ToLowerInvariant())
                {
                    case "mon" or "monday": rule.Weekdays.Add(DayOfWeek.Monday); break;
                    case "tue" or "tuesday": rule.Weekdays.Add(DayOfWeek.Tuesday); break;
                    case "wed" or "wednesday": rule.Weekdays.Add(DayOfWeek.Wednesday); break;
                    case "thu" or "thursday": rule.Weekdays.Add(DayOfWeek.Thursday); break;
                    case "fri" or "friday": rule.Weekdays.Add(DayOfWeek.Friday); break;
                    case "sat" or "saturday": rule.Weekdays.Add(DayOfWeek.Saturday); break;
                    case "sun" or "sunday": rule.Weekdays.Add(DayOfWeek.Sunday); break;
                    case "workday": rule = rule with { Workday = true }; break;
                    case "weekend": rule = rule with { Weekend = true }; break;
                    case "holiday": rule = rule with { Holiday = true }; break;
                    default:
                        throw new ArgumentException($"{owner}: day '{day}' is not mon..sun, workday, weekend or holiday.", nameof(days));
                }
            }

            return rule;
        }

        public bool Holds(DayOfWeek weekday, bool holiday)
        {
            var weekend = weekday is DayOfWeek.Saturday or DayOfWeek.Sunday;
            return Every
                || Weekdays.Contains(weekday)
                || (Workday && !weekend && !holiday)
                || (Weekend && weekend)
                || (Holiday && holiday);
        }
    }
}
