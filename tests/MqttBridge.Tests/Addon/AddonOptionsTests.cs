using MqttBridge.TestSupport;
using System.Net;
using MqttBridge.Addon;
using MqttBridge.Configuration;
using static MqttBridge.Tests.Addon.AddonTestKit;

namespace MqttBridge.Tests.Addon;

/// <summary>Add-on mode: options.json and the Supervisor's answer become the same validated options as YAML.</summary>
public sealed class AddonOptionsTests
{
    private static string Site(string fields) => $$"""{"time_zone":"Europe/Oslo","mqtt":{},"embedded_broker":{},"sites":[{"id":"home","name":"Home",{{fields}}}]}""";

    [Fact]
    public async Task Default_options_run_the_shipped_tariff_on_the_supervisors_mosquitto()
    {
        var supervisor = FakeSupervisor.WithMosquitto();
        var result = await LoadAsync(DefaultOptionsJson(), supervisor);

        Assert.Empty(Problems(result));
        var options = result.Config.Options!;
        Assert.Equal(AddonBroker.Supervisor, result.Broker);
        Assert.Equal(("core-mosquitto", 1883, "addons", "s3cret", false), (options.Mqtt.Host, options.Mqtt.Port, options.Mqtt.Username, options.Mqtt.Password, options.Mqtt.Tls.Enabled));
        Assert.Equal("/data", options.DataDir);
        Assert.Equal([("/services/mqtt", "Bearer " + Token)], supervisor.Calls);

        // The preset is the default YAML configuration's tariff, record for record.
        var yaml = ConfigLoader.Load(RepoPaths.File("config/mqttbridge.yaml"), new Dictionary<string, string?>()).Options!;
        var site = Assert.Single(options.Sites);
        Assert.Equal(("home", "Home", "Europe/Oslo"), (site.Id, site.Name, site.TimeZone));
        Assert.Equivalent(yaml.Sites[0].Tariff, site.Tariff, strict: true);
    }

    [Fact]
    public async Task Supervisor_ssl_means_tls_verified_against_the_system_cas()
    {
        var supervisor = new FakeSupervisor(HttpStatusCode.OK, """{"result":"ok","data":{"host":"core-mosquitto","port":8883,"ssl":true}}""");
        var options = (await LoadAsync(DefaultOptionsJson(), supervisor)).Config.Options!;

        Assert.Equal(8883, options.Mqtt.Port);
        Assert.True(options.Mqtt.Tls.Enabled);
        Assert.Null(options.Mqtt.Tls.CaFile);
        Assert.False(options.Mqtt.Tls.Insecure);
        Assert.Null(options.Mqtt.Username);
    }

    [Fact]
    public async Task No_mqtt_service_starts_the_embedded_broker_on_every_address_and_says_why()
    {
        var result = await LoadAsync(Site("\"preset\":\"elvia_household\"").Replace("\"embedded_broker\":{}", "\"embedded_broker\":{\"port\":1884}", StringComparison.Ordinal), FakeSupervisor.WithoutMqtt());

        var options = result.Config.Options!;
        Assert.Equal(AddonBroker.Embedded, result.Broker);
        Assert.True(options.Mqtt.UsesEmbeddedBroker);
        Assert.Equal(("0.0.0.0", 1884), (options.EmbeddedBroker.Bind, options.EmbeddedBroker.Port));
        Assert.Equal("GET http://supervisor/services/mqtt answered HTTP 400: No service 'mqtt' available", result.NoServiceReason);
    }

    [Fact]
    public async Task An_unreachable_supervisor_counts_as_no_mqtt_service()
    {
        var supervisor = new FakeSupervisor(HttpStatusCode.OK, string.Empty) { Throw = new HttpRequestException("Name or service not known (supervisor:80)") };
        var result = await LoadAsync(DefaultOptionsJson(), supervisor);

        Assert.Equal(AddonBroker.Embedded, result.Broker);
        Assert.Equal("Supervisor at http://supervisor/ not reachable: Name or service not known (supervisor:80)", result.NoServiceReason);
        Assert.True(result.Config.IsValid);
    }

