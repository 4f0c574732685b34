using System.Text.Json;

namespace MqttBridge.Sources.Digin;

/// <summary>A grid company of the DIGIN mapping: who serves a metering point, and where its GridTariffAPI lives.</summary>
internal sealed record GridCompany(string Name, string OrgNo, string ApiUrl, string? UserDoc);

/// <summary>
/// The standard's <c>DiginGridTariffAPI.gridcompany-mapping.json</c>, shipped with the bridge. Bounds are 17 digits
/// (no check digit) for most companies and 18 for Norgesnett, so ids are compared on their first 17 digits.
/// </summary>
internal sealed class GridCompanyMapping
{
    public const string FileName = "DiginGridTariffAPI.gridcompany-mapping.json";

    public const string ElviaUrl = "https://elvia.azure-api.net/grid-tariff";

    /// <summary>The mapping is built into the binary (src/MqttBridge/Resources/): nothing to ship next to it.</summary>
    private const string ResourceName = "digin.gridcompany-mapping";

    private static readonly Lazy<GridCompanyMapping?> Shipped = new(() =>
    {
        try
        {
            using var stream = typeof(GridCompanyMapping).Assembly.GetManifestResourceStream(ResourceName);
            if (stream is null)
            {
                return null;
            }

            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return Load(bytes.ToArray());
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return null;
        }
    });

    private readonly List<(string From, string To, GridCompany Company)> _ranges;

    private GridCompanyMapping(List<(string From, string To, GridCompany Company)> ranges) => _ranges = ranges;

    /// <summary>The mapping built into the bridge, or null if it were damaged.</summary>
    public static GridCompanyMapping? Default => Shipped.Value;

    public int Count => _ranges.Count;

    public static GridCompanyMapping Load(byte[] json)
    {
        var file = DiginMapper.Parse(DiginMapper.Decode(json, out _), DiginJsonContext.Default.DiginCompanyMappingFile);
        var ranges = new List<(string, string, GridCompany)>();
        foreach (var r in file.GridTariffGridCompanyMapping?.MeteringPointRange ?? [])
        {
            if (r.MeteringPointIdFrom is { Length: >= 17 } from && r.MeteringPointIdTo is { Length: >= 17 } to && r.ApiUrl is { Length: > 0 } url)
            {
                ranges.Add((from[..17], to[..17], new GridCompany(r.CompanyName ?? "unknown company", r.CompanyOrgNo ?? string.Empty, url.Trim(), r.UserDocUrlOrEmail)));
            }
        }

        return new GridCompanyMapping(ranges);
    }

    /// <summary>The company whose range holds <paramref name="meteringPointId"/> (18 digits), or null.</summary>
    public GridCompany? Find(string meteringPointId)
    {
        if (meteringPointId.Length < 17)
        {
            return null;
        }

        var key = meteringPointId[..17];
        return _ranges.FirstOrDefault(r => string.CompareOrdinal(r.From, key) <= 0 && string.CompareOrdinal(key, r.To) <= 0).Company;
    }
}

/// <summary>Where the endpoints are under a <c>base_url</c>.</summary>
internal static class DiginEndpoints
{
    /// <summary>
    /// The API root the endpoint paths are relative to. A URL that already names the version (<c>…/api/1.0</c>, or
    /// Lnett's mapping entry that points at <c>…/api/1.0/tarifftype</c>) is used as it is; any other base gets Elvia's
    /// layout, <c>{base_url}/digin/api/1.0/</c>.
    /// </summary>
    public static Uri ApiRoot(string baseUrl)
    {
        var text = baseUrl.Trim().TrimEnd('/');
        foreach (var endpoint in (string[])["/tarifftype", "/tariffquery"])
        {
            if (text.EndsWith(endpoint, StringComparison.OrdinalIgnoreCase))
            {
                text = text[..^endpoint.Length];
            }
        }

        var versioned = text.EndsWith("/api/1.0", StringComparison.OrdinalIgnoreCase) || text.EndsWith("/api/1", StringComparison.OrdinalIgnoreCase);
        return new Uri(versioned ? text + "/" : text + "/digin/api/1.0/");
    }
}

/// <summary>What a metering point id looks like, and the base URL a mapping entry gives.</summary>
internal static class DiginIds
{
    /// <summary>
    /// Elvia hosts the standard's paths under <c>/digin</c>; the standard itself puts them at <c>/api/1.0</c>, so other
    /// companies' mapping URLs get that unless they name the version already (Lnett's does).
    /// </summary>
    public static string DefaultBase(GridCompany company)
    {
        var url = company.ApiUrl.TrimEnd('/');
        var elvia = url.Equals(GridCompanyMapping.ElviaUrl, StringComparison.OrdinalIgnoreCase);
        return elvia || url.Contains("/api/1", StringComparison.OrdinalIgnoreCase) ? url : url + "/api/1.0";
    }
}
