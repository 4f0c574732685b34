using MqttBridge.TestSupport;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.Configuration;

public sealed class ValidationTests
{
    [Fact]
    public void Minimal_site_is_valid_and_gets_the_defaults()
    {
        var result = Parse(MinimalSite);

        Assert.True(result.IsValid);
        var options = result.Options!;
        Assert.Equal(1883, options.Mqtt.Port);
        Assert.Null(options.Mqtt.ClientId); // this installation's own, made at start (data_dir/mqtt_client_id)
        Assert.Equal("Europe/Oslo", options.Sites[0].TimeZone);
        Assert.Equal(60, options.Sites[0].Tariff.Static()!.Resolution);
    }

    [Fact]
    public void Unknown_key_is_reported_with_its_line_and_a_hint()
    {
        var problem = SingleProblem("""
            mqtt:
              hots: broker.lan
            """ + "\n" + MinimalSite);

        Assert.Equal("mqtt.hots (line 2): unknown key 'hots'; did you mean 'host'?", problem);
    }

    [Fact]
    public void Unknown_key_without_a_close_match_lists_the_known_keys()
    {
        var problem = SingleProblem("colour: blue\n" + MinimalSite);

        Assert.Equal("colour (line 1): unknown key 'colour'; expected one of: mqtt, embedded_broker, time_zone, data_dir, sites, homeassistant", problem);
    }

    [Fact]
    public void Unknown_key_deep_in_a_list_item_has_an_indexed_path()
    {
        var problems = Problems(StaticTariff("""
            bands:
              - name: Day
                hours: "06-22"
                price: 1
              - name: Rest
                prise: 0.5
            """));

        Assert.Equal(
            [
                "sites[0].tariff.bands[1].price (line 10): required key is missing",
                "sites[0].tariff.bands[1].prise (line 11): unknown key 'prise'; did you mean 'price'?",
            ],
            problems);
    }

    [Theory]
    [InlineData("mqtt:\n  port: abc", "mqtt.port (line 2): 'abc' is not a whole number")]
    [InlineData("mqtt:\n  port: 18.83", "mqtt.port (line 2): '18.83' is not a whole number")]
    [InlineData("mqtt:\n  port: 70000", "mqtt.port (line 2): 70000 is out of range; use 1 to 65535")]
    [InlineData("embedded_broker:\n  port: 0", "embedded_broker.port (line 2): 0 is out of range; use 1 to 65535")]
    [InlineData("mqtt:\n  tls:\n    enabled: yes", "mqtt.tls.enabled (line 3): 'yes' is not true or false")]
    [InlineData("mqtt: broker.lan", "mqtt (line 1): must be a section of keys, not a single value")]
    [InlineData("mqtt:\n  base_topic: home/#", "mqtt.base_topic (line 2): 'home/#' must not contain the MQTT wildcards '+' or '#'")]
    [InlineData("mqtt:\n  discovery_prefix: /homeassistant", "mqtt.discovery_prefix (line 2): '/homeassistant' must not start or end with '/'")]
    [InlineData("mqtt:\n  base_topic: \"\"", "mqtt.base_topic (line 2): must not be empty")]
    [InlineData("embedded_broker:\n  bind: localhost", "embedded_broker.bind (line 2): 'localhost' is not an IP address; use e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")]
    [InlineData("data_dir: \"\"", "data_dir (line 1): must not be empty")]
    public void Wrong_values_in_the_broker_sections_are_reported(string yaml, string expected)
    {
        Assert.Equal(expected, SingleProblem(yaml + "\n" + MinimalSite));
    }

    [Fact]
    public void Tls_files_must_exist_and_a_certificate_needs_its_key()
    {
        var problems = Problems("""
            mqtt:
              host: broker.lan
              tls:
                enabled: true
                ca_file: /nonexistent/ca.pem
                client_cert_file: /nonexistent/client.pem
            """ + "\n" + MinimalSite);

        Assert.Equal(
            [
                "mqtt.tls.client_key_file (line 4): required key is missing; a client certificate needs its private key",
                "mqtt.tls.ca_file (line 5): file '/nonexistent/ca.pem' does not exist",
                "mqtt.tls.client_cert_file (line 6): file '/nonexistent/client.pem' does not exist",
            ],
            problems);
    }

    [Fact]
    public void Empty_host_means_the_embedded_broker_and_a_host_means_an_external_one()
    {
        var embedded = Parse("mqtt:\n  host: \"\"\n" + MinimalSite).Options!;
        var external = Parse("mqtt:\n  host: broker.lan\n  port: 8883\n" + MinimalSite).Options!;

        Assert.True(embedded.Mqtt.UsesEmbeddedBroker);
        Assert.False(external.Mqtt.UsesEmbeddedBroker);
        Assert.Equal("broker.lan", external.Mqtt.Host);
        Assert.Equal(8883, external.Mqtt.Port);
    }

