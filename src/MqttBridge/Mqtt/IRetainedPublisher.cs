namespace MqttBridge.Mqtt;

/// <summary>
/// The one way to put something on the broker. Every MqttBridge topic is retained, so the publisher keeps the
/// latest payload per topic: it sends changes while connected, and everything again after a reconnect or a
/// Home Assistant birth message. An empty payload clears the retained topic (and forgets it).
/// </summary>
internal interface IRetainedPublisher
{
    void Publish(string topic, string payload);

    /// <summary>
    /// Sends <paramref name="payload"/> to the topic once, before any later <see cref="Publish"/> of it, which then
    /// replaces it (a value that must reach subscribers although a newer one follows at once: Home Assistant's
    /// removal form of a discovery component). Not sent again after a reconnect.
    /// </summary>
    void PublishOnce(string topic, string payload);

    /// <summary>
    /// Reads the retained messages under <paramref name="topicFilter"/> (waiting up to <paramref name="window"/>
    /// for them to arrive), for clearing stale discovery at start. Waits for the first connection.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> ReadRetainedAsync(string topicFilter, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>True when another bridge was already online on the same base topic at the first connection.</summary>
    bool AnotherBridgeOnline { get; }
}
