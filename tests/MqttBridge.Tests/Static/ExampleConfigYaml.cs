using System.Globalization;
using MqttBridge.Configuration;
using YamlDotNet.RepresentationModel;

namespace MqttBridge.Tests.StaticTariffs;

/// <summary>
/// A strict reader of a config file's shape, for the tests only (the real loader lives in Configuration/): every key
/// must be one the config contract names, in snake_case, so an example cannot drift from what users can load.
/// </summary>
internal sealed class ExampleConfigYaml
{
    private static readonly string[] TopLevel = ["mqtt", "embedded_broker", "time_zone", "data_dir", "sites"];
    private static readonly string[] MqttKeys = ["host", "port", "username", "password", "client_id", "base_topic", "discovery_prefix", "tls"];
    private static readonly string[] BrokerKeys = ["bind", "port", "username", "password"];
    private static readonly string[] SiteKeys = ["id", "name", "time_zone", "tariff", "meter"];
    private static readonly string[] TariffKeys = ["type", "base_url", "currency", "vat", "resolution", "holidays", "taxes", "bands", "capacity"];
    private static readonly string[] TaxKeys = ["name", "per_kwh", "months"];
    private static readonly string[] BandKeys = ["name", "price", "hours", "days", "months", "level"];
    private static readonly string[] CapacityKeys = ["basis", "prices_include_vat", "minimum_kw", "steps"];
    private static readonly string[] StepKeys = ["from_kw", "to_kw", "monthly_price", "per_kw_monthly"];

    private ExampleConfigYaml(IReadOnlyList<string> topLevelKeys, string timeZone, string siteId, StaticTariffOptions tariff)
    {
        TopLevelKeys = topLevelKeys;
        TimeZone = timeZone;
        SiteId = siteId;
        Tariff = tariff;
    }

    public IReadOnlyList<string> TopLevelKeys { get; }

    public string TimeZone { get; }

    public string SiteId { get; }

    public StaticTariffOptions Tariff { get; }

    public static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MqttBridge.sln")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }

        throw new InvalidOperationException("MqttBridge.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Reads the first site's static tariff; throws naming the key path of anything unexpected.</summary>
    public static ExampleConfigYaml Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        Keys(root, TopLevel, "");
        Keys(Map(root, "mqtt"), MqttKeys, "mqtt");
        Keys(Map(root, "embedded_broker"), BrokerKeys, "embedded_broker");
        var sites = (YamlSequenceNode)root.Children[new YamlScalarNode("sites")];
        var site = (YamlMappingNode)sites.Children[0];
        Keys(site, SiteKeys, "sites[0]");
        var tariff = Map(site, "tariff");
        Keys(tariff, TariffKeys, "sites[0].tariff");
        if (Text(tariff, "type") != "static")
        {
            throw new InvalidDataException("sites[0].tariff.type is not static");
        }

        var options = new StaticTariffOptions
        {
            Currency = Text(tariff, "currency") ?? "NOK",
            Vat = Number(tariff, "vat") ?? 0m,
            Resolution = (int)(Number(tariff, "resolution") ?? 60m),
            Holidays = Text(tariff, "holidays") ?? "none",
            Taxes = [.. Items(tariff, "taxes").Select((t, i) => Tax(t, $"sites[0].tariff.taxes[{i}]"))],
            Bands = [.. Items(tariff, "bands").Select((b, i) => Band(b, $"sites[0].tariff.bands[{i}]"))],
            Capacity = tariff.Children.ContainsKey(new YamlScalarNode("capacity")) ? Capacity(Map(tariff, "capacity")) : null,
        };

        return new ExampleConfigYaml(
            [.. root.Children.Keys.Select(k => ((YamlScalarNode)k).Value!)],
            Text(root, "time_zone")!,
            Text(site, "id")!,
            options);
    }

    /// <summary>Every figure and rule of a tariff as one text, so two option records compare by value.</summary>
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

    private static TaxOptions Tax(YamlMappingNode node, string path)
    {
        Keys(node, TaxKeys, path);
        return new TaxOptions { Name = Text(node, "name")!, PerKwh = Number(node, "per_kwh") ?? 0m, Months = Ints(node, "months") };
    }

    private static BandOptions Band(YamlMappingNode node, string path)
    {
        Keys(node, BandKeys, path);
        return new BandOptions
        {
            Name = Text(node, "name")!,
            Price = Number(node, "price") ?? 0m,
            Hours = Text(node, "hours"),
            Days = node.Children.TryGetValue(new YamlScalarNode("days"), out var days)
                ? [.. ((YamlSequenceNode)days).Children.Select(d => ((YamlScalarNode)d).Value!)]
                : [],
            Months = Ints(node, "months"),
            Level = Text(node, "level"),
        };
    }

    private static CapacityOptions Capacity(YamlMappingNode node)
    {
        Keys(node, CapacityKeys, "sites[0].tariff.capacity");
        return new CapacityOptions
        {
            Basis = Text(node, "basis") ?? "three_daily_max_hours",
            PricesIncludeVat = Text(node, "prices_include_vat") == "true",
            MinimumKw = Number(node, "minimum_kw") ?? 0m,
            Steps = [.. Items(node, "steps").Select((s, i) =>
            {
                Keys(s, StepKeys, $"sites[0].tariff.capacity.steps[{i}]");
                return new CapacityStepOptions
                {
                    FromKw = Number(s, "from_kw") ?? 0m,
                    ToKw = Number(s, "to_kw"),
                    MonthlyPrice = Number(s, "monthly_price") ?? 0m,
                    PerKwMonthly = Number(s, "per_kw_monthly") ?? 0m,
                };
            })],
        };
    }

    private static void Keys(YamlMappingNode node, string[] allowed, string path)
    {
        foreach (var key in node.Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
        {
            if (!allowed.Contains(key))
            {
                throw new InvalidDataException($"{(path.Length == 0 ? key : path + "." + key)} is not a config key");
            }
        }
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static IEnumerable<YamlMappingNode> Items(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var items) ? ((YamlSequenceNode)items).Children.Cast<YamlMappingNode>() : [];

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    private static decimal? Number(YamlMappingNode node, string key) =>
        Text(node, key) is { } text ? decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture) : null;

    private static int[] Ints(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var items)
            ? [.. ((YamlSequenceNode)items).Children.Select(i => int.Parse(((YamlScalarNode)i).Value!, CultureInfo.InvariantCulture))]
            : [];
}
