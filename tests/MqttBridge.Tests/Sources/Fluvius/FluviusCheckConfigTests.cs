using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MqttBridge.Cli;

namespace MqttBridge.Tests.Fluvius;

/// <summary><c>mqttbridge check-config</c> on a Fluvius site opens the certificate files: what the user reads and the exit code.</summary>
public sealed class FluviusCheckConfigTests : IDisposable
{
    private const string PfxPassword = "pfx-Pass-777";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mqttbridge-fluvius-check-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (X509Certificate2 Cert, RSA Key) Made(string name)
    {
        var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return (request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30)), rsa);
    }

    private async Task<(int Exit, string Out, string Err)> CheckAsync(string certificateKeys)
    {
        var yaml = $"""
            sites:
              - id: thuis
                name: Thuis
                meter:
                  type: fluvius
                  tenant_id: 0000aaaa-1111-bbbb-2222-cccc3333dddd
                  client_id: esco-client
                  client_secret: s3cret-Client
                  scope: api://fluvius-esco/.default
                  subscription_key: 0123456789abcdef
                  contract_number: DTC-2024-0042
                  reference_number: Customer42
            {string.Join("\n", certificateKeys.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "      " + l))}
            """;
        var config = Write("config.yaml", yaml);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CheckConfigCommand.RunAsync(CommandLine.Parse(["check-config", "--config", config]), new Dictionary<string, string?>(), output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_good_pem_pair_and_pfx_pass_and_no_certificate_is_a_warning()
    {
        var (made, rsa) = Made("esco");
        using (made)
        using (rsa)
        {
            var cert = Write("c.crt", made.ExportCertificatePem());
            var key = Write("c.key", rsa.ExportPkcs8PrivateKeyPem());
            var pfx = Path.Combine(_dir.FullName, "c.pfx");
            File.WriteAllBytes(pfx, made.Export(X509ContentType.Pfx, PfxPassword));

            var pem = await CheckAsync($"client_cert_file: {cert}\nclient_key_file: {key}");
            Assert.Equal((0, string.Empty), (pem.Exit, pem.Err));
            Assert.DoesNotContain("warning", pem.Out, StringComparison.Ordinal);
            var p12 = await CheckAsync($"client_pfx_file: {pfx}\nclient_pfx_password: {PfxPassword}");
            Assert.Equal((0, string.Empty), (p12.Exit, p12.Err));
        }

        var none = await CheckAsync(string.Empty);
        Assert.Equal(0, none.Exit);
        Assert.Contains("warning: sites[0].meter.client_cert_file: no client certificate configured", none.Out, StringComparison.Ordinal);
        Assert.Contains("is valid (1 warning(s) above)", none.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_pem_a_key_of_another_certificate_and_a_wrong_or_missing_pfx_password_are_problems()
    {
        var (made, rsa) = Made("esco");
        var (other, otherKey) = Made("other");
        using (made)
        using (rsa)
        using (other)
        using (otherKey)
        {
            var cert = Write("c.crt", made.ExportCertificatePem());
            var key = Write("c.key", rsa.ExportPkcs8PrivateKeyPem());
            var wrongKey = Write("other.key", otherKey.ExportPkcs8PrivateKeyPem());
            var garbage = Write("garbage.pem", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
            var text = Write("notes.txt", "hello");
            var pfx = Path.Combine(_dir.FullName, "c.pfx");
            File.WriteAllBytes(pfx, made.Export(X509ContentType.Pfx, PfxPassword));

            var bad = await CheckAsync($"client_cert_file: {garbage}\nclient_key_file: {key}");
            Assert.Equal(2, bad.Exit);
            Assert.Contains($"sites[0].meter.client_cert_file: '{garbage}' holds no PEM certificate", bad.Err, StringComparison.Ordinal);

            var mismatch = await CheckAsync($"client_cert_file: {cert}\nclient_key_file: {wrongKey}");
            Assert.Equal(2, mismatch.Exit);
            Assert.Contains($"sites[0].meter.client_key_file: '{wrongKey}' is not the private key of the certificate in client_cert_file", mismatch.Err, StringComparison.Ordinal);

            var noKey = await CheckAsync($"client_cert_file: {cert}\nclient_key_file: {text}");
            Assert.Equal(2, noKey.Exit);
            Assert.Contains($"sites[0].meter.client_key_file: '{text}' holds no PEM private key", noKey.Err, StringComparison.Ordinal);

            var wrong = await CheckAsync($"client_pfx_file: {pfx}\nclient_pfx_password: not-it-42");
            Assert.Equal(2, wrong.Exit);
            Assert.Contains($"sites[0].meter.client_pfx_password: does not open '{pfx}' (wrong password)", wrong.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("not-it-42", wrong.Err + wrong.Out, StringComparison.Ordinal);

            var missing = await CheckAsync($"client_pfx_file: {pfx}");
            Assert.Equal(2, missing.Exit);
            Assert.Contains("sites[0].meter.client_pfx_password: missing:", missing.Err, StringComparison.Ordinal);

            var notPfx = await CheckAsync($"client_pfx_file: {text}");
            Assert.Equal(2, notPfx.Exit);
            Assert.Contains($"sites[0].meter.client_pfx_file: '{text}' is not a PKCS #12", notPfx.Err, StringComparison.Ordinal);
        }
    }
}
