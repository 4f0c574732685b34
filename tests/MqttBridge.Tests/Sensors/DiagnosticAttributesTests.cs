using System.Text.Json;
using MqttBridge.Domain;
using MqttBridge.Sensors;

namespace MqttBridge.Tests.Sensors;

/// <summary>A source's diagnostic with attributes, rendered by the one generic path whatever the source's type.</summary>
public sealed class DiagnosticAttributesTests
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private static readonly Topics Topics = new("mqttbridge", "homeassistant");

    private static readonly DiagnosticDefinition Consent = new("consent_state", "Consent state", DiagnosticKind.Enum) { Options = ["pending", "granted"], HasAttributes = true };
    private static readonly DiagnosticDefinition TokenExpires = new("token_expires", "Token expires", DiagnosticKind.Timestamp);

    private static Dictionary<string, string> Render(DiagnosticValue? consent)
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var diagnostics = new Dictionary<string, DiagnosticValue> { ["token_expires"] = new(At: now.AddDays(30)) };
        if (consent is not null)
        {
            diagnostics["consent_state"] = consent;
        }

        var meter = new SourceReport(SourceRole.Meter, "somewhere", SourceCapabilities.Consumption)
        {
            Diagnostics = [Consent, TokenExpires],
            MeterData = new MeterSnapshot(new ConsumptionSeries([]), null, now, now.AddHours(1)) { Diagnostics = diagnostics },
            LastGoodFetch = now,
        };
        return SiteSensors.Render(new SiteView("home", "Home", Oslo, null, meter), now, Topics, "0.1.0").ToDictionary(m => m.Key, m => m.Value);
    }

    [Fact]
    public void A_diagnostic_declaring_attributes_publishes_them_beside_its_state_without_nulls_and_discovery_names_the_topic()
    {
        var messages = Render(new DiagnosticValue("granted") { Attributes = new Dictionary<string, string?> { ["renewal"] = "to_be_renewed", ["scope"] = "hourly", ["ends"] = null } });

        Assert.Equal("granted", messages["mqttbridge/home/consent_state"]);
        Assert.Equal("""{"renewal":"to_be_renewed","scope":"hourly"}""", messages["mqttbridge/home/consent_state/attributes"]);
        Assert.False(messages.ContainsKey("mqttbridge/home/token_expires/attributes"));

        using var discovery = JsonDocument.Parse(messages["homeassistant/device/mqttbridge_home/config"]);
        var components = discovery.RootElement.GetProperty("components");
        Assert.Equal("mqttbridge/home/consent_state/attributes", components.GetProperty("consent_state").GetProperty("json_attributes_topic").GetString());
        Assert.Equal("diagnostic", components.GetProperty("consent_state").GetProperty("entity_category").GetString());
        Assert.False(components.GetProperty("token_expires").TryGetProperty("json_attributes_topic", out _));
    }

    [Fact]
    public void An_unknown_diagnostic_publishes_none_and_an_empty_attribute_object()
    {
        var messages = Render(null);

        Assert.Equal("None", messages["mqttbridge/home/consent_state"]);
        Assert.Equal("{}", messages["mqttbridge/home/consent_state/attributes"]);
    }
}
