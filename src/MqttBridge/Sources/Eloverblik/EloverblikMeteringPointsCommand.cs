using MqttBridge.Cli;
using MqttBridge.Configuration;

namespace MqttBridge.Sources.Eloverblik;

/// <summary>
/// <c>mqttbridge eloverblik meteringpoints [--site ID]</c>: the metering points of the configured refresh token's
/// login — id, type, grid operator, reading resolution — to pick a <c>metering_point_id</c>. Never names, addresses,
/// CPR/CVR, phone numbers or e-mail addresses (the API sends them; they are not even read). Uses the data access token
/// kept in data_dir, so it costs no token call while that is valid. Exit 0 listed, 1 could not list, 2 bad command line or configuration.
/// </summary>
internal sealed class EloverblikMeteringPointsCommand : ISourceCommand
{
    public string Source => EloverblikMeterModule.TypeName;

    public string Verb => "meteringpoints";

    public string? ShortName => null;

    public string Summary => "list the metering points of the config's Eloverblik refresh token (id, type, grid operator, resolution)";

    public string Help => """
        Usage: mqttbridge eloverblik meteringpoints [--site ID] [--config PATH]

        Lists the metering points linked to the Eloverblik login of the configuration's eloverblik site (--site ID
        picks one; default: the first): id, type (consumption/production), grid operator and reading resolution,
        to pick metering_point_id. No names, addresses or other personal data are shown.

          --site ID         the configured site whose refresh_token and base_url to use

        Exit codes: 0 listed, 1 could not list (no eloverblik site, the API refused the token or could not be reached), 2 bad command line or configuration.
        """;

    public IReadOnlyList<string> ValueOptions { get; } = [];

    public string? Validate(CommandLine cli) => null;

    public async Task<int> RunAsync(SourceCommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (cli, output, error) = (context.Cli, context.Output, context.Error);
        const string Name = "mqttbridge eloverblik meteringpoints";
        static EloverblikOptions? LoginOf(SiteOptions s) => (s.Meter as EloverblikOptions) ?? (s.Tariff as EloverblikOptions);
        var found = await CommandSite.FindAsync(cli, error, Name, s => LoginOf(s) is not null, "tariff.type or meter.type eloverblik");
        if (found.Site is not { } chosen || LoginOf(chosen) is not { } login)
        {
            return found.ExitCode;
        }

        using var limits = new EloverblikLimits(context.Time, context.Loggers);
        using var client = new EloverblikClient(login.BaseUrl, login.RefreshToken, limits, found.Options!.DataDir, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        try
        {
            var points = await client.MeteringPointsAsync(withDetails: true, cancellationToken);
            if (points.Count == 0)
            {
                await error.WriteLineAsync($"{Name}: the login of site '{chosen.Id}' has no metering points linked; link yours in the Eloverblik portal (eloverblik.dk)");
                return 1;
            }

            await output.WriteLineAsync($"{points.Count} metering point(s) of site '{chosen.Id}'s Eloverblik login; use an id as metering_point_id:");
            await output.WriteLineAsync(Table(points));
            return 0;
        }
        catch (SourceException ex)
        {
            await error.WriteLineAsync($"{Name}: {ex.OneOffMessage}");
            return 1;
        }
    }

    /// <summary>id, type, grid operator, resolution: aligned columns.</summary>
    internal static string Table(IReadOnlyList<MeteringPointInfo> points) =>
        TextTable.Render(["id", "type", "grid operator", "resolution"], points.Select(p => new[] { p.Id, p.TypeText, p.GridOperator ?? "-", p.Resolution ?? "-" }));
}
