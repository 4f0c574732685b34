using MqttBridge.TestSupport;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.Configuration;

public sealed class EnvironmentOverrideTests
{
    private static Dictionary<string, string?> Env(params (string Name, string? Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value);

    [Fact]
    public void Variables_override_broker_host_embedded_port_and_data_dir()
    {
        var options = Parse(
            "mqtt:\n  host: \"\"\nembedded_broker:\n  port: 1883\n" + MinimalSite,
            Env(("MQTTBRIDGE__MQTT__HOST", "broker.lan"), ("MQTTBRIDGE__EMBEDDED_BROKER__PORT", "1884"), ("MQTTBRIDGE__DATA_DIR", "/var/lib/mqttbridge"))).Options!;

        Assert.Equal("broker.lan", options.Mqtt.Host);
        Assert.False(options.Mqtt.UsesEmbeddedBroker);
        Assert.Equal(1884, options.EmbeddedBroker.Port);
        Assert.Equal("/var/lib/mqttbridge", options.DataDir);
    }

    [Fact]
    public void Variables_add_keys_the_file_does_not_have()
    {
        var options = Parse(MinimalSite, Env(("MQTTBRIDGE__MQTT__TLS__ENABLED", "true"), ("MQTTBRIDGE__MQTT__PORT", "8883"))).Options!;

        Assert.True(options.Mqtt.Tls.Enabled);
        Assert.Equal(8883, options.Mqtt.Port);
    }

    [Fact]
    public void Variable_names_are_case_insensitive()
    {
        var options = Parse(MinimalSite, Env(("mqttbridge__Mqtt__Base_Topic", "house"))).Options!;

        Assert.Equal("house", options.Mqtt.BaseTopic);
    }

    [Fact]
    public void An_empty_variable_clears_the_broker_host_back_to_the_embedded_broker()
    {
        var options = Parse("mqtt:\n  host: broker.lan\n" + MinimalSite, Env(("MQTTBRIDGE__MQTT__HOST", ""))).Options!;

        Assert.True(options.Mqtt.UsesEmbeddedBroker);
    }

    [Fact]
    public void List_items_are_addressed_by_index()
    {
        var options = Parse(
            MinimalSite,
            Env(
                ("MQTTBRIDGE__SITES__0__NAME", "Cabin"),
                ("MQTTBRIDGE__SITES__0__TARIFF__BANDS__0__PRICE", "0.75"),
                ("MQTTBRIDGE__SITES__0__TIME_ZONE", "Europe/Copenhagen"))).Options!;

        var site = Assert.Single(options.Sites);
        Assert.Equal("Cabin", site.Name);
        Assert.Equal("Europe/Copenhagen", site.TimeZone);
        Assert.Equal(0.75m, site.Tariff.Static()!.Bands[0].Price);
    }

    [Fact]
    public void A_site_can_be_added_at_the_next_index()
    {
        var options = Parse(
            MinimalSite,
            Env(
                ("MQTTBRIDGE__SITES__1__ID", "cabin"),
                ("MQTTBRIDGE__SITES__1__NAME", "Cabin"),
                ("MQTTBRIDGE__SITES__1__TARIFF__TYPE", "static"),
                ("MQTTBRIDGE__SITES__1__TARIFF__BANDS__0__NAME", "All day"),
                ("MQTTBRIDGE__SITES__1__TARIFF__BANDS__0__PRICE", "0.3"))).Options!;

        Assert.Equal(["home", "cabin"], options.Sites.Select(s => s.Id));
        Assert.Equal(0.3m, options.Sites[1].Tariff.Static()!.Bands[0].Price);
    }

    [Fact]
    public void A_bad_value_names_the_variable()
    {
        var problem = SingleProblem(MinimalSite, Env(("MQTTBRIDGE__MQTT__PORT", "abc")));

        Assert.Equal("mqtt.port (from MQTTBRIDGE__MQTT__PORT): 'abc' is not a whole number", problem);
    }

    [Fact]
    public void An_unknown_key_from_a_variable_names_the_variable_and_hints()
    {
        var problem = SingleProblem(MinimalSite, Env(("MQTTBRIDGE__MQTT__HOTS", "broker.lan")));

        Assert.Equal("mqtt.hots (from MQTTBRIDGE__MQTT__HOTS): unknown key 'hots'; did you mean 'host'?", problem);
    }

    [Fact]
    public void An_index_past_the_end_of_a_list_is_reported()
    {
        var problem = SingleProblem(MinimalSite, Env(("MQTTBRIDGE__SITES__3__NAME", "Far away")));

        Assert.Equal("sites[3] (from MQTTBRIDGE__SITES__3__NAME): index 3 is past the end of the list, which has 1 item(s); add items in order", problem);
    }

    [Fact]
    public void A_key_inside_a_plain_value_cannot_be_set()
    {
        var problem = SingleProblem("data_dir: data\n" + MinimalSite, Env(("MQTTBRIDGE__DATA_DIR__PATH", "/x")));

        Assert.Equal("data_dir (from MQTTBRIDGE__DATA_DIR__PATH) (line 1): cannot set 'path' inside it: it is a single value", problem);
    }

    [Fact]
    public void A_variable_with_an_empty_level_is_reported_by_name()
    {
        var problem = SingleProblem(MinimalSite, Env(("MQTTBRIDGE__MQTT____HOST", "x")));

        Assert.Equal("MQTTBRIDGE__MQTT____HOST: is not a valid override name; use MQTTBRIDGE__SECTION__KEY, with '__' between levels", problem);
    }

    [Fact]
    public void A_new_list_item_from_a_variable_is_validated_like_any_other()
    {
        var problems = Problems("data_dir: data\n", Env(("MQTTBRIDGE__SITES__0__NAME", "Cabin")));

        Assert.Equal(
            [
                "sites[0].id (from MQTTBRIDGE__SITES__0__NAME): required key is missing; give the site a short id such as 'home' (lower-case letters, digits, '_')",
                "sites[0] (from MQTTBRIDGE__SITES__0__NAME): a site needs a 'tariff' or a 'meter' (or both)",
            ],
            problems);
    }

    [Fact]
    public void Unrelated_and_single_underscore_variables_are_ignored()
    {
        var result = Parse(
            MinimalSite,
            Env(
                ("PATH", "/usr/bin"),
                ("MQTTBRIDGE_OPTIONS_PATH", "/data/options.json"),
                ("MQTTBRIDGE_SUPERVISOR_URL", "http://supervisor"),
                ("SUPERVISOR_TOKEN", "abc"),
                ("MQTTBRIDGE__MQTT__PASSWORD", null)));

        Assert.True(result.IsValid);
        Assert.Null(result.Options!.Mqtt.Password);
    }

    [Fact]
    public void Overrides_are_validated_together_with_the_file()
    {
        var problems = Problems(
            "mqtt:\n  port: abc\n" + MinimalSite,
            Env(("MQTTBRIDGE__EMBEDDED_BROKER__BIND", "everywhere"), ("MQTTBRIDGE__TIME_ZONE", "Oslo")));

        Assert.Equal(
            [
                "mqtt.port (line 2): 'abc' is not a whole number",
                "embedded_broker.bind (from MQTTBRIDGE__EMBEDDED_BROKER__BIND): 'everywhere' is not an IP address; use e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)",
                "time_zone (from MQTTBRIDGE__TIME_ZONE): 'Oslo' is not a known IANA time zone; use an id such as Europe/Oslo or Europe/Copenhagen",
            ],
            problems);
    }
}
