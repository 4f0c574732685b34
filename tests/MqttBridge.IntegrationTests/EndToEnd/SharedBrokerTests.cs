using System.Globalization;
using System.Text.Json;
using MqttBridge.Configuration;
using MqttBridge.IntegrationTests.Mqtt;
using MqttBridge.Mqtt;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.EndToEnd;

/// <summary>Two bridges on one mosquitto: client ids, device and unique ids, and whose discovery each may clear.</summary>
public sealed class SharedBrokerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-shared-").FullName;
    private MosquittoBroker _mosquitto = null!;

    public async Task InitializeAsync() => _mosquitto = await MosquittoBroker.StartAsync();

    public Task DisposeAsync()
    {
        _mosquitto.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private string Config(string? baseTopic) => $"""
        mqtt:
          host: 127.0.0.1
          port: {_mosquitto.Port.ToString(CultureInfo.InvariantCulture)}
        {(baseTopic is null ? "" : $"  base_topic: {baseTopic}")}
        sites:
          - id: home
            name: Home
            tariff:
              type: static
              bands:
                - name: All day
                  price: 0.5
        """;

    private BridgeProcess Start(string? baseTopic, string dataDir) =>
        BridgeProcess.Start(Config(baseTopic), new Dictionary<string, string> { ["MQTTBRIDGE__DATA_DIR"] = dataDir });

    [Fact]
    public async Task Two_bridges_with_their_own_ids_stay_connected_and_neither_clears_the_others_site()
    {
        var dataA = Path.Combine(_dir, "a");
        var dataB = Path.Combine(_dir, "b");

        // A site this bridge had before on the default base topic: it must be cleared; bridge_b's "home" must not.
        await MosquittoSub.PublishAsync(_mosquitto.Port, "homeassistant/device/mqttbridge_old/config", """{"origin":{"name":"MqttBridge"},"availability_topic":"mqttbridge/status","components":{"grid_price":{"platform":"sensor","unique_id":"mqttbridge_old_grid_price","state_topic":"mqttbridge/old/grid_price"}}}""", retain: true);
        using var b = Start("bridge_b", dataB);
        await MosquittoSub.WaitUntilAsync(_mosquitto.Port, r => r.GetValueOrDefault("bridge_b/status") == "online" && r.ContainsKey("homeassistant/device/mqttbridge_bridge_b_home/config"), Patience);
        using var a = Start(null, dataA);
        await a.WaitForOutputAsync("Clearing homeassistant/device/mqttbridge_old/config", Patience);

        var retained = await MosquittoSub.WaitUntilAsync(_mosquitto.Port, r => r.GetValueOrDefault("mqttbridge/status") == "online" && r.ContainsKey("homeassistant/device/mqttbridge_home/config") && !r.ContainsKey("homeassistant/device/mqttbridge_old/config"), Patience);
        output.WriteLine(a.Output + "\n----\n" + b.Output);

        // The default base topic keeps today's ids; the other carries its base topic: no unique id is shared.
        Assert.Equal("online", retained["bridge_b/status"]);
        Assert.Equal("0.5", retained["mqttbridge/home/grid_price"]);
        Assert.Equal("0.5", retained["bridge_b/home/grid_price"]);
        Assert.Equal("mqttbridge_home_grid_price", UniqueId(retained["homeassistant/device/mqttbridge_home/config"]));
        Assert.Equal("mqttbridge_bridge_b_home_grid_price", UniqueId(retained["homeassistant/device/mqttbridge_bridge_b_home/config"]));
        Assert.DoesNotContain("Clearing homeassistant/device/mqttbridge_bridge_b_home", a.Output, StringComparison.Ordinal);

        // Each installation made its own client id, and kept it in its data_dir.
        var idA = File.ReadAllText(Path.Combine(dataA, ClientIdentity.FileName)).Trim();
        var idB = File.ReadAllText(Path.Combine(dataB, ClientIdentity.FileName)).Trim();
        Assert.NotEqual(idA, idB);
        Assert.DoesNotContain("Lost connection", a.Output + b.Output, StringComparison.Ordinal);

        await HaCheck.AssertAcceptsAsync(_mosquitto.Port, "home:grid_price");

        // A restart keeps the id.
        a.Signal(BridgeProcess.SigTerm);
        Assert.Equal(0, await a.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        using var again = Start(null, dataA);
        await again.WaitForOutputAsync("Connected to MQTT broker", Patience);
        Assert.Equal(idA, File.ReadAllText(Path.Combine(dataA, ClientIdentity.FileName)).Trim());
        Assert.DoesNotContain("this installation's own, kept in", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_bridge_on_a_data_dir_in_use_stops_with_exit_1_and_the_first_keeps_running()
    {
        var data = Path.Combine(_dir, "one");
        using var first = Start(null, data);
        await MosquittoSub.WaitUntilAsync(_mosquitto.Port, r => r.GetValueOrDefault("mqttbridge/status") == "online", Patience);

        using var second = Start("bridge_b", data);
        var code = await second.WaitForExitAsync(Patience);
        output.WriteLine(second.Output);

        Assert.Equal(1, code);
        Assert.Contains($"data_dir {Path.GetFullPath(data)} is in use by another MqttBridge", second.Output, StringComparison.Ordinal);
        Assert.False(first.HasExited);

        // Once the first is gone, the lock goes with it and the data_dir can be used again.
        first.Signal(BridgeProcess.SigKill);
        await first.WaitForExitAsync(Patience);
        using var third = Start(null, data);
        await third.WaitForOutputAsync("Connected to MQTT broker", Patience);
        Assert.DoesNotContain("in use by another MqttBridge", third.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_dir_that_is_a_file_is_a_warning_from_check_config_and_at_start()
    {
        var file = Path.Combine(_dir, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");
        var environment = new Dictionary<string, string> { ["MQTTBRIDGE__DATA_DIR"] = file };

        var configFile = Path.Combine(_dir, "bridge.yaml");
        await File.WriteAllTextAsync(configFile, Config(null));
        var (code, text) = await BridgeProcess.RunAsync(null, environment, "check-config", "--config", configFile);
        Assert.Equal(0, code);
        Assert.Contains($"warning: data_dir: {file} is a file, not a folder", text, StringComparison.Ordinal);

        using var bridge = BridgeProcess.Start(Config(null), environment);
        await bridge.WaitForOutputAsync("running without keeping data across restarts", Patience);
        var retained = await MosquittoSub.WaitUntilAsync(_mosquitto.Port, r => r.GetValueOrDefault("mqttbridge/home/grid_price") == "0.5", Patience);
        Assert.Equal("online", retained["mqttbridge/status"]);
    }

    [Fact]
    public async Task Two_connections_with_one_client_id_are_named_in_one_log_line()
    {
        var loggers = new[] { new TestLogger<MqttConnection>(output), new TestLogger<MqttConnection>(output) };
        var options = new MqttOptions { Host = MosquittoBroker.Host, Port = _mosquitto.Port, ClientId = "same-id-" + Guid.NewGuid().ToString("N")[..6] };
        var connections = loggers.Select(l => new MqttConnection(options, new EmbeddedBrokerOptions(), TimeProvider.System, l)).ToArray();
        try
        {
            foreach (var connection in connections)
            {
                await connection.StartAsync(CancellationToken.None);
            }

            static int Told(TestLogger<MqttConnection> logger) => logger.Lines.Count(l => l.Contains("mqtt.client_id", StringComparison.Ordinal));
            var started = TimeProvider.System.GetTimestamp();
            while (!loggers.Any(l => Told(l) > 0) && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            }

            var told = loggers.First(l => Told(l) > 0);
            var line = told.Lines.Single(l => l.Contains("mqtt.client_id", StringComparison.Ordinal));
            Assert.Contains($"same client id '{options.ClientId}'", line, StringComparison.Ordinal);

            // The fight goes on (nothing can stop it but another id), and the line is not repeated.
            var connects = connections[Array.IndexOf(loggers, told)].ConnectedCount;
            while (connections[Array.IndexOf(loggers, told)].ConnectedCount < connects + 3 && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            }

            Assert.Equal(1, Told(told));
        }
        finally
        {
            foreach (var connection in connections)
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await connection.StopAsync(deadline.Token);
                connection.Dispose();
            }
        }
    }

    private static string UniqueId(string discovery)
    {
        using var doc = JsonDocument.Parse(discovery);
        return doc.RootElement.GetProperty("components").GetProperty("grid_price").GetProperty("unique_id").GetString()!;
    }

    [Fact]
    public async Task A_second_bridge_on_the_same_base_topic_clears_none_of_the_first_ones_live_sites_and_says_why()
    {
        // Another bridge is live on the default base topic with a site "cabin" that this bridge's config does not have.
        await MosquittoSub.PublishAsync(_mosquitto.Port, "mqttbridge/status", "online", retain: true);
        await MosquittoSub.PublishAsync(_mosquitto.Port, "homeassistant/device/mqttbridge_cabin/config", """{"origin":{"name":"MqttBridge"},"availability_topic":"mqttbridge/status","components":{"grid_price":{"platform":"sensor","unique_id":"mqttbridge_cabin_grid_price","state_topic":"mqttbridge/cabin/grid_price"}}}""", retain: true);
        await MosquittoSub.PublishAsync(_mosquitto.Port, "mqttbridge/cabin/grid_price", "0.41", retain: true);

        using var second = Start(null, Path.Combine(_dir, "second"));
        await second.WaitForOutputAsync("another bridge seems to run with the same mqtt.base_topic", Patience);
        var retained = await MosquittoSub.WaitUntilAsync(_mosquitto.Port, r => r.ContainsKey("homeassistant/device/mqttbridge_home/config") && r.ContainsKey("mqttbridge/home/grid_price"), Patience);
        output.WriteLine(second.Output);

        Assert.True(retained.ContainsKey("homeassistant/device/mqttbridge_cabin/config"), "the other bridge's live site was cleared");
        Assert.Equal("0.41", retained["mqttbridge/cabin/grid_price"]);
        Assert.DoesNotContain("Clearing homeassistant/device/mqttbridge_cabin/config", second.Output, StringComparison.Ordinal);
    }
}
