using System.Globalization;

namespace MqttBridge.Sensors;

/// <summary>How values look on the wire: invariant culture, ISO 8601 with offset, "None" for unknown.</summary>
internal static class Format
{
    /// <summary>What Home Assistant reads as "unknown" for a sensor with a unit or class.</summary>
    public const string Unknown = "None";

    /// <summary>Up to six decimals, no trailing zeros, no thousands separator: 0.314, -0.0125, 120.</summary>
    public static string Number(decimal value) =>
        Math.Round(value, 6, MidpointRounding.AwayFromZero).ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Rounded to six decimals with trailing zeros dropped, so JSON shows 0.314 rather than 0.314000.</summary>
    public static decimal Rounded(decimal value) => Math.Round(value, 6, MidpointRounding.AwayFromZero) / 1.000000000000000000000000000000000m;

    /// <summary>The instant as local time of <paramref name="zone"/> with its offset: 2026-10-25T02:00:00+01:00.</summary>
    public static string Timestamp(DateTimeOffset instant, TimeZoneInfo zone) => Domain.LocalTime.Iso8601(instant, zone);
}
