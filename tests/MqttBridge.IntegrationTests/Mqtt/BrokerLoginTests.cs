using System.Diagnostics;
using MqttBridge.Configuration;
using MqttBridge.Mqtt;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.Mqtt;

/// <summary>
/// A broker that is reached but refuses the login says so (not "not reachable"), naming the keys to check:
/// a real mosquitto with a password file, which answers MQTT 3.1.1 logins it refuses with "not authorized".
/// </summary>
public sealed class BrokerLoginTests(ITestOutputHelper output) : IAsyncLifetime
{
    private MosquittoBroker _mosquitto = null!;
    private readonly List<MqttConnection> _connections = [];

    public async Task InitializeAsync()
    {
        _mosquitto = await MosquittoBroker.StartAsync(dir =>
        {
            var passwords = Path.Combine(dir, "passwd");
            using (var process = Process.Start(new ProcessStartInfo(MosquittoBroker.FindExecutable("mosquitto_passwd"), ["-b", "-c", passwords, "bridge", "s3cret"]) { UseShellExecute = false })!)
            {
                process.WaitForExit();
            }

            if (!OperatingSystem.IsWindows())
            {
                // Started as root, mosquitto drops to its own user before reading the file.
                File.SetUnixFileMode(passwords, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            return $"allow_anonymous false\npassword_file {passwords}\n";
        });
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await connection.StopAsync(deadline.Token);
            connection.Dispose();
        }

        _mosquitto.Dispose();
    }

    [Fact]
    public async Task A_wrong_password_is_a_refused_login_naming_mqtt_username_and_password()
    {
        var line = await FirstRetryLineAsync(new MqttOptions { Host = MosquittoBroker.Host, Port = _mosquitto.Port, Username = "bridge", Password = "wrong-password" });

        Assert.StartsWith(
            $"Warning: MQTT broker 127.0.0.1:{_mosquitto.Port} refused the login (not authorized); check mqtt.username and mqtt.password and that the broker lets this user connect; next attempt in ",
            line,
            StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_login_on_a_broker_that_wants_one_says_to_set_mqtt_username_and_password()
    {
        var line = await FirstRetryLineAsync(new MqttOptions { Host = MosquittoBroker.Host, Port = _mosquitto.Port });

        Assert.StartsWith($"Warning: MQTT broker 127.0.0.1:{_mosquitto.Port} refused an anonymous login (not authorized); set mqtt.username and mqtt.password; next attempt in ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_password_connects()
    {
        var logger = new TestLogger<MqttConnection>(output);
        var connection = Start(new MqttOptions { Host = MosquittoBroker.Host, Port = _mosquitto.Port, Username = "bridge", Password = "s3cret" }, logger);
        await connection.StartAsync(CancellationToken.None);

        // The connection counts as connected a moment before it logs so: wait for the line itself.
        var started = TimeProvider.System.GetTimestamp();
        while (!logger.Lines.Any(l => l.StartsWith("Information: Connected to MQTT broker", StringComparison.Ordinal)))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15), string.Join("\n", logger.Lines));
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        Assert.True(connection.IsConnected);

        // At start nothing is computed yet: the line counts only what it sent.
        Assert.Contains(logger.Lines, l => l == $"Information: Connected to MQTT broker 127.0.0.1:{_mosquitto.Port}; published mqttbridge/status = online");
    }

    private MqttConnection Start(MqttOptions options, TestLogger<MqttConnection> logger)
    {
        var connection = new MqttConnection(options with { ClientId = "login-" + Guid.NewGuid().ToString("N")[..8] }, new EmbeddedBrokerOptions(), TimeProvider.System, logger, random: new Random(5));
        _connections.Add(connection);
        return connection;
    }

    private async Task<string> FirstRetryLineAsync(MqttOptions options)
    {
        var logger = new TestLogger<MqttConnection>(output);
        var connection = Start(options, logger);
        await connection.StartAsync(CancellationToken.None);
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            if (logger.Lines.FirstOrDefault(l => l.Contains("next attempt in", StringComparison.Ordinal)) is { } line)
            {
                Assert.DoesNotContain(logger.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
                Assert.False(connection.IsConnected);
                return line;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15), "no log line about the refused login");
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }
    }
}
