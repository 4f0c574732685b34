using MqttBridge.TestSupport;
using MqttBridge.Configuration;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.ElviaMeter;

public sealed class ElviaMeterConfigTests
{
    private static string Site(string meterBody) =>
        "sites:\n  - id: home\n    name: Home\n    meter:\n      type: elvia\n" + string.Join("\n", meterBody.Split('\n').Select(l => "      " + l)) + "\n";

    [Fact]
    public void Reads_token_metering_point_production_and_defaults_the_base_url()
    {
        var result = Parse(Site("token: abc.def-123\nmetering_point_id: \"707057500012345678\"\ninclude_production: true"));

        var elvia = result.Options!.Sites[0].Meter.Elvia()!;
        Assert.Equal("abc.def-123", elvia.Token);
        Assert.Equal("707057500012345678", elvia.MeteringPointId);
        Assert.True(elvia.IncludeProduction);
        Assert.Equal("https://elvia.azure-api.net/customer/metervalues/api/", elvia.BaseUrl);
        Assert.DoesNotContain("abc.def-123", elvia.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_token_can_come_from_the_environment_and_a_base_url_gets_its_trailing_slash()
    {
        var result = Parse(
            Site("token: placeholder\nbase_url: http://127.0.0.1:8080/api"),
            new Dictionary<string, string?> { ["MQTTBRIDGE__SITES__0__METER__TOKEN"] = "from-env" });

        var elvia = result.Options!.Sites[0].Meter.Elvia()!;
        Assert.Equal("from-env", elvia.Token);
        Assert.Equal("http://127.0.0.1:8080/api/", elvia.BaseUrl);
        Assert.Null(elvia.MeteringPointId);
    }

    [Fact]
    public void Problems_name_the_key_and_never_echo_the_token()
    {
        var problems = Problems(Site("token: \"Bearer s3cret\"\nmetering_point_id: my-meter\ninclude_prodution: true"));

        Assert.Equal(
            [
                "sites[0].meter.token (line 6): the value is not valid: a token has no spaces or line breaks (paste only the token, without 'Bearer')",
                "sites[0].meter.metering_point_id (line 7): 'my-meter' is not a metering point id; use the 18 digits from your invoice or Min side (707057…), or leave the key out to use the token's first meter",
                "sites[0].meter.include_prodution (line 8): unknown key 'include_prodution'; did you mean 'include_production'?",
            ],
            problems);
        Assert.DoesNotContain(problems, p => p.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_token_says_where_to_get_one()
    {
        Assert.Equal(
            "sites[0].meter.token (line 5): required key is missing; create a personal token on Elvia's Min side (TILGANGER, Opprett token) and paste it here",
            SingleProblem(Site("include_production: false")));
    }
}
