using System.Collections.Concurrent;

namespace MqttBridge.Domain;

/// <summary>
/// Public holidays of one country, computed (no table to go stale): fixed dates, Easter-based dates by the
/// anonymous Gregorian computus, and weekday rules. Grid tariffs price holidays like Sundays, so a band's
/// <c>workday</c> skips them. Only official holidays are listed, not Sundays in general.
/// </summary>
internal sealed class HolidayCalendar
{
    private static readonly HolidayCalendar None = new("none", _ => []);
    private static readonly HolidayCalendar Norway = new("NO", NorwegianHolidays);
    private static readonly HolidayCalendar Denmark = new("DK", DanishHolidays);
    private static readonly HolidayCalendar Sweden = new("SE", SwedishHolidays);
    private static readonly HolidayCalendar Belgium = new("BE", BelgianHolidays);

    private readonly Func<int, IEnumerable<(DateOnly Date, string Name)>> _rules;

    // A tariff asks per slot, so each year is computed once; the cache is tiny (one entry per year seen).
    private readonly ConcurrentDictionary<int, IReadOnlyDictionary<DateOnly, string>> _years = new();

    private HolidayCalendar(string code, Func<int, IEnumerable<(DateOnly Date, string Name)>> rules)
    {
        Code = code;
        _rules = rules;
    }

    /// <summary>The config code: NO, DK, SE, BE or none.</summary>
    public string Code { get; }

    /// <summary>The calendar for a config <c>holidays</c> code (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The code is not NO, DK, SE, BE or none.</exception>
    public static HolidayCalendar For(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code.Trim().ToUpperInvariant() switch
        {
            "NONE" => None,
            "NO" => Norway,
            "DK" => Denmark,
            "SE" => Sweden,
            "BE" => Belgium,
            _ => throw new ArgumentException($"Unknown holiday calendar '{code}'; use NO, DK, SE, BE or none.", nameof(code)),
        };
    }

    public bool IsHoliday(DateOnly date) => In(date.Year).ContainsKey(date);

    /// <summary>The holiday's name in the country's language, or null on an ordinary day.</summary>
    public string? NameOf(DateOnly date) => In(date.Year).TryGetValue(date, out var name) ? name : null;

    /// <summary>Every holiday of <paramref name="year"/>, by date.</summary>
    /// <remarks>Movable feasts can fall on a fixed one (17 May 2027 is Whit Monday too): such a date keeps both names.</remarks>
    public IReadOnlyDictionary<DateOnly, string> In(int year) =>
        _years.GetOrAdd(year, y => _rules(y)
            .GroupBy(h => h.Date)
            .ToDictionary(g => g.Key, g => string.Join(" / ", g.Select(h => h.Name))));

    /// <summary>Easter Sunday by the anonymous Gregorian computus (Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The first <paramref name="weekday"/> on or after <paramref name="from"/>.</summary>
    private static DateOnly FirstOnOrAfter(DateOnly from, DayOfWeek weekday) =>
        from.AddDays(((int)weekday - (int)from.DayOfWeek + 7) % 7);

    // Norway: lov om helligdager og helligdagsfred, plus 1 and 17 May (lov om 1. og 17. mai som høgtidsdager).
    private static IEnumerable<(DateOnly, string)> NorwegianHolidays(int year)
    {
        var easter = EasterSunday(year);
        yield return (new DateOnly(year, 1, 1), "1. nyttårsdag");
        yield return (easter.AddDays(-3), "Skjærtorsdag");
        yield return (easter.AddDays(-2), "Langfredag");
        yield return (easter, "1. påskedag");
        yield return (easter.AddDays(1), "2. påskedag");
        yield return (new DateOnly(year, 5, 1), "Offentlig høytidsdag");
        yield return (new DateOnly(year, 5, 17), "Grunnlovsdag");
        yield return (easter.AddDays(39), "Kristi himmelfartsdag");
        yield return (easter.AddDays(49), "1. pinsedag");
        yield return (easter.AddDays(50), "2. pinsedag");
        yield return (new DateOnly(year, 12, 25), "1. juledag");
        yield return (new DateOnly(year, 12, 26), "2. juledag");
    }

