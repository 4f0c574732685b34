using MqttBridge.Tests.Addon;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.Statistics;

public sealed class HomeAssistantConfigTests
{
    private const string MeterSite = """
        sites:
          - id: home
            name: Home
            meter:
              type: elvia
              token: meter-token
        """;

    [Fact]
    public void Without_a_homeassistant_section_statistics_are_off()
    {
        var options = Parse(MinimalSite).Options!;

        Assert.Null(options.HomeAssistant);
        Assert.True(options.Sites[0].Statistics);
    }

    [Theory]
    [InlineData("http://homeassistant.local:8123", "ws://homeassistant.local:8123/api/websocket")]
    [InlineData("https://ha.example.org/", "wss://ha.example.org/api/websocket")]
    [InlineData("http://192.168.1.5:8123/api/websocket", "ws://192.168.1.5:8123/api/websocket")]
    [InlineData("ws://supervisor/core/websocket", "ws://supervisor/core/websocket")]
    public void The_url_a_user_types_leads_to_the_websocket(string url, string socket)
    {
        var options = Parse($"homeassistant:\n  url: {url}\n  token: abc\n" + MeterSite).Options!;

        Assert.Equal(new Uri(socket), options.HomeAssistant!.WebSocket);
        Assert.Equal("abc", options.HomeAssistant.Token);
    }

    [Fact]
    public void Url_and_token_come_from_the_environment()
    {
        var options = Parse(MeterSite, new Dictionary<string, string?>
        {
            ["MQTTBRIDGE__HOMEASSISTANT__URL"] = "http://ha.lan:8123",
            ["MQTTBRIDGE__HOMEASSISTANT__TOKEN"] = "long-lived-secret",
        }).Options!;

        Assert.Equal(new Uri("ws://ha.lan:8123/api/websocket"), options.HomeAssistant!.WebSocket);
        Assert.DoesNotContain("long-lived-secret", options.HomeAssistant.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_token_or_a_bad_url_is_reported_with_its_path_and_never_the_token()
    {
        var problems = Problems("homeassistant:\n  url: ftp://ha\n  tokn: s3cret-value\n" + MeterSite);

        Assert.Contains(problems, p => p.StartsWith("homeassistant.url", StringComparison.Ordinal) && p.Contains("ftp://ha", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("homeassistant.token", StringComparison.Ordinal) && p.Contains("Long-lived access tokens", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("homeassistant.tokn", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("s3cret-value", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://192.168.1.5:8123/lovelace/0", "'http://192.168.1.5:8123/lovelace/0' is a page of Home Assistant", "http://192.168.1.5:8123")]
    [InlineData("https://ha.example.org/config/dashboard?x=1", "is a page of Home Assistant", "https://ha.example.org")]
    [InlineData("http://192.168.1.5:8123/ha", "is a page of Home Assistant", "http://192.168.1.5:8123")]
    public void A_url_copied_from_the_browser_with_a_page_path_is_a_problem_that_suggests_the_address(string url, string says, string suggests)
    {
        var problem = Assert.Single(Problems($"homeassistant:\n  url: {url}\n  token: abc\n" + MeterSite));

        Assert.StartsWith("homeassistant.url", problem, StringComparison.Ordinal);
        Assert.Contains(says, problem, StringComparison.Ordinal);
        Assert.Contains("e.g. " + suggests, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_pasted_with_bearer_is_a_problem_and_is_not_repeated()
    {
        var problem = Assert.Single(Problems("homeassistant:\n  url: http://ha:8123\n  token: Bearer eyJsecret\n" + MeterSite));

        Assert.StartsWith("homeassistant.token", problem, StringComparison.Ordinal);
        Assert.Contains("without 'Bearer '", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJsecret", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_with_a_password_is_a_problem_that_does_not_repeat_the_password()
    {
        var problem = Assert.Single(Problems("homeassistant:\n  url: http://admin:hunter2@ha:8123\n  token: abc\n" + MeterSite));

        Assert.StartsWith("homeassistant.url", problem, StringComparison.Ordinal);
        Assert.Contains("user name or password", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_site_can_turn_statistics_off()
    {
        var options = Parse("homeassistant:\n  url: http://ha:8123\n  token: t\n" + MeterSite + "\n    statistics: false").Options!;

        Assert.False(options.Sites[0].Statistics);
    }

    [Fact]
    public void A_site_id_that_makes_no_valid_statistic_id_is_reported_only_when_statistics_are_on()
    {
        var site = MeterSite.Replace("id: home", "id: home_", StringComparison.Ordinal);

        Assert.Contains(Problems("homeassistant:\n  url: http://ha:8123\n  token: t\n" + site), p => p.StartsWith("sites[0].id", StringComparison.Ordinal) && p.Contains("statistic id", StringComparison.Ordinal));
        Assert.Empty(Problems("homeassistant:\n  url: http://ha:8123\n  token: t\n" + site + "\n    statistics: false"));
        Assert.Empty(Problems(site));
    }

    [Fact]
    public async Task The_addon_uses_the_supervisors_proxy_with_its_own_token()
    {
        var options = (await AddonTestKit.LoadAsync(AddonTestKit.DefaultOptionsJson(), FakeSupervisor.WithoutMqtt())).Config.Options!;

        Assert.Equal(new Uri("ws://supervisor/core/websocket"), options.HomeAssistant!.WebSocket);
        Assert.Equal(AddonTestKit.Token, options.HomeAssistant.Token);
    }
}
