using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.Mqtt;

namespace MqttBridge.Tests.Mqtt;

public sealed class MqttConnectionPublishTests
{
    [Theory]
    [InlineData("mqttbridge/+/grid_price")]
    [InlineData("mqttbridge/#")]
    [InlineData("")]
    public void Refuses_a_topic_the_broker_could_not_take(string topic)
    {
        using var connection = new MqttConnection(new MqttOptions(), new EmbeddedBrokerOptions(), new FakeTimeProvider(), NullLogger<MqttConnection>.Instance);

        Assert.ThrowsAny<ArgumentException>(() => connection.Publish(topic, "1"));
    }

    [Fact]
    public void Embedded_broker_is_reached_on_loopback_when_bound_to_every_address()
    {
        using var connection = new MqttConnection(
            new MqttOptions(), new EmbeddedBrokerOptions { Bind = "0.0.0.0", Port = 1884 }, new FakeTimeProvider(), NullLogger<MqttConnection>.Instance);

        Assert.Equal("127.0.0.1:1884", connection.BrokerEndpoint);
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public void External_broker_is_the_configured_host_and_port()
    {
        using var connection = new MqttConnection(
            new MqttOptions { Host = "core-mosquitto", Port = 1883 }, new EmbeddedBrokerOptions(), new FakeTimeProvider(), NullLogger<MqttConnection>.Instance);

        Assert.Equal("core-mosquitto:1883", connection.BrokerEndpoint);
    }
}
