using System.Globalization;
using MqttBridge.Cli;
using MqttBridge.Configuration;
using MqttBridge.Domain;

namespace MqttBridge.Sources.Fluvius;

/// <summary>What both Fluvius commands share: the site's options from the configuration, and a client for them.</summary>
internal static class FluviusCommandSite
{
    /// <summary>
    /// The Fluvius site (<c>--site ID</c>, or the first); when there is none, <c>Site</c> is null after one message
    /// on the error writer and <c>ExitCode</c> is the command's (2 for an invalid configuration, else 1).
    /// </summary>
    public static async Task<((string SiteId, FluviusOptions Options, string DataDir, TimeZoneInfo Zone)? Site, int ExitCode)> FindAsync(CommandLine cli, TextWriter error, string name)
    {
        var found = await CommandSite.FindAsync(cli, error, name, s => s.Meter is FluviusOptions, "meter.type fluvius");
        return found is { Site: { Meter: FluviusOptions options } site, Options: { } bridge }
            ? ((site.Id, options, bridge.DataDir, TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone)), 0)
            : (null, found.ExitCode);
    }
}

/// <summary>
/// <c>mqttbridge fluvius consent --site ID</c>: creates the consent link for the site's customer (POST
/// shortUrlIdentifier with the contract, the reference number, the data services and period, the flow and the return
/// URLs) and prints it with until when it is valid. Exit 0 printed, 1 could not create it, 2 bad command line or configuration.
/// </summary>
internal sealed class FluviusConsentCommand : ISourceCommand
{
    /// <summary>Where the customer gives consent: Mijn Fluvius' page for energy-service companies, with the short URL identifier.</summary>
    public const string ConsentPage = "https://mijn.fluvius.be/verbruik/dienstverlener?id=";

    public const string DefaultReturnUrl = "https://www.fluvius.be/";

    public string Source => FluviusModule.TypeName;

    public string Verb => "consent";

    public string? ShortName => null;

    public string Summary => "create a Fluvius consent link for a site's customer (reference_number) and print it with its validity";

    public string Help => """
        Usage: mqttbridge fluvius consent [--site ID] [--services LIST] [--from DATE] [--to DATE] [--flow B2C|B2B]
                                          [--enterprise-number NUMBER] [--eans N] [--return-success URL] [--return-failed URL]
                                          [--config PATH]

        Asks Fluvius for a consent link (POST shortUrlIdentifier) for the customer of the site's reference_number,
        under its contract_number, and prints the link and until when it is valid. The customer opens it, logs in
        on Mijn Fluvius and picks the EAN(s) to share; the mandate then shows as 'requested', later 'approved'.

          --site ID                 the configured fluvius site (default: the first)
          --services LIST           data services, comma-separated (default: VH_kwartier_uur,VH_dag; gas: VH_uur)
          --from DATE               first day of data (yyyy-MM-dd, Belgian time; default: the first of the month 12 months ago,
                                    so the capacity tariff's 12 monthly peaks can be read back)
          --to DATE                 last day of data (default: none, the customer chooses)
          --flow B2C|B2B            the customer logs in as a private person (B2C, default) or an organisation (B2B)
          --enterprise-number NUM   the customer's company number, with --flow B2B
          --eans N                  how many EANs the customer may share (default 1)
          --return-success URL      where Mijn Fluvius sends the customer after consenting (default https://www.fluvius.be/)
          --return-failed URL       ... after refusing or failing (default the same)

        Exit codes: 0 link printed, 1 could not create it (no fluvius site, refused, unreachable), 2 bad command line or configuration.
        """;

    public IReadOnlyList<string> ValueOptions { get; } =
        ["--services", "--from", "--to", "--flow", "--enterprise-number", "--eans", "--return-success", "--return-failed"];

