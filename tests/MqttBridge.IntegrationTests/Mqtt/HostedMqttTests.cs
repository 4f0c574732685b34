using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Mqtt;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.Mqtt;

/// <summary>The two services in a Generic Host, registered as the composition root should: broker first.</summary>
public sealed class HostedMqttTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Host_stop_publishes_offline_before_the_embedded_broker_goes_away()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new MqttOptions());
        builder.Services.AddSingleton(new EmbeddedBrokerOptions { Port = 0 });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ILogger<EmbeddedBroker>>(new TestLogger<EmbeddedBroker>(output));
        builder.Services.AddSingleton<ILogger<MqttConnection>>(new TestLogger<MqttConnection>(output));
        builder.Services.AddSingleton<EmbeddedBroker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        builder.Services.AddSingleton<MqttConnection>();
        builder.Services.AddSingleton<IRetainedPublisher>(sp => sp.GetRequiredService<MqttConnection>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
        using var host = builder.Build();

        await host.StartAsync();
        var broker = host.Services.GetRequiredService<EmbeddedBroker>();
        host.Services.GetRequiredService<IRetainedPublisher>().Publish("mqttbridge/home/grid_price", "0.3508");

        // Subscribe once the connection has sent everything: a subscription racing a retained publish can miss it
        // in MQTTnet.Server (the birth re-send covers that for Home Assistant; this test sends no birth).
        var connection = host.Services.GetRequiredService<MqttConnection>();
        for (var start = TimeProvider.System.GetTimestamp(); connection.ConnectedCount == 0 && TimeProvider.System.GetElapsedTime(start) < TimeSpan.FromSeconds(15);)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        await using var watcher = await TestSubscriber.ConnectAsync("127.0.0.1", broker.Port, "mqttbridge/#");
        await watcher.WaitUntilAsync(() => watcher.Latest("mqttbridge/status") == "online" && watcher.Latest("mqttbridge/home/grid_price") == "0.3508", "online and the state");

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(deadline.Token);

        Assert.Equal("offline", watcher.Latest("mqttbridge/status"));
        Assert.False(broker.IsRunning);
    }
}
