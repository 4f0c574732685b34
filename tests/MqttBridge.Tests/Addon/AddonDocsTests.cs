using System.Reflection;
using MqttBridge.Sensors;

namespace MqttBridge.Tests.Addon;

/// <summary>addon/DOCS.md against what the bridge publishes and accepts.</summary>
public sealed class AddonDocsTests
{
    private static readonly string Docs = File.ReadAllText(RepoPaths.File("addon/DOCS.md"));

    [Fact]
    public void The_sensor_table_names_every_sensor_key()
    {
        var keys = new[] { typeof(SensorCatalog), typeof(MeterSensors) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Distinct()
            .ToList();
        var table = Docs[Docs.IndexOf("## Sensors", StringComparison.Ordinal)..Docs.IndexOf("## Node-RED", StringComparison.Ordinal)];

        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.True(table.Contains($"_{key}`", StringComparison.Ordinal), $"addon/DOCS.md's sensor table lacks {key}"));
    }

    [Fact]
    public void Offers_the_sources_that_work_and_names_the_minimum_home_assistant()
    {
        Assert.Contains("`static` (a preset, no account) or `digin`", Docs, StringComparison.Ordinal);
        Assert.Contains("`elvia` (Norway, a token)", Docs, StringComparison.Ordinal);
        Assert.DoesNotContain("not available in this version yet", Docs, StringComparison.Ordinal);
        Assert.Contains("Home Assistant 2025.10 or newer", Docs, StringComparison.Ordinal);
        Assert.Contains("Home Assistant 2025.10 or newer", File.ReadAllText(RepoPaths.File("README.md")), StringComparison.Ordinal);
    }
}