    public string? Validate(CommandLine cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var values = cli.Values ?? new Dictionary<string, string>();
        foreach (var option in new[] { "--from", "--to" })
        {
            if (values.TryGetValue(option, out var date) && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                return $"{option} '{date}' is not a date; write yyyy-MM-dd";
            }
        }

        var flow = values.GetValueOrDefault("--flow", "B2C").ToUpperInvariant();
        if (flow is not ("B2C" or "B2B"))
        {
            return $"--flow '{values["--flow"]}' is not B2C or B2B";
        }

        if (flow == "B2B" && !values.ContainsKey("--enterprise-number"))
        {
            return "--flow B2B needs --enterprise-number (the customer's company number)";
        }

        if (values.TryGetValue("--eans", out var eans) && !(int.TryParse(eans, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100))
        {
            return $"--eans '{eans}' is not a number from 1 to 100";
        }

        foreach (var option in new[] { "--return-success", "--return-failed" })
        {
            if (values.TryGetValue(option, out var url) && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                return $"{option} '{url}' is not an absolute http(s) URL";
            }
        }

        return null;
    }

    public async Task<int> RunAsync(SourceCommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        const string Name = "mqttbridge fluvius consent";
        var (found, exitCode) = await FluviusCommandSite.FindAsync(context.Cli, context.Error, Name);
        if (found is not { } site)
        {
            return exitCode;
        }

        var request = Request(site.Options, context.Cli.Values ?? new Dictionary<string, string>(), context.Time.GetUtcNow(), site.Zone);
        using var sources = new SourceContext(site.DataDir, context.Time, context.Loggers);
        try
        {
            var answer = await FluviusModule.Client(site.Options, sources).ConsentAsync(request, cancellationToken);
            var link = ConsentPage + Uri.EscapeDataString(answer.ShortUrlIdentifier!);
            var valid = DateTimeOffset.TryParse(answer.ValidTo, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until)
                ? LocalTime.Iso8601(until, site.Zone)
                : "(Fluvius did not say)";
            await context.Output.WriteLineAsync($"Consent link for site '{site.SiteId}' (reference {MeteringPoint.Masked(site.Options.ReferenceNumber)}):");
            await context.Output.WriteLineAsync(link);
            await context.Output.WriteLineAsync($"Valid until {valid}. Send it to the customer; 'mqttbridge fluvius mandates --site {site.SiteId}' shows when the mandate is approved.");
            return 0;
        }
        catch (SourceException ex)
        {
            await context.Error.WriteLineAsync($"{Name}: {ex.OneOffMessage}");
            return 1;
        }
    }

    /// <summary>The POST body from the site's options and the command's values (defaults in <see cref="Help"/>).</summary>
    internal static ConsentRequest Request(FluviusOptions options, IReadOnlyDictionary<string, string> values, DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = LocalDay.Of(now, zone).Date;
        var from = values.TryGetValue("--from", out var f) ? DateOnly.ParseExact(f, "yyyy-MM-dd", CultureInfo.InvariantCulture) : new DateOnly(today.Year, today.Month, 1).AddMonths(-12);
        string? to = values.TryGetValue("--to", out var t)
            ? FluviusClient.Utc(LocalDay.StartOf(DateOnly.ParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1), zone).AddSeconds(-1))
            : null;
        var services = values.GetValueOrDefault("--services", "VH_kwartier_uur,VH_dag")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var flow = values.GetValueOrDefault("--flow", "B2C").ToUpperInvariant();
        var success = values.GetValueOrDefault("--return-success", DefaultReturnUrl);
        return new ConsentRequest(
            options.ContractNumber,
            options.ReferenceNumber,
            flow,
            [.. services.Select(s => new ConsentDataService(s, FluviusClient.Utc(LocalDay.StartOf(from, zone)), to))],
            values.TryGetValue("--eans", out var eans) ? int.Parse(eans, CultureInfo.InvariantCulture) : 1,
            success,
            values.GetValueOrDefault("--return-failed", success),
            null,
            flow == "B2B" ? values["--enterprise-number"] : null);
    }
}

/// <summary>
/// <c>mqttbridge fluvius mandates [--site ID]</c>: the mandates of the site's reference number (or of every fluvius
/// site's) with status, EAN (masked), energy type, data service, period, expiry and renewal. Exit 0 listed (also none),
/// 1 could not list, 2 bad command line or configuration.
/// </summary>
internal sealed class FluviusMandatesCommand : ISourceCommand
{
    public string Source => FluviusModule.TypeName;

    public string Verb => "mandates";

    public string? ShortName => null;

    public string Summary => "list the Fluvius mandates of a site's customer (reference_number): status, EAN, data service, period, renewal";

    public string Help => """
        Usage: mqttbridge fluvius mandates [--site ID] [--config PATH]

        Lists the mandates Fluvius holds for the reference_number of the configured fluvius site (--site ID picks
        one; default: the first): status (requested, approved, rejected, finished), EAN (last four digits), energy
        type, data service, data period, expiry and renewal status. The bridge reads energy only while one is approved.

          --site ID         the configured fluvius site

        Exit codes: 0 listed, 1 could not list (no fluvius site, refused, unreachable), 2 bad command line or configuration.
        """;

    public IReadOnlyList<string> ValueOptions { get; } = [];

    public string? Validate(CommandLine cli) => null;

    public async Task<int> RunAsync(SourceCommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        const string Name = "mqttbridge fluvius mandates";
        var (found, exitCode) = await FluviusCommandSite.FindAsync(context.Cli, context.Error, Name);
        if (found is not { } site)
        {
            return exitCode;
        }

        using var sources = new SourceContext(site.DataDir, context.Time, context.Loggers);
        try
        {
            var (mandates, _) = await FluviusModule.Client(site.Options, sources).MandatesAsync(site.Options.ReferenceNumber, cancellationToken);
            var reference = MeteringPoint.Masked(site.Options.ReferenceNumber);
            if (mandates.Count == 0)
            {
                await context.Output.WriteLineAsync($"No mandates for site '{site.SiteId}' (reference {reference}) yet: create a consent link with 'mqttbridge fluvius consent --site {site.SiteId}'.");
                return 0;
            }

            await context.Output.WriteLineAsync($"{mandates.Count} mandate(s) for site '{site.SiteId}' (reference {reference}):");
            await context.Output.WriteLineAsync(Table(mandates, site.Zone));
            return 0;
        }
        catch (SourceException ex)
        {
            await context.Error.WriteLineAsync($"{Name}: {ex.OneOffMessage}");
            return 1;
        }
    }

    /// <summary>status, EAN (masked), energy, service, period, expires, renewal: aligned columns, dates in the site's zone.</summary>
    internal static string Table(IReadOnlyList<FluviusMandate> mandates, TimeZoneInfo zone) =>
        TextTable.Render(
            ["status", "ean", "energy", "service", "from", "to", "expires", "renewal"],
            mandates.Select(m => new[]
            {
                m.Status, MeteringPoint.Masked(m.Ean), m.IsGas ? "gas" : "electricity", m.DataServiceType ?? "-",
                Date(m.PeriodFrom, zone), Date(m.PeriodTo, zone), Date(m.Expires, zone), m.Renewal ?? "-",
            }));

    private static string Date(DateTimeOffset? at, TimeZoneInfo zone) =>
        at is { } a ? TimeZoneInfo.ConvertTime(a, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "-";
}
