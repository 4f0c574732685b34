using Microsoft.Extensions.Logging;
using MqttBridge.Cli;
using MqttBridge.Configuration;
using MqttBridge.Sources.Http;

namespace MqttBridge.Sources.Digin;

/// <summary>
/// <c>mqttbridge digin tariffs</c> (also <c>mqttbridge tariffs</c>): lists a DIGIN grid company's tariffs
/// (<c>tarifftype</c>) so a user can pick a <c>tariff_key</c>. Key and URL come from <c>--api-key</c>/<c>--base-url</c>,
/// else from the config's digin site (<c>--site ID</c>, or the first). Exit 0 listed, 1 could not list (no key, API
/// refused or unreachable), with one clear line; 2 for a bad command line.
/// </summary>
internal sealed class DiginTariffsCommand : ISourceCommand
{
    public string Source => DiginTariffModule.TypeName;

    public string Verb => "tariffs";

    public string? ShortName => "tariffs";

    public string Summary => "list the tariff keys of a DIGIN grid company (tariff_key), using the config's digin api_key and base_url, or --api-key KEY and --base-url URL (default: Elvia)";

    public string Help => """
        Usage: mqttbridge tariffs [--api-key KEY] [--base-url URL] [--site ID] [--config PATH]
               (also: mqttbridge digin tariffs ...)

        Lists the tariffs (tariffKey, title, company, resolution, basis) of a DIGIN grid company, to pick a
        tariff.tariff_key. The API key and base URL come from --api-key and --base-url, else from the
        configuration's digin site (--site ID picks one; default: the first), else Elvia's URL.

          --api-key KEY     the GridTariffAPI key (sent as X-API-Key; never printed)
          --base-url URL    the company's base URL (default: the site's, else https://elvia.azure-api.net/grid-tariff)
          --site ID         the configured site whose digin api_key and base_url to use

        Exit codes: 0 listed, 1 could not list (no key, the API refused it or could not be reached), 2 bad command line.
        """;

    public IReadOnlyList<string> ValueOptions { get; } = ["--api-key", "--base-url"];

    public string? Validate(CommandLine cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        if (cli.BaseUrl is not { } baseUrl)
        {
            return null;
        }

        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return uri?.UserInfo.Length > 0 ? "--base-url is not an absolute http:// or https:// URL" : $"--base-url '{baseUrl}' is not an absolute http:// or https:// URL";
        }

        // As for base_url in the configuration: the URL is printed, so it must carry no credentials.
        return uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            ? "--base-url holds a user name, password, query or fragment; give only the company's base URL and the key as --api-key"
            : null;
    }

    public Task<int> RunAsync(SourceCommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RunAsync(context.Cli, context.Output, context.Error, context.Time, context.Loggers, cancellationToken);
    }

    public static async Task<int> RunAsync(CommandLine cli, TextWriter output, TextWriter error, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cli);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var (baseUrl, apiKey, company) = (cli.BaseUrl, cli.ApiKey, (string?)null);
        var keyFrom = apiKey is null ? "tariff.api_key" : "--api-key";
        if ((baseUrl is null || apiKey is null || cli.Site is not null) && File.Exists(cli.ConfigPath))
        {
            var config = ConfigLoader.Load(cli.ConfigPath, ConfigLoader.ProcessEnvironment());
            var sites = config.Options?.Sites.Where(s => s.Tariff is DiginTariffOptions && (cli.Site is null || s.Id == cli.Site)).ToList() ?? [];
            if (sites.FirstOrDefault() is { Tariff: DiginTariffOptions digin } site)
            {
                apiKey ??= digin.ApiKey;
                keyFrom = cli.ApiKey is null ? $"sites[{config.Options!.Sites.ToList().IndexOf(site)}].tariff.api_key" : keyFrom;
                if (baseUrl is null)
                {
                    baseUrl = digin.BaseUrl;
                    company = digin.Company;
                }
            }
            else if (cli.Site is not null && config.IsValid)
            {
                await error.WriteLineAsync($"mqttbridge tariffs: {cli.ConfigPath} has no site '{cli.Site}' with tariff.type: digin");
                return 1;
            }
            else if (!config.IsValid && apiKey is null)
            {
                await error.WriteLineAsync(ConfigReport.Render(cli.ConfigPath, config.Problems));
            }
        }

        if (string.IsNullOrWhiteSpace(apiKey))
        {
            await error.WriteLineAsync($"mqttbridge tariffs: no API key; pass --api-key KEY or add a site with tariff.type: digin and api_key to {cli.ConfigPath}");
            return 1;
        }

        baseUrl ??= GridCompanyMapping.ElviaUrl;
        company ??= baseUrl.TrimEnd('/').Equals(GridCompanyMapping.ElviaUrl, StringComparison.OrdinalIgnoreCase) ? "ELVIA AS" : new Uri(baseUrl).Host;
        var policy = DiginService.PolicyFor(company) with { MaxAttempts = 2, FirstRetryDelay = TimeSpan.FromSeconds(1) };
        using var service = new DiginService(
            DiginEndpoints.ApiRoot(baseUrl), apiKey, company, new ApiClient(new HttpClient(), policy, time, loggers.CreateLogger("MqttBridge.Digin")), null, time, loggers.CreateLogger<DiginService>());
        try
        {
            var types = await service.TariffTypesAsync(ct);
            if (types.Count == 0)
            {
                await error.WriteLineAsync($"mqttbridge tariffs: {policy.Name} lists no tariffs at {service.ApiRoot}tarifftype");
                return 1;
            }

            await output.WriteLineAsync($"{types.Count} tariff(s) from {policy.Name} ({service.ApiRoot}tarifftype); use a tariffKey as tariff.tariff_key:");
            await output.WriteLineAsync(Table(types));
            return 0;
        }
        catch (SourceException ex)
        {
            // The source names the configuration key; here the key may have come from the command line.
            await error.WriteLineAsync($"mqttbridge tariffs: {ex.OneOffMessage.Replace("check tariff.api_key", "check " + keyFrom, StringComparison.Ordinal)}");
            return 1;
        }
    }

    /// <summary>tariffKey, title, company, resolution, basis: aligned columns.</summary>
    internal static string Table(IReadOnlyList<DiginTariffType> types)
    {
        return TextTable.Render(["tariffKey", "title", "company", "resolution", "basis"], types.Select(t => new[]
        {
            t.TariffKey ?? "-",
            t.Title ?? "-",
            t.CompanyName ?? "-",
            t.Resolution is { } r ? $"{r} min" : "-",
            t.FixedPriceConfiguration?.Basis ?? "-",
        }));
    }
}
