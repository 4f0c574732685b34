using MqttBridge.Mqtt;

namespace MqttBridge.Tests.Mqtt;

public sealed class RetainedStoreTests
{
    [Fact]
    public void Keeps_only_the_latest_payload_per_topic()
    {
        var store = new RetainedStore("homeassistant");
        store.Set("mqttbridge/home/grid_price", "1.00");
        store.Set("mqttbridge/home/grid_price", "2.00");

        var dirty = store.DirtyInSendOrder();

        Assert.Equal(["mqttbridge/home/grid_price"], dirty);
        Assert.True(store.TryTake("mqttbridge/home/grid_price", out var payload));
        Assert.Equal("2.00", payload);
        Assert.False(store.HasDirty);
    }

    [Fact]
    public void Says_since_when_a_replaced_value_had_waited_unsent()
    {
        var store = new RetainedStore("homeassistant");
        Assert.Null(store.Set("mqttbridge/home/grid_price", "1.00", timestamp: 100));
        Assert.Null(store.Set("mqttbridge/home/grid_price", "1.00", timestamp: 150));

        // Replaced before it went out: it had waited since the first set.
        Assert.Equal(100, store.Set("mqttbridge/home/grid_price", "2.00", timestamp: 200));

        // Taken for sending: the next value waits anew.
        Assert.True(store.TryTake("mqttbridge/home/grid_price", out _));
        Assert.Null(store.Set("mqttbridge/home/grid_price", "3.00", timestamp: 300));
        Assert.Equal(300, store.Set("mqttbridge/home/grid_price", "4.00", timestamp: 400));

        // After a reconnect everything waits from then on: the outage is not the sender falling behind.
        store.MarkAllDirty(timestamp: 500);
        Assert.Equal(500, store.Set("mqttbridge/home/grid_price", "5.00", timestamp: 600));
    }

    [Fact]
    public void Sends_discovery_before_states_then_in_order_of_change()
    {
        var store = new RetainedStore("homeassistant");
        store.Set("mqttbridge/home/price_level", "cheap");
        store.Set("homeassistant/device/mqttbridge_home/config", "{}");
        store.Set("mqttbridge/home/grid_price", "0.35");
        store.Set("homeassistant/device/mqttbridge_cabin/config", "{}");

        Assert.Equal(
            [
                "homeassistant/device/mqttbridge_home/config",
                "homeassistant/device/mqttbridge_cabin/config",
                "mqttbridge/home/price_level",
                "mqttbridge/home/grid_price",
            ],
            store.DirtyInSendOrder());
    }

    [Fact]
    public void A_sent_clear_is_forgotten_and_not_sent_again_after_reconnect()
    {
        var store = new RetainedStore("homeassistant");
        store.Set("homeassistant/device/mqttbridge_old/config", string.Empty);
        store.Set("mqttbridge/home/grid_price", "0.35");
        foreach (var topic in store.DirtyInSendOrder())
        {
            Assert.True(store.TryTake(topic, out var payload));
            store.Sent(topic, payload);
        }

        store.MarkAllDirty();

        Assert.Equal(["mqttbridge/home/grid_price"], store.DirtyInSendOrder());
    }

    [Fact]
    public void A_clear_that_was_set_again_while_sending_is_kept()
    {
        var store = new RetainedStore("homeassistant");
        store.Set("mqttbridge/home/grid_price", string.Empty);
        Assert.True(store.TryTake("mqttbridge/home/grid_price", out var payload));
        store.Set("mqttbridge/home/grid_price", "0.40");
        store.Sent("mqttbridge/home/grid_price", payload);

        Assert.True(store.TryTake("mqttbridge/home/grid_price", out var next));
        Assert.Equal("0.40", next);
    }

    [Fact]
    public void A_failed_send_makes_the_topic_dirty_again()
    {
        var store = new RetainedStore("homeassistant");
        store.Set("mqttbridge/home/grid_price", "0.35");
        Assert.True(store.TryTake("mqttbridge/home/grid_price", out _));

        store.SendFailed("mqttbridge/home/grid_price");

        Assert.Equal(["mqttbridge/home/grid_price"], store.DirtyInSendOrder());
    }

    [Fact]
    public void Does_not_count_a_prefix_lookalike_as_discovery()
    {
        var store = new RetainedStore("homeassistant");
        store.Set("mqttbridge/home/grid_price", "0.35");
        store.Set("homeassistant_other/x/config", "{}");

        Assert.Equal(["mqttbridge/home/grid_price", "homeassistant_other/x/config"], store.DirtyInSendOrder());
    }

    [Fact]
    public void A_payload_published_once_goes_out_before_the_latest_even_when_replaced_at_once_and_survives_a_failed_send()
    {
        const string Topic = "homeassistant/device/mqttbridge_home/config";
        var store = new RetainedStore("homeassistant");
        store.SetOnce(Topic, "removal");
        store.Set(Topic, "final");

        var sent = new List<string>();
        var first = true;
        foreach (var topic in store.DirtyInSendOrder())
        {
            Assert.True(store.TryTake(topic, out var payload));
            if (first)
            {
                // The broker did not take it: it is sent again on the next flush, still before the final payload.
                first = false;
                store.SendFailed(topic);
                break;
            }
        }

        foreach (var topic in store.DirtyInSendOrder())
        {
            Assert.True(store.TryTake(topic, out var payload));
            store.Sent(topic, payload);
            sent.Add(payload);
        }

        Assert.Equal(["removal", "final"], sent);
        Assert.False(store.HasDirty);

        // A reconnect replays the latest value only.
        store.MarkAllDirty();
        Assert.Equal([Topic], store.DirtyInSendOrder());
        Assert.True(store.TryTake(Topic, out var replayed));
        Assert.Equal("final", replayed);
    }
}
