using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Sources;
using MqttBridge.Sources.Digin;
using MqttBridge.Sources.Http;

namespace MqttBridge.Cli;

/// <summary>
/// <c>mqttbridge tariffs</c>: lists a DIGIN grid company's tariffs (<c>tarifftype</c>) so a user can pick a
/// <c>tariff_key</c>. Key and URL come from <c>--api-key</c>/<c>--base-url</c>, else from the config's first digin site.
/// Exit 0 listed, 1 could not list (no key, API refused or unreachable), with one clear line.
/// </summary>
internal static class TariffsCommand
{
    public static async Task<int> RunAsync(CommandLine cli, TextWriter output, TextWriter error, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var (baseUrl, apiKey, company) = (cli.BaseUrl, cli.ApiKey, (string?)null);
        if ((baseUrl is null || apiKey is null) && File.Exists(cli.ConfigPath))
        {
            var config = ConfigLoader.Load(cli.ConfigPath, ConfigLoader.ProcessEnvironment());
            if (config.Options?.Sites.Select(s => s.Tariff).OfType<DiginTariffOptions>().FirstOrDefault() is { } digin)
            {
                apiKey ??= digin.ApiKey;
                if (baseUrl is null)
                {
                    baseUrl = digin.BaseUrl;
                    company = digin.Company;
                }
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
            await error.WriteLineAsync($"mqttbridge tariffs: {ex.Message}");
            return 1;
        }
    }

    /// <summary>tariffKey, title, company, resolution, basis: aligned columns.</summary>
    internal static string Table(IReadOnlyList<DiginTariffType> types)
    {
        string[] header = ["tariffKey", "title", "company", "resolution", "basis"];
        var rows = types.Select(t => new[]
        {
            t.TariffKey ?? "-",
            t.Title ?? "-",
            t.CompanyName ?? "-",
            t.Resolution is { } r ? $"{r} min" : "-",
            t.FixedPriceConfiguration?.Basis ?? "-",
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        return string.Join('\n', rows.Select(r => string.Join("  ", r.Select((c, i) => i == r.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd()));
    }
}
