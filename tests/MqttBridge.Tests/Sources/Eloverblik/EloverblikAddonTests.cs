using MqttBridge.Sources.Eloverblik;
using MqttBridge.Tests.Addon;
using static MqttBridge.Tests.Addon.AddonTestKit;

namespace MqttBridge.Tests.Eloverblik;

/// <summary>The add-on form: its one <c>token</c> option is the refresh token of both Eloverblik modules.</summary>
public sealed class EloverblikAddonTests
{
    private static string Site(string fields) => $$"""{"mqtt":{},"embedded_broker":{},"sites":[{"id":"dk","name":"Hjem",{{fields}}}]}""";

    [Fact]
    public async Task The_token_option_becomes_the_refresh_token_of_the_tariff_and_the_meter()
    {
        var result = await LoadAsync(
            Site("\"tariff_type\":\"eloverblik\",\"meter_type\":\"eloverblik\",\"token\":\"eyJ.refresh.token\",\"metering_point_id\":\"571313180400012345\",\"include_production\":true"),
            FakeSupervisor.WithMosquitto());

        Assert.Empty(Problems(result));
        var site = Assert.Single(result.Config.Options!.Sites);
        var tariff = Assert.IsType<EloverblikTariffOptions>(site.Tariff);
        var meter = Assert.IsType<EloverblikMeterOptions>(site.Meter);
        Assert.Equal(("eyJ.refresh.token", "571313180400012345"), (tariff.RefreshToken, tariff.MeteringPointId));
        Assert.Equal(("eyJ.refresh.token", true), (meter.RefreshToken, meter.IncludeProduction));
        Assert.Equal("Europe/Copenhagen", site.TimeZone);
    }

    [Fact]
    public async Task A_missing_token_is_named_by_its_option()
    {
        var result = await LoadAsync(Site("\"meter_type\":\"eloverblik\""), FakeSupervisor.WithMosquitto());

        Assert.Equal(
            ["sites[0].token: required key is missing; the token made in the Eloverblik portal; " + EloverblikClient.NewTokenAdvice],
            Problems(result));
    }
}
