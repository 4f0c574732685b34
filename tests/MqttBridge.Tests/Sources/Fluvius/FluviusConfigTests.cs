using MqttBridge.Addon;
using MqttBridge.Configuration;
using MqttBridge.Sources.Fluvius;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.Fluvius;

public sealed class FluviusConfigTests : IDisposable
{
    private const string Secret = "s3cret-Client~Value";
    private const string Key = "0123456789abcdefSubKey";
    private const string PfxPassword = "pfx-Pass-777";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mqttbridge-fluvius-config-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string File(string name)
    {
        var path = Path.Combine(_dir.FullName, name);
        System.IO.File.WriteAllText(path, "not read by the binder");
        return path;
    }

    private static string Site(string meterBody) =>
        "sites:\n  - id: thuis\n    name: Thuis\n    meter:\n      type: fluvius\n" + string.Join("\n", meterBody.Split('\n').Select(l => "      " + l)) + "\n";

    private static string Minimal(string extra = "") =>
        $"tenant_id: 0000aaaa-1111-bbbb-2222-cccc3333dddd\nclient_id: esco-client\nclient_secret: {Secret}\nscope: api://fluvius-esco/.default\nsubscription_key: {Key}\ncontract_number: DTC-2024-0042\nreference_number: Customer42" + extra;

    [Fact]
    public void Reads_every_key_with_v3_the_sandbox_and_the_tenant_token_url_as_defaults()
    {
        var result = Parse(Site(Minimal()));
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var site = result.Options!.Sites[0];
        var o = Assert.IsType<FluviusOptions>(site.Meter);
        Assert.Equal(("esco-client", Secret, "api://fluvius-esco/.default", Key), (o.ClientId, o.ClientSecret, o.Scope, o.SubscriptionKey));
        Assert.Equal(("DTC-2024-0042", "Customer42", null), (o.ContractNumber, o.ReferenceNumber, o.MeteringPointId));
        Assert.Equal(("v3", "https://apihub.fluvius.be/esco-sbx/"), (o.ApiVersion, o.BaseUrl));
        Assert.Equal("https://login.microsoftonline.com/0000aaaa-1111-bbbb-2222-cccc3333dddd/oauth2/v2.0/token", o.TokenUrl);
        Assert.False(o.HasCertificate);
        Assert.Equal("Europe/Brussels", site.TimeZone);

        var cert = File("client.crt");
        var keyFile = File("client.key");
        var full = Assert.IsType<FluviusOptions>(Parse(Site(Minimal(
            $"\nmetering_point_id: \"541440110000000123\"\napi_version: V2\nbase_url: http://127.0.0.1:9/esco\ntoken_url: http://127.0.0.1:9/token\nclient_cert_file: {cert}\nclient_key_file: {keyFile}"))).Options!.Sites[0].Meter);
        Assert.Equal(("541440110000000123", "v2", "http://127.0.0.1:9/esco/", "http://127.0.0.1:9/token"), (full.MeteringPointId, full.ApiVersion, full.BaseUrl, full.TokenUrl));
        Assert.Equal((cert, keyFile, true), (full.ClientCertFile, full.ClientKeyFile, full.HasCertificate));

        var pfx = Assert.IsType<FluviusOptions>(Parse(Site(Minimal($"\nclient_pfx_file: {File("client.pfx")}\nclient_pfx_password: {PfxPassword}"))).Options!.Sites[0].Meter);
        Assert.Equal(PfxPassword, pfx.ClientPfxPassword);
    }

