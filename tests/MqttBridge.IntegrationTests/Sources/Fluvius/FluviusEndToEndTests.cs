using System.Globalization;
using System.Text.Json;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.EndToEnd;
using MqttBridge.IntegrationTests.Mqtt;
using static MqttBridge.TestSupport.FluviusAnswers;

namespace MqttBridge.IntegrationTests.Fluvius;

/// <summary>The real bridge and its CLI with two Fluvius meters (electricity with injection, gas) on a fake Fluvius.</summary>
public sealed class FluviusEndToEndTests
{
    private const string GasReference = "gasCustomer7";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    private static string Meter(FakeFluvius fake, string reference, string extra = "") => $"""
        {fake.MeterKeys(reference)}
        {extra}
        """;

    private static string Config(int port, FakeFluvius fake) => $"""
        mqtt:
          host: ""
        embedded_broker:
          bind: 127.0.0.1
          port: {port}
        sites:
          - id: thuis
            name: Thuis
            meter:
        {Meter(fake, Reference)}
          - id: gas
            name: Gas
            meter:
        {Meter(fake, GasReference, $"      metering_point_id: \"{GasEan}\"")}
        """;

    [Fact]
    public async Task An_approved_mandate_brings_consumption_injection_the_peak_and_gas_to_home_assistant_and_nothing_secret_or_personal()
    {
        using var fake = new FakeFluvius(TimeProvider.System.GetUtcNow) { Lag = TimeSpan.Zero, Kwh = _ => 0.25m, Injection = _ => 0.05m };
        fake.MandateList.Add(new("Approved", Ean: GasEan, EnergyType: "G", Service: "VH_kwartier_uur", Reference: GasReference));
        var yesterday = LocalDay.Of(TimeProvider.System.GetUtcNow(), Brussels).Previous;
        var quarters = (int)(yesterday.Length.TotalMinutes / 15);

        var port = TestPorts.GetFree();
        using var bridge = BridgeProcess.Start(Config(port, fake));
        var retained = await MosquittoSub.WaitUntilAsync(
            port,
            r => r.GetValueOrDefault("mqttbridge/thuis/yesterday_production") is { } p && p != "None" && r.GetValueOrDefault("mqttbridge/gas/yesterday_gas") is { } g && g != "None",
            Patience,
            "mqttbridge/#",
            "homeassistant/#");

        Assert.True(retained.ContainsKey("mqttbridge/thuis/yesterday_production"), bridge.Output);
        Assert.Equal(Text(quarters * 0.25m), retained["mqttbridge/thuis/yesterday_consumption"]);
        Assert.Equal(Text(quarters * 0.05m), retained["mqttbridge/thuis/yesterday_production"]);
        Assert.Equal("approved", retained["mqttbridge/thuis/mandate_status"]);
        using (var mandate = JsonDocument.Parse(retained["mqttbridge/thuis/mandate_status/attributes"]))
        {
            // The renewal state beside the status (no renewalStatus in the answer: none); the period as local time.
            Assert.Equal(("none", "VH_kwartier_uur", "2025-01-01T01:00:00+01:00"), (mandate.RootElement.GetProperty("renewal").GetString(), mandate.RootElement.GetProperty("data_service").GetString(), mandate.RootElement.GetProperty("data_period_from").GetString()));
        }

        Assert.False(retained.ContainsKey("mqttbridge/thuis/mandate_renewal"));
        Assert.Equal(Text(quarters * 0.25m), retained["mqttbridge/gas/yesterday_gas"]);

        // The month's peak quarter-hour: 0.25 kWh = 1 kW, with its basis (unknown on the 1st: no day of the month yet).
        var firstOfMonth = LocalDay.Of(TimeProvider.System.GetUtcNow(), Brussels).Date.Day == 1;
        Assert.Equal(firstOfMonth ? "None" : "1", retained["mqttbridge/thuis/month_max_hour"]);
        if (!firstOfMonth)
        {
            using var peak = JsonDocument.Parse(retained["mqttbridge/thuis/month_max_hour/attributes"]);
            Assert.Equal("monthly_peak_quarter_hour", peak.RootElement.GetProperty("basis").GetString());
            Assert.Equal(1m, peak.RootElement.GetProperty("hours")[0].GetProperty("value").GetDecimal());
        }

        using (var discovery = JsonDocument.Parse(retained["homeassistant/device/mqttbridge_gas/config"]))
        {
            var components = discovery.RootElement.GetProperty("components");
            Assert.Equal(("gas", "m³"), (components.GetProperty("yesterday_gas").GetProperty("device_class").GetString(), components.GetProperty("yesterday_gas").GetProperty("unit_of_measurement").GetString()));
            Assert.False(components.TryGetProperty("month_max_hour", out _));
            Assert.False(components.TryGetProperty("yesterday_consumption", out _));
            Assert.False(components.TryGetProperty("yesterday_gas_energy", out _));
        }

        Assert.Empty(fake.Violations);
        Assert.Contains("no client certificate configured for Fluvius", bridge.Output, StringComparison.Ordinal);
        foreach (var hidden in new[] { FakeFluvius.ClientSecret, FakeFluvius.SubscriptionKey, Ean, GasEan, Reference, "token-1" })
        {
            Assert.DoesNotContain(hidden, bridge.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(retained.Values, v => v.Contains(hidden, StringComparison.Ordinal));
        }

        await HaCheck.AssertAcceptsAsync(port, "thuis:yesterday_consumption,thuis:yesterday_production,thuis:month_consumption,thuis:month_production,thuis:month_max_hour,thuis:mandate_status,thuis:mandate_expires,gas:yesterday_gas,gas:month_gas,gas:mandate_status");
    }

    [Fact]
    public async Task The_consent_and_mandates_commands_post_the_consent_and_list_mandates_without_personal_data()
    {
        using var fake = new FakeFluvius(TimeProvider.System.GetUtcNow);
        fake.MandateList[0] = new("Requested", Renewal: "ToBeRenewed");
        var config = Config(TestPorts.GetFree(), fake);

        var (code, output) = await BridgeProcess.RunAsync(config, null, "fluvius", "consent", "--site", "thuis", "--flow", "B2B", "--enterprise-number", "0123456789", "--return-success", "https://esco.example/ok");
        Assert.True(code == 0, output);
        Assert.Contains("https://mijn.fluvius.be/verbruik/dienstverlener?id=AbC123xyz", output, StringComparison.Ordinal);
        Assert.Contains("Valid until ", output, StringComparison.Ordinal);
        var post = Assert.Single(fake.Calls, c => c.Request.Path == "/esco/v3/api/shortUrlIdentifier").Request;
        using (var body = JsonDocument.Parse(post.Body))
        {
            var root = body.RootElement;
            Assert.Equal(("DTC42", Reference, "B2B", "0123456789", 1), (root.GetProperty("dataAccessContractNumber").GetString(), root.GetProperty("referenceNumber").GetString(), root.GetProperty("flow").GetString(), root.GetProperty("enterpriseNumber").GetString(), root.GetProperty("numberOfEans").GetInt32()));
            Assert.Equal(("https://esco.example/ok", "https://esco.example/ok"), (root.GetProperty("returnUrlSuccess").GetString(), root.GetProperty("returnUrlFailed").GetString()));
            Assert.Equal(["VH_kwartier_uur", "VH_dag"], root.GetProperty("dataServices").EnumerateArray().Select(s => s.GetProperty("dataServiceType").GetString()));
        }

        Assert.Equal(FakeFluvius.SubscriptionKey, post.Header("Ocp-Apim-Subscription-Key"));

        var (listed, table) = await BridgeProcess.RunAsync(config, null, "fluvius", "mandates", "--site", "thuis");
        Assert.True(listed == 0, table);
        Assert.Contains("1 mandate(s) for site 'thuis' (reference …er42):", table, StringComparison.Ordinal);
        Assert.Matches(@"requested\s+…0123\s+electricity\s+VH_kwartier_uur\s+2025-01-01\s+-\s+2029-01-01\s+to_be_renewed", table);
        Assert.DoesNotContain(Ean, table, StringComparison.Ordinal);

        var (refused, message) = await BridgeProcess.RunAsync(config.Replace(FakeFluvius.ClientSecret, "wrong-secret", StringComparison.Ordinal), null, "fluvius", "mandates");
        Assert.Equal(1, refused);
        Assert.Contains("the token endpoint refused the client credentials (HTTP 401, invalid_client)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", message, StringComparison.Ordinal);

        // An HTML page instead of JSON: said as such, without the running bridge's "keeping the last good data".
        fake.Override = r => r.Path.EndsWith("/Mandate", StringComparison.Ordinal) ? new MqttBridge.IntegrationTests.Support.FakeResponse(200, System.Text.Encoding.UTF8.GetBytes("<html><body>Maintenance</body></html>"), "text/html") : null;
        var (unreadable, html) = await BridgeProcess.RunAsync(config, null, "fluvius", "mandates");
        Assert.Equal(1, unreadable);
        Assert.Contains("fluvius mandates: ", html, StringComparison.Ordinal);
        Assert.DoesNotContain("keeping the last good data", html, StringComparison.Ordinal);
        Assert.Empty(fake.Violations);

        // Help names both verbs, also after an option; a bad argument shows that command's usage, not the general one.
        foreach (var args in new[] { new[] { "fluvius", "--help" }, ["fluvius", "--site", "thuis", "--help"] })
        {
            var (helped, help) = await BridgeProcess.RunAsync(config, null, args);
            Assert.Equal(0, helped);
            Assert.Contains("Usage: mqttbridge fluvius consent", help, StringComparison.Ordinal);
            Assert.Contains("Usage: mqttbridge fluvius mandates", help, StringComparison.Ordinal);
        }

        var (bad, usage) = await BridgeProcess.RunAsync(config, null, "fluvius", "consent", "--from", "2026-13-01");
        Assert.Equal(2, bad);
        Assert.Contains("--from '2026-13-01' is not a date", usage, StringComparison.Ordinal);
        Assert.Contains("Usage: mqttbridge fluvius consent", usage, StringComparison.Ordinal);
        Assert.DoesNotContain("Usage: mqttbridge [command]", usage, StringComparison.Ordinal);
    }

    private static string Text(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
