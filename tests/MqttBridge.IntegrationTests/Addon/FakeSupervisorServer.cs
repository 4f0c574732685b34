using MqttBridge.IntegrationTests.Support;

namespace MqttBridge.IntegrationTests.Addon;

/// <summary>The Home Assistant Supervisor's <c>/services/mqtt</c> as a <see cref="FakeApiServer"/> with its two answers.</summary>
internal static class FakeSupervisorServer
{
    /// <summary>The Mosquitto add-on's answer for a broker on 127.0.0.1; the port as the string the Supervisor stores.</summary>
    public static FakeApiServer WithBroker(int port) => new(_ => FakeResponse.Json(
        $$$"""{"result":"ok","data":{"addon":"core_mosquitto","host":"127.0.0.1","port":"{{{port}}}","ssl":false,"protocol":"3.1.1","username":"addons","password":"pw"}}"""));

    public static FakeApiServer WithoutMqtt() => new(_ => FakeResponse.Json("""{"result":"error","message":"No service 'mqtt' available","data":{}}""", 400));

    /// <summary>
    /// A Supervisor with no MQTT service whose proxy <c>/core/websocket</c> leads to a fake Home Assistant (recorder
    /// statistics), authenticating the add-on by <paramref name="supervisorToken"/> as supervisor/api/proxy.py does.
    /// </summary>
    public static Statistics.FakeHomeAssistant WithHomeAssistant(string supervisorToken, string version = "2025.11.2") =>
        new(version, supervisorToken, admin: true, supervisor: true);

    /// <summary>The Supervisor's URL as the bridge takes it (no trailing slash).</summary>
    public static string Url(this FakeApiServer server) => server.BaseUrl.TrimEnd('/');
}
