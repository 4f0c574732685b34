using System.Globalization;
using System.Text.RegularExpressions;

namespace MqttBridge.Configuration;

/// <summary>
/// A band's <c>hours</c>: "06-22" or "06:00-22:15", the half-open local range [start, end).
/// End before start wraps midnight ("22-06"); "24" is allowed as an end. Minutes are on the quarter hour
/// so that ranges line up with 15-minute slots.
/// </summary>
internal readonly partial record struct HoursRange(int StartMinute, int EndMinute)
{
    public bool WrapsMidnight => EndMinute <= StartMinute;

    /// <summary>Whether a local time of day (minutes since midnight) falls inside the range.</summary>
    public bool Contains(int minuteOfDay) => WrapsMidnight
        ? minuteOfDay >= StartMinute || minuteOfDay < EndMinute
        : minuteOfDay >= StartMinute && minuteOfDay < EndMinute;

    public static bool TryParse(string text, out HoursRange range, out string error)
    {
        range = default;
        var match = Pattern().Match(text.Replace(" ", string.Empty, StringComparison.Ordinal));
        if (!match.Success)
        {
            error = $"'{text}' is not a range of hours; write \"HH-HH\" or \"HH:MM-HH:MM\", e.g. \"06-22\" or \"22:00-06:00\"";
            return false;
        }

        var startHour = Number(match.Groups["sh"]);
        var startMinute = Number(match.Groups["sm"]);
        var endHour = Number(match.Groups["eh"]);
        var endMinute = Number(match.Groups["em"]);

        if (startHour > 23 || startMinute > 59 || endHour > 24 || endMinute > 59 || (endHour == 24 && endMinute != 0))
        {
            error = $"'{text}' is not a valid range of hours; hours run from 00 to 23 (24 only as an end, as 24 or 24:00)";
            return false;
        }

        if (startMinute % 15 != 0 || endMinute % 15 != 0)
        {
            error = $"'{text}' has minutes that are not a multiple of 15 (use :00, :15, :30 or :45)";
            return false;
        }

        var start = (startHour * 60) + startMinute;
        var end = (endHour * 60) + endMinute;
        if (start == end)
        {
            error = $"'{text}' starts and ends at the same time; leave out 'hours' for a band that lasts all day";
            return false;
        }

        range = new HoursRange(start, end);
        error = string.Empty;
        return true;
    }

    private static int Number(Group group) =>
        group.Success ? int.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^(?<sh>\d{1,2})(?::(?<sm>\d{2}))?-(?<eh>\d{1,2})(?::(?<em>\d{2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
