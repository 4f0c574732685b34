using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using MqttBridge.Addon;
using MqttBridge.Configuration;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using MqttBridge.IntegrationTests.Sources.Throwaway;
using MqttBridge.Mqtt;
using MqttBridge.Scheduling;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.Sources;

/// <summary>
/// A new API is its folder plus one catalog line: a throwaway meter module (Sources/Throwaway/) added with
/// <see cref="Catalog.With"/> goes through config validation, secret masking, the add-on form and the sensors on a real
/// broker exactly as the shipped modules do, with no other code changed.
/// </summary>
public sealed class ThrowawaySourceTests(ITestOutputHelper output)
{
    private const string Code = "c0de-Secret-42";

    private static string Yaml(string meter, string mqtt = "") => $"""
        {mqtt}sites:
          - id: home
            name: Home
            meter:
              type: throwaway
        {meter}
        """;

    [Fact]
    public void Its_keys_are_validated_with_key_paths_and_its_secret_is_never_echoed()
    {
        // Without the catalog line the type is unknown: the module is what makes it work.
        Assert.Equal(
            ["sites[0].meter.type (line 5): unknown meter type 'throwaway'; known types: elvia, oresundskraft, eloverblik, fluvius"],
            ConfigLoader.Parse(Yaml($"      access_code: {Code}"), "test.yaml", new Dictionary<string, string?>()).Problems.Select(p => p.ToString()));

        using var catalogLine = Catalog.With(new ThrowawayModule());

        var result = ConfigLoader.Parse(Yaml($"      access_code: [\"{Code}\"]\n      daily_kwh: -1\n      consnt: approved"), "test.yaml", new Dictionary<string, string?>());

        var problems = result.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains("sites[0].meter.daily_kwh (line 7): -1 is negative; a meter counts 0 kWh or more", problems);
        Assert.Contains("sites[0].meter.consnt (line 8): unknown key 'consnt'; did you mean 'consent'?", problems);
        Assert.Contains(problems, p => p.StartsWith("sites[0].meter.access_code (line 6): the value is not valid", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains(Code, StringComparison.Ordinal));
    }

    [Fact]
    public void Its_options_mask_the_secret_in_to_string()
    {
        using var catalogLine = Catalog.With(new ThrowawayModule());

        var result = ConfigLoader.Parse(Yaml($"      access_code: {Code}\n      daily_kwh: 13.8"), "test.yaml", new Dictionary<string, string?>());

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var options = Assert.IsType<ThrowawayOptions>(result.Options!.Sites[0].Meter);
        Assert.Equal((Code, 13.8m), (options.AccessCode, options.DailyKwh));
        Assert.DoesNotContain(Code, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Code, result.Options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_add_on_form_maps_its_options_and_names_problems_by_option()
    {
        using var catalogLine = Catalog.With(new ThrowawayModule());
        Assert.Contains("throwaway_code", AddonOptions.AllSiteKeys);

        var good = Bind($$"""{"sites":[{"id":"home","name":"Home","meter_type":"throwaway","throwaway_code":"{{Code}}"}]}""");
        Assert.True(good.Problems.Count == 0, string.Join("\n", good.Problems));
        Assert.Equal(Code, Assert.IsType<ThrowawayOptions>(good.Options!.Sites[0].Meter).AccessCode);

        var missing = Bind("""{"sites":[{"id":"home","name":"Home","meter_type":"throwaway"}]}""");
        Assert.Equal("sites[0].throwaway_code", AddonOptions.ToOptionNames(missing.Problems).Single().Path);

        var elsewhere = Bind($$"""{"sites":[{"id":"home","name":"Home","preset":"elvia_household","throwaway_code":"{{Code}}"}]}""");
        var problem = AddonOptions.ToOptionNames(elsewhere.Problems).Single();
        Assert.Equal("sites[0].throwaway_code", problem.Path);
        Assert.Contains("is not used by this site's sources (tariff_type static)", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Code, problem.ToString(), StringComparison.Ordinal);

        static (IReadOnlyList<ConfigProblem> Problems, BridgeOptions? Options) Bind(string json)
        {
            var problems = new List<ConfigProblem>();
            var tree = AddonOptions.ToConfigTree(ConfigLoader.ParseTree(json, "options.json", string.Empty, problems)!, problems);
            var result = ConfigLoader.Bind(tree, new Dictionary<string, string?>(), problems);
            return (result.Problems, result.Options);
        }
    }

    [Fact]
    public async Task Its_sensors_and_diagnostics_appear_on_a_real_broker()
    {
        using var catalogLine = Catalog.With(new ThrowawayModule());
        using var broker = await MosquittoBroker.StartAsync();
        var dataDir = Directory.CreateTempSubdirectory("mqttbridge-throwaway-");
        try
        {
            var mqtt = $"mqtt:\n  host: {MosquittoBroker.Host}\n  port: {broker.Port}\ndata_dir: {dataDir.FullName}\n";
            var result = ConfigLoader.Parse(Yaml($"      access_code: {Code}\n      daily_kwh: 13.8\n      consent: requested", mqtt), "test.yaml", new Dictionary<string, string?>());
            Assert.True(result.IsValid, string.Join("\n", result.Problems));
            var options = result.Options!;

            var time = TimeProvider.System;
            using var sources = new SourceContext(options.DataDir, time, NullLoggerFactory.Instance);
            var sites = options.Sites.Select(s => SiteRuntime.Create(s, sources)).ToList();
            var connection = new MqttConnection(options.Mqtt, options.EmbeddedBroker, time, new TestLogger<MqttConnection>(output));
            using var bridge = new BridgeService(sites, connection, new Topics(options.Mqtt.BaseTopic, options.Mqtt.DiscoveryPrefix), time, new TestLogger<BridgeService>(output), "0.1.0");
            await connection.StartAsync(CancellationToken.None);
            await bridge.StartAsync(CancellationToken.None);
            try
            {
                await using var watcher = await TestSubscriber.ConnectAsync(MosquittoBroker.Host, broker.Port, "#");
                // Retained topics arrive in any order: wait for every one asserted below, not only the first.
                await watcher.WaitUntilAsync(
                    () => watcher.Latest("mqttbridge/home/token_expires") is { Length: > 4 }
                        && watcher.Latest("mqttbridge/home/consent_state") is not null
                        && watcher.Latest("mqttbridge/home/yesterday_consumption") is not null
                        && watcher.Latest("homeassistant/device/mqttbridge_home/config") is not null,
                    "the sensors, the diagnostics and the discovery");

                // The day's 13.8 kWh, whether yesterday had 23, 24 or 25 hours.
                Assert.Equal("13.8", watcher.Latest("mqttbridge/home/yesterday_consumption"));
                Assert.Equal("requested", watcher.Latest("mqttbridge/home/consent_state"));
                Assert.True(DateTimeOffset.TryParse(watcher.Latest("mqttbridge/home/token_expires"), out var expires));
                Assert.InRange(expires - time.GetUtcNow(), TimeSpan.FromDays(29), TimeSpan.FromDays(31));

                using var discovery = JsonDocument.Parse(watcher.Latest("homeassistant/device/mqttbridge_home/config")!);
                var components = discovery.RootElement.GetProperty("components");
                Assert.Equal("diagnostic", components.GetProperty("token_expires").GetProperty("entity_category").GetString());
                Assert.Equal("timestamp", components.GetProperty("token_expires").GetProperty("device_class").GetString());
                Assert.Equal(["approved", "requested"], components.GetProperty("consent_state").GetProperty("options").EnumerateArray().Select(o => o.GetString()));
                Assert.True(components.TryGetProperty("month_max_hour", out _));
                Assert.True(components.TryGetProperty("meter_problem", out _));
                Assert.False(components.TryGetProperty("grid_price", out _));
                Assert.False(components.TryGetProperty("yesterday_production", out _));
                Assert.DoesNotContain(watcher.Messages, m => m.Payload.Contains(Code, StringComparison.Ordinal));

                await HaCheck.AssertAcceptsAsync(broker.Port, "home:yesterday_consumption,home:token_expires,home:consent_state");
            }
            finally
            {
                await bridge.StopAsync(CancellationToken.None);
                await connection.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            dataDir.Delete(recursive: true);
        }
    }
}
