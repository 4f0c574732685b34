using MqttBridge.Configuration;

namespace MqttBridge.Tests.Configuration;

/// <summary>Shared helpers: parse YAML as a user would write it and read problems as a user would see them.</summary>
internal static class ConfigTestKit
{
    public static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();

    /// <summary>The smallest config that loads: one site with a one-band static tariff.</summary>
    public const string MinimalSite = """
        sites:
          - id: home
            name: Home
            tariff:
              type: static
              bands:
                - name: All day
                  price: 0.5
        """;

    public static ConfigResult Parse(string yaml, IReadOnlyDictionary<string, string?>? environment = null) =>
        ConfigLoader.Parse(yaml, "test.yaml", environment ?? NoEnvironment);

    public static IReadOnlyList<string> Problems(string yaml, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = Parse(yaml, environment);
        Assert.Equal(result.Problems.Count == 0, result.IsValid);
        Assert.Equal(result.IsValid, result.Options is not null);
        return [.. result.Problems.Select(p => p.ToString())];
    }

    public static string SingleProblem(string yaml, IReadOnlyDictionary<string, string?>? environment = null) =>
        Assert.Single(Problems(yaml, environment));

    /// <summary>A static tariff site with the given lines indented under <c>tariff:</c> (type already set).</summary>
    public static string StaticTariff(string tariffBody)
    {
        var indented = string.Join("\n", tariffBody.Split('\n').Select(l => "      " + l));
        return "sites:\n  - id: home\n    name: Home\n    tariff:\n      type: static\n" + indented + "\n";
    }
}
