using MqttBridge.TestSupport;
using MqttBridge.Sources.Static;
using MqttBridge.Configuration;

namespace MqttBridge.Tests.Configuration;

public sealed class DefaultConfigTests
{
    private static ConfigResult LoadDefault() =>
        ConfigLoader.Load(Path.Combine(RepoPaths.Root, "config", "mqttbridge.yaml"), ConfigTestKit.NoEnvironment);

    [Fact]
    public void Shipped_config_loads_with_no_problems()
    {
        var result = LoadDefault();

        Assert.Empty(result.Problems);
        Assert.True(result.IsValid);
        Assert.NotNull(result.Options);
    }

    [Fact]
    public void Shipped_config_runs_the_embedded_broker_and_one_static_site()
    {
        var options = LoadDefault().Options!;

        Assert.True(options.Mqtt.UsesEmbeddedBroker);
        Assert.Equal("mqttbridge", options.Mqtt.BaseTopic);
        Assert.Equal("homeassistant", options.Mqtt.DiscoveryPrefix);
        Assert.Equal("127.0.0.1", options.EmbeddedBroker.Bind);
        Assert.Equal(1883, options.EmbeddedBroker.Port);
        Assert.Equal("Europe/Oslo", options.TimeZone);
        Assert.Equal("data", options.DataDir);

        var site = Assert.Single(options.Sites);
        Assert.Equal("home", site.Id);
        Assert.Equal("Home", site.Name);
        Assert.Equal("Europe/Oslo", site.TimeZone);
        Assert.Null(site.Meter);
        Assert.Equal("static", site.Tariff!.Type);
    }

    [Fact]
    public void Shipped_static_tariff_has_its_bands_taxes_and_capacity_steps()
    {
        var tariff = LoadDefault().Options!.Sites[0].Tariff.Static()!;

        Assert.Equal("NOK", tariff.Currency);
        Assert.Equal(0.25m, tariff.Vat);
        Assert.Equal(60, tariff.Resolution);
        Assert.Equal("NO", tariff.Holidays);
        Assert.Equal([0.0713m, 0.01m], tariff.Taxes.Select(t => t.PerKwh));

        Assert.Equal(2, tariff.Bands.Count);
        Assert.Equal("06-22", tariff.Bands[0].Hours);
        Assert.Equal(["workday"], tariff.Bands[0].Days);
        Assert.Equal(0.2915m, tariff.Bands[0].Price);
        Assert.Equal("normal", tariff.Bands[0].Level);
        Assert.Null(tariff.Bands[1].Hours);
        Assert.Empty(tariff.Bands[1].Days);
        Assert.Equal("cheap", tariff.Bands[1].Level);

        var capacity = tariff.Capacity!;
        Assert.Equal("three_daily_max_hours", capacity.Basis);
        Assert.Equal(10, capacity.Steps.Count);
        Assert.Equal(new CapacityStepOptions { FromKw = 0m, ToKw = 2m, MonthlyPrice = 120m }, capacity.Steps[0]);
        Assert.Equal(new CapacityStepOptions { FromKw = 100m, ToKw = null, MonthlyPrice = 5440m }, capacity.Steps[^1]);
    }

    [Fact]
    public void Missing_file_is_a_problem_naming_the_path()
    {
        var result = ConfigLoader.Load("/nonexistent/dir/bridge.yaml", ConfigTestKit.NoEnvironment);

        Assert.False(result.IsValid);
        Assert.Null(result.Options);
        Assert.Contains("/nonexistent/dir/bridge.yaml", Assert.Single(result.Problems).ToString(), StringComparison.Ordinal);
    }
}