    [Fact]
    public void Secrets_and_the_customer_never_appear_in_to_string()
    {
        var options = Parse(Site(Minimal($"\nmetering_point_id: \"541440110000000123\"\nclient_pfx_file: {File("c.pfx")}\nclient_pfx_password: {PfxPassword}"))).Options!;
        var text = options.Sites[0].Meter!.ToString() + options;

        foreach (var hidden in new[] { Secret, Key, PfxPassword, "Customer42", "541440110000000123" })
        {
            Assert.DoesNotContain(hidden, text, StringComparison.Ordinal);
        }

        Assert.Contains("ReferenceNumber = …er42, MeteringPointId = …0123", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_name_key_and_line_and_never_echo_a_secret()
    {
        var problems = Problems(Site(
            $"client_id: esco-client\nclient_secret: \"{Secret} x\"\nscope: s\nsubscription_key: \"{Key} y\"\ncontract_number: C1\nreference_number: cust-42\n" +
            $"metering_point_id: 5414-4011\napi_version: v4\nclient_cert_file: {File("only.crt")}\nclient_pfx_password: {PfxPassword}\ntoken_url: ftp://x\nsubscriptionkey: z"));

        string[] expected =
        [
            "sites[0].meter.api_version (line 13): 'v4' is not a Fluvius API version; use v3 (the live API) or v2 (the sandbox OpenAPI)",
            "sites[0].meter.client_key_file (line 5): required key is missing; a client certificate needs its private key (PEM)",
            "sites[0].meter.client_pfx_password (line 15): is only used with client_pfx_file",
            "sites[0].meter.client_secret (line 7): the value is not valid: a client secret has no spaces or line breaks",
            "sites[0].meter.metering_point_id (line 12): '…4011' is not an EAN; use the 18 digits (54…) of the customer's meter, or leave the key out to read the EAN of the approved mandate",
            "sites[0].meter.reference_number (line 11): the value is not valid: Fluvius accepts letters and digits only (no dashes or spaces)",
            "sites[0].meter.subscription_key (line 9): the value is not valid: a subscription key has no spaces or line breaks",
            "sites[0].meter.subscriptionkey (line 17): unknown key 'subscriptionkey'; did you mean 'subscription_key'?",
            "sites[0].meter.token_url (line 16): 'ftp://x' is not an absolute http(s) URL",
        ];
        Assert.Equal(string.Join("\n", expected.Order(StringComparer.Ordinal)), string.Join("\n", problems.Order(StringComparer.Ordinal)));
        Assert.DoesNotContain(problems, p => p.Contains(Secret, StringComparison.Ordinal) || p.Contains(Key, StringComparison.Ordinal) || p.Contains(PfxPassword, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_credentials_say_where_they_come_from_and_a_certificate_is_given_once()
    {
        var problems = Problems(Site($"client_pfx_file: {File("a.pfx")}\nclient_cert_file: {File("b.crt")}\nclient_key_file: /no/such/file.key"));

        Assert.Contains("sites[0].meter.tenant_id (line 5): required key is missing; the Azure AD tenant id Fluvius gave at onboarding (or set token_url)", problems);
        Assert.Contains("sites[0].meter.subscription_key (line 5): required key is missing; the API management subscription key Fluvius issued (sent as Ocp-Apim-Subscription-Key)", problems);
        Assert.Contains("sites[0].meter.reference_number (line 5): required key is missing; your own id for this customer (letters and digits), used in the consent link and the mandates", problems);
        Assert.Contains("sites[0].meter.client_key_file (line 8): file '/no/such/file.key' does not exist", problems);
        Assert.Contains("sites[0].meter.client_pfx_file (line 6): give the client certificate once: either client_cert_file and client_key_file (PEM) or client_pfx_file (PKCS #12)", problems);
    }

    [Fact]
    public void Choosing_fluvius_in_the_add_on_form_says_to_use_config_file()
    {
        var problems = new List<ConfigProblem>();
        AddonOptions.ToConfigTree(
            ConfigLoader.ParseTree("""{"sites":[{"id":"thuis","name":"Thuis","meter_type":"fluvius"}]}""", "options.json", string.Empty, problems)!,
            problems);

        var problem = Assert.Single(AddonOptions.ToOptionNames(problems));
        Assert.Equal("sites[0].meter_type", problem.Path);
        Assert.Contains("set config_file", problem.Message, StringComparison.Ordinal);

        // With the Flemish preset and the meter's EAN filled in: still that one message, not "metering_point_id is not
        // used by this site's sources (tariff_type static)".
        problems.Clear();
        AddonOptions.ToConfigTree(
            ConfigLoader.ParseTree("""{"sites":[{"id":"thuis","name":"Thuis","preset":"flanders_fluvius","meter_type":"fluvius","metering_point_id":"541440110000000123"}]}""", "options.json", string.Empty, problems)!,
            problems);
        var only = Assert.Single(AddonOptions.ToOptionNames(problems));
        Assert.Equal("sites[0].meter_type", only.Path);
        Assert.Contains("set config_file", only.Message, StringComparison.Ordinal);
    }
}
