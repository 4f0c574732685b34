using System.Globalization;
using System.Text.RegularExpressions;

namespace MqttBridge.Domain;

/// <summary>
/// A grid company's own low-price day on top of the public holidays (some bill 24 and 31 December at the night rate):
/// every year (<see cref="Year"/> null, written <c>"12-24"</c>) or one date (<c>"2026-05-15"</c>). Local calendar dates.
/// </summary>
internal readonly partial record struct ExtraHoliday(int? Year, int Month, int Day)
{
    public bool Matches(DateOnly date) => date.Month == Month && date.Day == Day && (Year is null || Year == date.Year);

    /// <summary>Reads <c>"MM-DD"</c> or <c>"YYYY-MM-DD"</c>; <paramref name="error"/> says what is wrong, for check-config.</summary>
    public static bool TryParse(string text, out ExtraHoliday day, out string error)
    {
        day = default;
        error = string.Empty;
        var trimmed = text.Trim();
        var match = Pattern().Match(trimmed);
        if (!match.Success)
        {
            error = $"'{trimmed}' is not a date; write \"MM-DD\" for every year (\"12-24\") or \"YYYY-MM-DD\" for one day (\"2026-05-15\")";
            return false;
        }

        int? year = match.Groups["year"].Success ? int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture) : null;
        var month = int.Parse(match.Groups["month"].Value, CultureInfo.InvariantCulture);
        var dayOfMonth = int.Parse(match.Groups["day"].Value, CultureInfo.InvariantCulture);

        // A recurring date is checked against a leap year: "02-29" is a holiday in the years that have it.
        if (month is < 1 or > 12 || dayOfMonth < 1 || dayOfMonth > DateTime.DaysInMonth(year ?? 2024, month))
        {
            error = $"'{trimmed}' is not a day of the {(year is null ? "year" : "calendar")}";
            return false;
        }

        day = new ExtraHoliday(year, month, dayOfMonth);
        return true;
    }

    [GeneratedRegex(@"^(?:(?<year>\d{4})-)?(?<month>\d{1,2})-(?<day>\d{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
