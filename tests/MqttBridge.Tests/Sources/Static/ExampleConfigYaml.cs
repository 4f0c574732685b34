using MqttBridge.TestSupport;
using MqttBridge.Sources.Static;
using System.Globalization;
using MqttBridge.Configuration;

namespace MqttBridge.Tests.StaticTariffs;

/// <summary>
/// An example config read by the real loader (so an example cannot drift from what users can load), reduced to
/// what the tariff tests compare.
/// </summary>
internal sealed record ExampleConfigYaml(string TimeZone, string SiteId, StaticTariffOptions Tariff)
{
    public static ExampleConfigYaml Load(string path)
    {
        var result = ConfigLoader.Load(path, new Dictionary<string, string?>());
        Assert.True(result.IsValid, $"{path}: {string.Join("; ", result.Problems)}");
        var site = result.Options!.Sites[0];
        return new ExampleConfigYaml(site.TimeZone, site.Id, site.Tariff.Static()!);
    }

    public static string Describe(StaticTariffOptions o)
    {
        static string N(decimal d) => d.ToString("0.############################", CultureInfo.InvariantCulture);
        var lines = new List<string> { $"{o.Currency} vat={N(o.Vat)} res={o.Resolution} holidays={o.Holidays}" };
        lines.AddRange(o.Taxes.Select(t => $"tax {t.Name} {N(t.PerKwh)} [{string.Join(',', t.Months)}]"));
        lines.AddRange(o.Bands.Select(b => $"band {b.Name} {N(b.Price)} hours={b.Hours} days=[{string.Join(',', b.Days)}] months=[{string.Join(',', b.Months)}] level={b.Level}"));
        if (o.Capacity is { } c)
        {
            lines.Add($"capacity {c.Basis} incl_vat={c.PricesIncludeVat} min={N(c.MinimumKw)}");
            lines.AddRange(c.Steps.Select(s => $"step {N(s.FromKw)}-{(s.ToKw is { } to ? N(to) : "")} {N(s.MonthlyPrice)} {N(s.PerKwMonthly)}"));
        }

        return string.Join('\n', lines);
    }
}
