using MqttBridge.Configuration;
using MqttBridge.Sources.Eloverblik;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.Eloverblik;

public sealed class EloverblikConfigTests
{
    private const string Token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE4MDAwMDAwMDB9.c2ln";

    private static string Site(string role, string body, string siteExtra = "", string top = "") =>
        top + "sites:\n  - id: home\n    name: Home\n" + siteExtra + $"    {role}:\n      type: eloverblik\n" + string.Join("\n", body.Split('\n').Select(l => "      " + l)) + "\n";

    [Fact]
    public void Reads_both_roles_with_the_documented_defaults_and_danish_local_days()
    {
        var result = Parse(Site("meter", $"refresh_token: {Token}\ninclude_production: true") + $"    tariff:\n      type: eloverblik\n      refresh_token: {Token}\n      metering_point_id: \"571313180400012345\"\n");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var site = result.Options!.Sites[0];
        var meter = Assert.IsType<EloverblikMeterOptions>(site.Meter);
        var tariff = Assert.IsType<EloverblikTariffOptions>(site.Tariff);
        Assert.Equal((Token, null, "https://api.eloverblik.dk/CustomerApi/", true), (meter.RefreshToken, meter.MeteringPointId, meter.BaseUrl, meter.IncludeProduction));
        Assert.Equal(("571313180400012345", 0.25m), (tariff.MeteringPointId, tariff.Vat));
        Assert.Equal("Europe/Copenhagen", site.TimeZone);
        Assert.DoesNotContain(Token, meter.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, tariff.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, result.Options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_zone_in_the_file_or_the_site_wins_over_the_danish_default()
    {
        Assert.Equal("Europe/Oslo", Parse(Site("meter", $"refresh_token: {Token}", top: "time_zone: Europe/Oslo\n")).Options!.Sites[0].TimeZone);
        Assert.Equal("Europe/Berlin", Parse(Site("meter", $"refresh_token: {Token}", siteExtra: "    time_zone: Europe/Berlin\n")).Options!.Sites[0].TimeZone);
    }

    [Fact]
    public void The_token_can_come_from_the_environment_and_a_base_url_gets_its_trailing_slash()
    {
        var result = Parse(
            Site("tariff", "refresh_token: placeholder\nbase_url: http://127.0.0.1:8080/CustomerApi\nvat: 0"),
            new Dictionary<string, string?> { ["MQTTBRIDGE__SITES__0__TARIFF__REFRESH_TOKEN"] = "from-env" });

        var tariff = Assert.IsType<EloverblikTariffOptions>(result.Options!.Sites[0].Tariff);
        Assert.Equal(("from-env", "http://127.0.0.1:8080/CustomerApi/", 0m), (tariff.RefreshToken, tariff.BaseUrl, tariff.Vat));
    }

    [Fact]
    public void Problems_name_the_key_and_line_and_never_echo_the_token()
    {
        var problems = Problems(Site("tariff", "refresh_token: \"Bearer s3cret\"\nmetering_point_id: \"707057500012345678\"\nvat: 25\ninclude_production: true"));

        Assert.Equal(
            [
                "sites[0].tariff.refresh_token (line 6): the value is not valid: a refresh token has no spaces or line breaks (paste only the token, without 'Bearer')",
                "sites[0].tariff.metering_point_id (line 7): '707057500012345678' is not a Danish metering point id; use the 18 digits (57…) that 'mqttbridge eloverblik meteringpoints' lists, quoted in YAML, or leave the key out to use the token's first consumption metering point",
                "sites[0].tariff.vat (line 8): 25 is out of range; VAT is a fraction from 0 to 1 (0.25 for Denmark's 25 %)",
                "sites[0].tariff.include_production (line 9): unknown key 'include_production'; expected one of: type, base_url, refresh_token, metering_point_id, vat",
            ],
            problems);
        Assert.DoesNotContain(problems, p => p.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_token_says_how_to_make_one()
    {
        Assert.Equal(
            "sites[0].meter.refresh_token (line 5): required key is missing; the token made in the Eloverblik portal; " + EloverblikClient.NewTokenAdvice,
            SingleProblem(Site("meter", "include_production: false")));
    }
}