    // Denmark: the helligdage; Store bededag was abolished by law from 2024.
    private static IEnumerable<(DateOnly, string)> DanishHolidays(int year)
    {
        var easter = EasterSunday(year);
        yield return (new DateOnly(year, 1, 1), "Nytårsdag");
        yield return (easter.AddDays(-3), "Skærtorsdag");
        yield return (easter.AddDays(-2), "Langfredag");
        yield return (easter, "Påskedag");
        yield return (easter.AddDays(1), "2. påskedag");
        if (year <= 2023)
        {
            // The fourth Friday after Easter.
            yield return (easter.AddDays(26), "Store bededag");
        }

        yield return (easter.AddDays(39), "Kristi himmelfartsdag");
        yield return (easter.AddDays(49), "Pinsedag");
        yield return (easter.AddDays(50), "2. pinsedag");
        yield return (new DateOnly(year, 12, 25), "Juledag");
        yield return (new DateOnly(year, 12, 26), "2. juledag");
    }

    // Sweden: lag (1989:253) om allmänna helgdagar, plus three eves (see below).
    private static IEnumerable<(DateOnly, string)> SwedishHolidays(int year)
    {
        var easter = EasterSunday(year);
        var midsummerDay = FirstOnOrAfter(new DateOnly(year, 6, 20), DayOfWeek.Saturday);
        yield return (new DateOnly(year, 1, 1), "Nyårsdagen");
        yield return (new DateOnly(year, 1, 6), "Trettondedag jul");
        yield return (easter.AddDays(-2), "Långfredagen");
        yield return (easter, "Påskdagen");
        yield return (easter.AddDays(1), "Annandag påsk");
        yield return (new DateOnly(year, 5, 1), "Första maj");
        yield return (easter.AddDays(39), "Kristi himmelsfärdsdag");

        // Pingstdagen is in the law too; it is always a Sunday, so it changes no workday, only `holiday` bands.
        yield return (easter.AddDays(49), "Pingstdagen");
        yield return (new DateOnly(year, 6, 6), "Sveriges nationaldag");
        yield return (midsummerDay, "Midsommardagen");
        yield return (FirstOnOrAfter(new DateOnly(year, 10, 31), DayOfWeek.Saturday), "Alla helgons dag");
        yield return (new DateOnly(year, 12, 25), "Juldagen");
        yield return (new DateOnly(year, 12, 26), "Annandag jul");

        // Not helgdagar by law, but Swedish grid tariffs (like working-time rules) count these eves as non-working
        // days, so their high-load "vardag" hours do not apply; listing them here keeps `workday` right for SE.
        yield return (midsummerDay.AddDays(-1), "Midsommarafton");
        yield return (new DateOnly(year, 12, 24), "Julafton");
        yield return (new DateOnly(year, 12, 31), "Nyårsafton");
    }

    // Belgium: the ten legal public holidays (jours fériés légaux / wettelijke feestdagen).
    private static IEnumerable<(DateOnly, string)> BelgianHolidays(int year)
    {
        var easter = EasterSunday(year);
        yield return (new DateOnly(year, 1, 1), "Nieuwjaar");
        yield return (easter.AddDays(1), "Paasmaandag");
        yield return (new DateOnly(year, 5, 1), "Dag van de Arbeid");
        yield return (easter.AddDays(39), "Onze-Lieve-Heer-Hemelvaart");
        yield return (easter.AddDays(50), "Pinkstermaandag");
        yield return (new DateOnly(year, 7, 21), "Nationale feestdag");
        yield return (new DateOnly(year, 8, 15), "Onze-Lieve-Vrouw-Hemelvaart");
        yield return (new DateOnly(year, 11, 1), "Allerheiligen");
        yield return (new DateOnly(year, 11, 11), "Wapenstilstand");
        yield return (new DateOnly(year, 12, 25), "Kerstmis");
    }
}
