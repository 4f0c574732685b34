using MqttBridge.Configuration;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.Oresundskraft;

public sealed class OresundskraftConfigTests
{
    private static string Site(string meterBody) =>
        "sites:\n  - id: hemma\n    name: Hemma\n    time_zone: Europe/Stockholm\n    meter:\n      type: oresundskraft\n" + string.Join("\n", meterBody.Split('\n').Select(l => "      " + l)) + "\n";

    [Fact]
    public void Reads_every_key_and_defaults_version_category_poll_time_and_base_url()
    {
        var minimal = Parse(Site("subscription_key: 0123abcd\ncustomer_number: 58095")).Options!.Sites[0].Meter.Oresundskraft()!;
        Assert.Equal(("0123abcd", "58095", null), (minimal.SubscriptionKey, minimal.CustomerNumber, minimal.MeteringPointId));
        Assert.Equal(("2.1", "EL", new TimeOnly(9, 0)), (minimal.ApiVersion, minimal.DeliveryCategory, minimal.PollTime));
        Assert.Equal("https://oows.oresundskraft.se/ConsumptionExternal/api/", minimal.BaseUrl);

        var full = Parse(Site(
            "subscription_key: 0123abcd\ncustomer_number: \"58095\"\nmetering_point_id: 7359991240005555\napi_version: \"2.0\"\ndelivery_category: FV\npoll_time: \"7:30\"\nbase_url: http://127.0.0.1:8080/api"))
            .Options!.Sites[0].Meter.Oresundskraft()!;
        Assert.Equal(("7359991240005555", "2.0", "FV", new TimeOnly(7, 30)), (full.MeteringPointId, full.ApiVersion, full.DeliveryCategory, full.PollTime));
        Assert.Equal("http://127.0.0.1:8080/api/", full.BaseUrl);
    }

    [Fact]
    public void The_key_and_numbers_never_appear_in_to_string()
    {
        var options = Parse(Site("subscription_key: s3cret-key\ncustomer_number: 58095\nmetering_point_id: \"735999124000289640\"")).Options!;
        var text = options.Sites[0].Meter.Oresundskraft()!.ToString();

        Assert.DoesNotContain("s3cret-key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("58095", text, StringComparison.Ordinal);
        Assert.DoesNotContain("735999124000289640", text, StringComparison.Ordinal);
        Assert.Contains("CustomerNumber = …8095, MeteringPointId = …9640", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_name_the_key_and_line_and_never_echo_the_key_or_the_numbers()
    {
        var problems = Problems(Site(
            "subscription_key: \"s3cret key\"\ncustomer_number: K-58095\nmetering_point_id: 7359-9912\napi_version: latest\npoll_time: noon\ndelivery_catgory: EL"));

        string[] expected =
            [
                "sites[0].meter.api_version (line 10): 'latest' is not an API version; use 2.1 (the hourly answer) unless Öresundskraft told you another",
                "sites[0].meter.subscription_key (line 7): the value is not valid: a subscription key has no spaces or line breaks",
                "sites[0].meter.customer_number (line 8): the value is not valid: expected digits only, the customer number (kundnummer) on your invoice",
                "sites[0].meter.metering_point_id (line 9): the value is not valid: expected digits only, the anläggnings-id (16 or 18 digits, 735999…) on your invoice, or leave the key out when the customer has one metering point",
                "sites[0].meter.poll_time (line 11): 'noon' is not a time of day; write it as HH:MM in Swedish time, e.g. \"09:00\"",
                "sites[0].meter.delivery_catgory (line 12): unknown key 'delivery_catgory'; did you mean 'delivery_category'?",
            ];
        Assert.Equal(string.Join("\n", expected.Order(StringComparer.Ordinal)), string.Join("\n", problems.Order(StringComparer.Ordinal)));
        Assert.DoesNotContain(problems, p => p.Contains("s3cret", StringComparison.Ordinal) || p.Contains("58095", StringComparison.Ordinal) || p.Contains("9912", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_key_and_customer_number_say_where_to_find_them()
    {
        Assert.Equal(
            [
                "sites[0].meter.subscription_key (line 6): required key is missing; the key Öresundskraft e-mailed when you ordered API access (sent as Ocp-Apim-Subscription-Key)",
                "sites[0].meter.customer_number (line 6): required key is missing; the customer number (kundnummer) on your Öresundskraft invoice",
            ],
            Problems(Site("api_version: \"2.1\"")));
    }
}