    [Theory]
    [InlineData("not json at all", "answered with something that is not the Supervisor's JSON")]
    [InlineData("""{"result":"ok","data":{"host":"","port":"1883"}}""", "named no usable broker")]
    public async Task An_odd_supervisor_answer_counts_as_no_mqtt_service(string body, string reason)
    {
        var result = await LoadAsync(DefaultOptionsJson(), new FakeSupervisor(HttpStatusCode.OK, body));

        Assert.Equal(AddonBroker.Embedded, result.Broker);
        Assert.Contains(reason, result.NoServiceReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_in_the_options_wins_and_the_supervisor_is_not_asked()
    {
        var supervisor = FakeSupervisor.WithMosquitto();
        var json = Site("\"preset\":\"elvia_household\"").Replace("\"mqtt\":{}", "\"mqtt\":{\"host\":\"broker.lan\",\"port\":8883,\"tls\":true,\"username\":\"u\",\"password\":\"p\",\"base_topic\":\"grid\"}", StringComparison.Ordinal);
        var result = await LoadAsync(json, supervisor);

        var mqtt = result.Config.Options!.Mqtt;
        Assert.Equal(AddonBroker.Configured, result.Broker);
        Assert.Empty(supervisor.Calls);
        Assert.Equal(("broker.lan", 8883, true, "u", "p", "grid"), (mqtt.Host, mqtt.Port, mqtt.Tls.Enabled, mqtt.Username, mqtt.Password, mqtt.BaseTopic));
    }

    [Fact]
    public async Task Environment_variables_override_the_options_and_the_supervisor()
    {
        var environment = new Dictionary<string, string?>
        {
            ["MQTTBRIDGE__MQTT__PORT"] = "1999",
            ["MQTTBRIDGE__DATA_DIR"] = "/tmp/elsewhere",
            ["MQTTBRIDGE__SITES__0__NAME"] = "Cabin",
        };
        var options = (await LoadAsync(DefaultOptionsJson(), FakeSupervisor.WithMosquitto(), environment)).Config.Options!;

        Assert.Equal(("core-mosquitto", 1999), (options.Mqtt.Host, options.Mqtt.Port));
        Assert.Equal("/tmp/elsewhere", options.DataDir);
        Assert.Equal("Cabin", options.Sites[0].Name);

        var supervisor = FakeSupervisor.WithMosquitto();
        var host = await LoadAsync(DefaultOptionsJson(), supervisor, new Dictionary<string, string?> { ["MQTTBRIDGE__MQTT__HOST"] = "10.0.0.2" });
        Assert.Empty(supervisor.Calls);
        Assert.Equal("10.0.0.2", host.Config.Options!.Mqtt.Host);
    }

    [Theory]
    [InlineData("elvia_household", "NOK")]
    [InlineData("denmark_radius", "DKK")]
    [InlineData("sweden_time_tariff", "SEK")]
    [InlineData("flanders_fluvius", "EUR")]
    public async Task Every_preset_is_a_valid_static_tariff(string preset, string currency)
    {
        var result = await LoadAsync(Site($"\"preset\":\"{preset}\""), FakeSupervisor.WithMosquitto());

        Assert.Empty(Problems(result));
        var tariff = result.Config.Options!.Sites[0].Tariff!;
        Assert.Equal("static", tariff.Type);
        Assert.Equal(currency, tariff.Static()!.Currency);
    }

    [Theory]
    [InlineData("\"tariff_type\":\"static\",\"preset\":\"elvia_houshold\"", "sites[0].preset: 'elvia_houshold' is not a known preset; did you mean 'elvia_household'?")]
    [InlineData("\"tariff_type\":\"static\"", "sites[0].preset: required key is missing; tariff_type static takes its bands from a preset (elvia_household, denmark_radius, sweden_time_tariff, flanders_fluvius); for your own bands write a YAML file and set config_file")]
    [InlineData("\"preset\":\"elvia_household\",\"api_key\":\"k\"", "sites[0].api_key: is not used by this site's sources (tariff_type static); remove it or choose a tariff_type or meter_type that takes it")]
    [InlineData("\"tariff_type\":\"digim\"", "sites[0].tariff_type: unknown tariff type 'digim'; did you mean 'digin'?")]
    [InlineData("\"preset\":\"elvia_household\",\"prest\":\"x\"", "sites[0].prest: unknown key 'prest'; did you mean 'preset'?")]
    [InlineData("\"preset\":\"elvia_household\",\"time_zone\":\"Europe/Olso\"", "sites[0].time_zone: 'Europe/Olso' is not a known IANA time zone; did you mean 'Europe/Oslo'?")]
    public async Task Problems_name_the_option_to_fix(string fields, string expected)
    {
        var result = await LoadAsync(Site(fields), FakeSupervisor.WithMosquitto());

        Assert.Equal([expected], Problems(result));
    }

    [Fact]
    public async Task Options_errors_outside_sites_and_an_empty_site_list_read_as_in_yaml()
    {
        const string json = """{"time_zone":"Europe/Oslo","mqtt":{"host":"broker.lan","port":70000,"tls":"maybe"},"embedded_broker":{},"sites":[]}""";
        var problems = Problems(await LoadAsync(json, FakeSupervisor.WithMosquitto()));

        Assert.Equal(
            [
                "mqtt.port: 70000 is out of range; use 1 to 65535",
                "mqtt.tls: 'maybe' is not true or false",
                "sites: at least one site is required (each with an id, a name and a tariff or a meter)",
            ],
            problems.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Source_options_go_to_the_sources_that_take_them_and_name_the_option_when_refused()
    {
        // digin and elvia may not be available in this build: then the binder says so, at the option's name.
        var json = Site("\"tariff_type\":\"digin\",\"api_key\":\"secret-key\",\"metering_point_id\":\"707057500000000001\",\"meter_type\":\"elvia\",\"token\":\"secret-token\",\"include_production\":true,\"meter_base_url\":\"http://127.0.0.1:9/\"");
        var result = await LoadAsync(json, FakeSupervisor.WithMosquitto());

        foreach (var problem in Problems(result))
        {
            Assert.Matches(@"^sites\[0\]\.(tariff_type|meter_type|api_key|metering_point_id|token|include_production|meter_base_url)\b", problem);
            Assert.DoesNotContain("secret", problem, StringComparison.Ordinal);
        }

        if (result.Config.Options is { } options)
        {
            Assert.Equal("digin", options.Sites[0].Tariff!.Type);
            Assert.Equal(("elvia", "http://127.0.0.1:9/"), (options.Sites[0].Meter!.Type, options.Sites[0].Meter.Elvia()!.BaseUrl));
        }
    }

    [Theory]
    [InlineData("sites[2].tariff.type", "sites[2].tariff_type", false)]
    [InlineData("sites[0].meter.type", "sites[0].meter_type", false)]
    [InlineData("sites[0].tariff", "sites[0].tariff_type", false)]
    [InlineData("sites[0].tariff.base_url", "sites[0].tariff_base_url", false)]
    [InlineData("sites[0].meter.base_url", "sites[0].meter_base_url", false)]
    [InlineData("sites[0].meter.token", "sites[0].token", false)]
    [InlineData("sites[0].tariff.bands[1].hours", "sites[0].preset", true)]
    [InlineData("mqtt.tls.enabled", "mqtt.tls", false)]
    [InlineData("embedded_broker.port", "embedded_broker.port", false)]
    [InlineData("sites[1].id", "sites[1].id", false)]
    public void Configuration_paths_map_back_to_option_names(string path, string option, bool insidePreset)
    {
        Assert.Equal(option, AddonOptions.OptionPath(path, out var preset));
        Assert.Equal(insidePreset, preset);
    }

    [Fact]
    public async Task Config_file_replaces_the_options_and_keeps_its_own_key_names()
    {
        var dir = Directory.CreateTempSubdirectory("mqttbridge-addon-config-").FullName;
        try
        {
            var file = Path.Combine(dir, "mqttbridge.yaml");
            await File.WriteAllTextAsync(file, File.ReadAllText(RepoPaths.File("config/examples/denmark-radius.yaml")));
            var json = DefaultOptionsJson().Replace("{", $"{{\"config_file\":\"{file}\",", StringComparison.Ordinal);
            var result = await LoadAsync(json, FakeSupervisor.WithoutMqtt());

            var options = result.Config.Options!;
            Assert.Equal(file, result.Source);
            Assert.Equal(("hjem", "DKK", "/data"), (options.Sites[0].Id, options.Sites[0].Tariff.Static()!.Currency, options.DataDir));
            Assert.Equal("0.0.0.0", options.EmbeddedBroker.Bind);
            Assert.Contains("config_file is set", result.ConfigFileNote, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, "sites:\n  - id: Home\n    name: Home\n    tariff: { type: static, bands: [ { name: All, price: 0.5 } ] }\n");
            Assert.Equal(["sites[0].id (line 2): 'Home' is not a valid site id; use lower-case letters, digits and '_' (it appears in MQTT topics and entity ids)"], Problems(await LoadAsync(json, FakeSupervisor.WithoutMqtt())));
            Assert.Equal(["config_file: '/config/missing.yaml' was not found; config_file names a file in the add-on's config folder: /addon_configs/<id>_mqttbridge in the Samba or File editor add-on, where <id> is what precedes _mqttbridge in the add-on page's address"],
                Problems(await LoadAsync(DefaultOptionsJson().Replace("{", "{\"config_file\":\"missing.yaml\",", StringComparison.Ordinal), FakeSupervisor.WithoutMqtt())));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Without_the_supervisor_token_the_supervisor_is_not_asked_and_the_embedded_broker_is_used()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("mqttbridge-addon-").FullName, "options.json");
        await File.WriteAllTextAsync(path, DefaultOptionsJson());
        var supervisor = FakeSupervisor.WithMosquitto();
        using var http = new HttpClient(supervisor) { BaseAddress = new Uri("http://supervisor/") };
        try
        {
            var result = await AddonConfigLoader.LoadAsync(new AddonSettings(path, http.BaseAddress, null), new Dictionary<string, string?>(), new SupervisorClient(http, null), CancellationToken.None);

            Assert.Empty(supervisor.Calls);
            Assert.Equal(AddonBroker.Embedded, result.Broker);
            Assert.Equal("0.0.0.0", result.Config.Options!.EmbeddedBroker.Bind);
            Assert.Contains("SUPERVISOR_TOKEN is not set", result.NoServiceReason, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_options_file_says_where_it_was_looked_for()
    {
        using var http = new HttpClient(FakeSupervisor.WithMosquitto()) { BaseAddress = new Uri("http://supervisor/") };
        var settings = new AddonSettings("/nonexistent/options.json", http.BaseAddress, Token);
        var result = await AddonConfigLoader.LoadAsync(settings, new Dictionary<string, string?>(), new SupervisorClient(http, Token), CancellationToken.None);

        Assert.Equal(["'/nonexistent/options.json' was not found; the Supervisor writes it in add-on mode; set MQTTBRIDGE_OPTIONS_PATH to read another"], Problems(result));
    }

    [Fact]
    public void Add_on_mode_is_on_with_a_supervisor_token_or_the_flag_and_reads_its_paths_from_the_environment()
    {
        Assert.False(AddonSettings.IsOn(false, new Dictionary<string, string?>()));
        Assert.True(AddonSettings.IsOn(false, new Dictionary<string, string?> { ["SUPERVISOR_TOKEN"] = "t" }));
        Assert.True(AddonSettings.IsOn(true, new Dictionary<string, string?>()));

        var defaults = AddonSettings.FromEnvironment(new Dictionary<string, string?> { ["SUPERVISOR_TOKEN"] = "t" });
        Assert.Equal(("/data/options.json", "http://supervisor/", "t"), (defaults.OptionsPath, defaults.SupervisorUrl.ToString(), defaults.Token));

        var custom = AddonSettings.FromEnvironment(new Dictionary<string, string?> { ["MQTTBRIDGE_OPTIONS_PATH"] = "/tmp/o.json", ["MQTTBRIDGE_SUPERVISOR_URL"] = "http://127.0.0.1:8123/api" });
        Assert.Equal(("/tmp/o.json", "http://127.0.0.1:8123/api/"), (custom.OptionsPath, custom.SupervisorUrl.ToString()));
    }
}