    [Fact]
    public void Site_without_an_id_is_reported_at_the_site()
    {
        var problem = SingleProblem("""
            sites:
              - name: Home
                tariff:
                  type: static
                  bands:
                    - name: All day
                      price: 0.5
            """);

        Assert.StartsWith("sites[0].id (line 2): required key is missing", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Home", "'Home' is not a valid site id; use lower-case letters, digits and '_'")]
    [InlineData("my-home", "'my-home' is not a valid site id")]
    [InlineData("bridge", "'bridge' is reserved for the topic <base>/bridge/info; choose another site id")]
    public void Site_id_must_be_lower_case_and_not_reserved(string id, string expected)
    {
        var problem = SingleProblem(MinimalSite.Replace("id: home", $"id: {id}", StringComparison.Ordinal));

        Assert.StartsWith("sites[0].id (line 2): ", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_site_ids_are_reported_on_the_second_site()
    {
        var yaml = MinimalSite + "\n" + MinimalSite["sites:\n".Length..];

        var problem = SingleProblem(yaml);

        Assert.Equal("sites[1].id (line 9): duplicate site id 'home' (already used by sites[0]); site ids must be unique", problem);
    }

    [Theory]
    [InlineData("sites: []\n", "sites (line 1): at least one site is required (each with an id, a name and a tariff or a meter)")]
    [InlineData("data_dir: data\n", "sites: at least one site is required (each with an id, a name and a tariff or a meter)")]
    [InlineData("", "sites: at least one site is required (each with an id, a name and a tariff or a meter)")]
    public void At_least_one_site_is_required(string yaml, string expected)
    {
        Assert.Equal(expected, SingleProblem(yaml));
    }

    [Fact]
    public void Site_needs_a_tariff_or_a_meter()
    {
        var problem = SingleProblem("sites:\n  - id: home\n    name: Home\n");

        Assert.Equal("sites[0] (line 2): a site needs a 'tariff' or a 'meter' (or both)", problem);
    }

    [Fact]
    public void Every_problem_is_reported_in_one_pass_in_file_order()
    {
        var problems = Problems("""
            mqtt:
              port: abc
              hots: x
            time_zone: Mars/Olympus_Mons
            sites:
              - id: Home
                tariff:
                  type: digim
              - id: bridge
                name: Bridge
                meter:
                  type: elvia
            """);

        Assert.Equal(
            [
                "mqtt.port (line 2): 'abc' is not a whole number",
                "mqtt.hots (line 3): unknown key 'hots'; did you mean 'host'?",
                "time_zone (line 4): 'Mars/Olympus_Mons' is not a known IANA time zone; use an id such as Europe/Oslo or Europe/Copenhagen",
                "sites[0].id (line 6): 'Home' is not a valid site id; use lower-case letters, digits and '_' (it appears in MQTT topics and entity ids)",
                "sites[0].name (line 6): required key is missing",
                "sites[0].tariff.type (line 8): unknown tariff type 'digim'; did you mean 'digin'?",
                "sites[1].id (line 9): 'bridge' is reserved for the topic <base>/bridge/info; choose another site id",
                "sites[1].meter.token (line 12): required key is missing; create a personal token on Elvia's Min side (TILGANGER, Opprett token) and paste it here",
            ],
            problems);
    }

    [Fact]
    public void Time_zone_is_checked_and_a_site_may_set_its_own()
    {
        var yaml = """
            time_zone: Europe/Oslo
            sites:
              - id: home
                name: Home
                tariff: { type: static, bands: [ { name: All day, price: 0.5 } ] }
              - id: summer_house
                name: Summer house
                time_zone: Europe/Copenhagen
                tariff: { type: static, bands: [ { name: All day, price: 0.4 } ] }
            """;

        var options = Parse(yaml).Options!;

        Assert.Equal(["Europe/Oslo", "Europe/Copenhagen"], options.Sites.Select(s => s.TimeZone));
        Assert.Equal(
            "sites[1].time_zone (line 8): 'Europe/Copenhagn' is not a known IANA time zone; did you mean 'Europe/Copenhagen'?",
            SingleProblem(yaml.Replace("Europe/Copenhagen", "Europe/Copenhagn", StringComparison.Ordinal)));
    }

    [Theory]
    // The catalog (Sources/Catalog.cs) is the one list of types: an API whose module has not landed is unknown, with the list.
    [InlineData("fluvius", "sites[0].tariff.type (line 5): unknown tariff type 'fluvius'; known types: static, digin, eloverblik")]
    [InlineData("digim", "sites[0].tariff.type (line 5): unknown tariff type 'digim'; did you mean 'digin'?")]
    [InlineData("spot", "sites[0].tariff.type (line 5): unknown tariff type 'spot'; known types: static, digin, eloverblik")]
    public void Tariff_types_not_in_this_version_are_named_as_such(string type, string expected)
    {
        var problem = SingleProblem($"""
            sites:
              - id: home
                name: Home
                tariff:
                  type: {type}
                  base_url: https://api.example.test
            """);

        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("linky", "sites[0].meter.type (line 5): unknown meter type 'linky'; known types: elvia, oresundskraft, eloverblik, fluvius")]
    [InlineData("elvai", "sites[0].meter.type (line 5): unknown meter type 'elvai'; did you mean 'elvia'?")]
    public void Meter_types_not_in_this_version_are_named_as_such(string type, string expected)
    {
        var problem = SingleProblem($"""
            sites:
              - id: home
                name: Home
                meter:
                  type: {type}
            """);

        Assert.Equal(expected, problem);
    }

    [Fact]
    public void Base_url_must_be_an_absolute_http_url()
    {
        var problem = SingleProblem(StaticTariff("base_url: ftp://example.test\nbands: [ { name: All, price: 1 } ]"));

        Assert.Equal("sites[0].tariff.base_url (line 6): 'ftp://example.test' is not an absolute http:// or https:// URL", problem);
    }

    [Fact]
    public void Malformed_yaml_is_one_problem_with_its_line()
    {
        var result = Parse("""
            mqtt:
              host: broker.lan
            sites:
              - id: home
               name: Home
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Null(result.Options);
        Assert.Equal(5, problem.Line);
        Assert.StartsWith("line 5: test.yaml is not valid YAML: ", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tab_in_the_indentation_names_that_line_not_the_mappings_first()
    {
        var result = Parse("sites:\n  - id: home\n    name: Home\n    tariff:\n\ttype: static\n");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("line 5: test.yaml is not valid YAML: this line is indented with a tab; YAML indents with spaces only", problem.ToString());
    }

    [Fact]
    public void Duplicate_keys_are_malformed_yaml_with_a_line()
    {
        var problem = Assert.Single(Parse("mqtt:\n  port: 1883\n  port: 1884\n" + MinimalSite).Problems);

        Assert.Equal("line 3: test.yaml is not valid YAML: Duplicate key port", problem.ToString());
    }

    [Fact]
    public void An_unclosed_flow_list_is_malformed_yaml_not_a_crash()
    {
        var problem = Assert.Single(Parse("mqtt: [a, b\n" + MinimalSite).Problems);

        Assert.Equal("line 1: test.yaml is not valid YAML; look for an unclosed bracket or quote on or after this line", problem.ToString());
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_reported()
    {
        var problems = Problems("- just\n- a list\n");

        Assert.Contains("line 1: test.yaml must hold a mapping of keys (mqtt, embedded_broker, time_zone, data_dir, sites), not a list", problems);
    }

    [Fact]
    public void Secret_values_are_never_echoed()
    {
        var problems = Problems("""
            mqtt:
              password: [hunter2]
            embedded_broker:
              password:
                secret: hunter2
            """ + "\n" + MinimalSite);

        Assert.Equal(
            [
                "mqtt.password (line 2): the value is not valid: expected a single value, not a list",
                "embedded_broker.password (line 5): the value is not valid: expected a single value, not a section",
            ],
            problems);
        Assert.DoesNotContain(problems, p => p.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public void Type_errors_on_secret_keys_say_not_valid_without_the_value()
    {
        Assert.Equal("the value is not valid (expected a whole number)", MqttBridge.Configuration.ConfigSection.Invalid("api_token", "s3cr3t-t0ken", "is not a whole number"));
        Assert.Equal("'abc' is not a whole number", MqttBridge.Configuration.ConfigSection.Invalid("port", "abc", "is not a whole number"));
    }

    [Fact]
    public void Nested_yaml_aliases_that_expand_past_a_million_values_are_refused_without_expanding_them()
    {
        // Seven levels of ten aliases each: ten million values once expanded (a "billion laughs" document).
        var yaml = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 6).Select(i =>
            $"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n")) + MinimalSite;

        var problem = SingleProblem(yaml);

        Assert.Contains("expands to more than 1,000,000 values (nested YAML aliases?)", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://user:s3cret@api.example.test/grid")]
    [InlineData("https://api.example.test/grid?code=s3cret")]
    public void A_base_url_with_credentials_in_it_is_refused_without_echoing_them(string url)
    {
        var problem = SingleProblem($"""
            sites:
              - id: home
                name: Home
                meter:
                  type: elvia
                  token: t0ken
                  base_url: "{url}"
            """);

        Assert.StartsWith("sites[0].meter.base_url (line 7): the value is not valid: a base URL holds no user name, password, query or fragment", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", problem, StringComparison.Ordinal);
    }
}
