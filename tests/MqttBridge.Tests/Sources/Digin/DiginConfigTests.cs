using MqttBridge.TestSupport;
using MqttBridge.Tests.Configuration;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.Digin;

public sealed class DiginConfigTests
{
    private const string Key = "s3cr3t-k3y-value";

    private static string Digin(string body) =>
        "sites:\n  - id: home\n    name: Home\n    tariff:\n      type: digin\n" + string.Join("\n", body.Split('\n').Select(l => "      " + l)) + "\n";

    [Fact]
    public void An_elvia_metering_point_gets_elvias_base_url_from_the_mapping()
    {
        var result = Parse(Digin($"api_key: {Key}\nmetering_point_id: \"707057500015000001\""));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var digin = result.Options!.Sites[0].Tariff.Digin()!;
        Assert.Equal("https://elvia.azure-api.net/grid-tariff", digin.BaseUrl);
        Assert.Equal("ELVIA AS", digin.Company);
        Assert.Equal(Key, digin.ApiKey);
        Assert.Equal("707057500015000001", digin.MeteringPointId);
        Assert.Null(digin.TariffKey);
        Assert.Equal(200, digin.MaxCallsPerHour);
    }

    [Fact]
    public void An_unquoted_metering_point_id_works_too()
    {
        var result = Parse(Digin($"api_key: {Key}\nmetering_point_id: 707057500015000001"));

        Assert.Equal("707057500015000001", result.Options?.Sites[0].Tariff.Digin()!.MeteringPointId);
    }

    [Fact]
    public void A_metering_point_no_company_covers_is_told_clearly()
    {
        var problem = SingleProblem(Digin($"api_key: {Key}\nmetering_point_id: \"707057500000000001\""));

        Assert.Contains("sites[0].tariff.metering_point_id", problem, StringComparison.Ordinal);
        Assert.Contains("no grid company in the DIGIN mapping covers metering point …0001; set tariff.base_url", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_url_makes_the_mapping_unnecessary()
    {
        var result = Parse(Digin($"api_key: {Key}\nmetering_point_id: \"707057500000000001\"\nbase_url: http://127.0.0.1:8080/"));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal("http://127.0.0.1:8080/", result.Options!.Sites[0].Tariff.Digin()!.BaseUrl);
        Assert.Null(result.Options.Sites[0].Tariff.Digin()!.Company);
    }

    [Fact]
    public void A_tariff_key_defaults_to_elvia()
    {
        var digin = Parse(Digin($"api_key: {Key}\ntariff_key: private_tou_rush1")).Options!.Sites[0].Tariff.Digin()!;

        Assert.Equal("private_tou_rush1", digin.TariffKey);
        Assert.Equal("https://elvia.azure-api.net/grid-tariff", digin.BaseUrl);
    }

    [Fact]
    public void Needs_exactly_one_of_metering_point_and_tariff_key()
    {
        Assert.Contains("set metering_point_id (your tariff and capacity step) or tariff_key", SingleProblem(Digin($"api_key: {Key}")), StringComparison.Ordinal);
        Assert.Contains(
            "set metering_point_id or tariff_key, not both",
            SingleProblem(Digin($"api_key: {Key}\ntariff_key: x\nmetering_point_id: \"707057500015000001\"")),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_api_key_and_bad_id_are_reported_with_key_paths()
    {
        var problems = Problems(Digin("metering_point_id: \"12345\"\nmetering_point: x"));

        Assert.Contains(problems, p => p.Contains("sites[0].tariff.api_key", StringComparison.Ordinal) && p.Contains("required key is missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("sites[0].tariff.metering_point_id", StringComparison.Ordinal) && p.Contains("'12345' is not a metering point id", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("sites[0].tariff.metering_point", StringComparison.Ordinal) && p.Contains("unknown key 'metering_point'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_api_key_is_never_echoed()
    {
        var problems = Problems(Digin($"api_key: [{Key}]\nmetering_point_id: \"707057500015000001\""));

        Assert.NotEmpty(problems);
        Assert.DoesNotContain(problems, p => p.Contains(Key, StringComparison.Ordinal));
    }
}

public sealed class DiginExampleConfigTests
{
    [Fact]
    public void The_norway_example_is_valid_and_both_sites_share_elvia()
    {
        var result = MqttBridge.Configuration.ConfigLoader.Load(RepoPaths.File("config/examples/norway-digin-elvia.yaml"), ConfigTestKit.NoEnvironment);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.All(result.Options!.Sites, s => Assert.Equal("https://elvia.azure-api.net/grid-tariff", s.Tariff.Digin()!.BaseUrl));
    }
}
