using System.Globalization;

namespace MqttBridge.Sources.Fluvius;

/// <summary>
/// One mandate (the customer's consent for one EAN and data service) as GET Mandate lists it. <see cref="Status"/> is
/// the published text: <c>requested</c>, <c>approved</c>, <c>rejected</c>, <c>finished</c> (or the API's own word,
/// lower-case); <see cref="Renewal"/> <c>to_be_renewed</c>, <c>renewal_requested</c>, <c>expired</c> or null.
/// </summary>
internal sealed record FluviusMandate(
    string ReferenceNumber,
    string Status,
    string? Ean,
    string EnergyType,
    string? DataServiceType,
    DateTimeOffset? PeriodFrom,
    DateTimeOffset? PeriodTo,
    DateTimeOffset? Expires,
    string? Renewal)
{
    public bool IsApproved => Status == FluviusMandates.Approved;

    public bool IsGas => EnergyType == "G";
}

/// <summary>GET Mandate answers (v2 and v3) and the rule that picks a site's mandate from them.</summary>
internal static class FluviusMandates
{
    public const string Requested = "requested";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Finished = "finished";
    public const string None = "none";

    /// <summary>The states of the <c>mandate_status</c> diagnostic, as published.</summary>
    public static IReadOnlyList<string> States { get; } = [Requested, Approved, Rejected, Finished, None];

    /// <summary>Every mandate of the answer; one without a status is left out (it says nothing).</summary>
    public static IReadOnlyList<FluviusMandate> Map(MandateResponse response)
    {
        var list = new List<FluviusMandate>();
        foreach (var m in response.Data?.Mandates ?? [])
        {
            if (string.IsNullOrWhiteSpace(m.Status))
            {
                continue;
            }

            list.Add(new FluviusMandate(
                m.ReferenceNumber ?? string.Empty,
                m.Status.Trim().ToLowerInvariant(),
                m.Ean ?? m.EanNumber,
                string.Equals(m.EnergyType, "G", StringComparison.OrdinalIgnoreCase) ? "G" : "E",
                m.DataServiceType,
                Date(m.DataPeriodFrom),
                Date(m.DataPeriodTo),
                Date(m.MandateExpirationDate),
                Snake(m.RenewalStatus)));
        }

        return list;
    }

    /// <summary>
    /// The mandate a site reads: of <paramref name="reference"/> (and <paramref name="ean"/> when configured), the approved
    /// one with the finest data service (quarter-hour before hour before day), else the most hopeful state
    /// (requested, then rejected, then finished); null when there is none.
    /// </summary>
    public static FluviusMandate? Choose(IReadOnlyList<FluviusMandate> mandates, string reference, string? ean) =>
        mandates
            .Where(m => m.ReferenceNumber.Length == 0 || string.Equals(m.ReferenceNumber, reference, StringComparison.OrdinalIgnoreCase))
            .Where(m => ean is null || m.Ean == ean)
            .OrderBy(m => m.Status switch { Approved => 0, Requested => 1, Rejected => 2, Finished => 3, _ => 4 })
            .ThenBy(m => Fineness(m.DataServiceType))
            .ThenBy(m => m.IsGas ? 1 : 0)
            .FirstOrDefault();

    /// <summary>0 for quarter-hours, 1 for half-hours and hours, 2 for days, 3 for anything else.</summary>
    public static int Fineness(string? service) => service switch
    {
        "VH_kwartier_uur" => 0,
        "VH_half_uur" or "VH_uur" => 1,
        "VH_dag" => 2,
        _ => 3,
    };

    private static DateTimeOffset? Date(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : null;

    /// <summary>ToBeRenewed → to_be_renewed.</summary>
    private static string? Snake(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var builder = new System.Text.StringBuilder();
        foreach (var c in text.Trim())
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
