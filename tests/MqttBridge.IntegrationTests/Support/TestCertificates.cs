using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MqttBridge.IntegrationTests.Support;

/// <summary>Throwaway certificates for TLS tests on 127.0.0.1: a CA, and server and client certificates it signs.</summary>
internal static class TestCertificates
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>A self-signed CA, valid from yesterday for a year.</summary>
    public static X509Certificate2 Ca(string name)
    {
        var now = TimeProvider.System.GetUtcNow();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(365));
    }

    /// <summary>A server certificate for 127.0.0.1 and localhost signed by <paramref name="ca"/>, and its key.</summary>
    public static (X509Certificate2 Certificate, RSA Key) Server(X509Certificate2 ca) => Leaf(ca, "CN=127.0.0.1", ServerAuth, server: true);

    /// <summary>A TLS client certificate signed by <paramref name="ca"/> (client-authentication usage), and its key.</summary>
    public static (X509Certificate2 Certificate, RSA Key) Client(X509Certificate2 ca, string name) => Leaf(ca, $"CN={name}", ClientAuth, server: false);

    private static (X509Certificate2, RSA) Leaf(X509Certificate2 ca, string subject, string usage, bool server)
    {
        var now = TimeProvider.System.GetUtcNow();
        var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        return (request.Create(ca, now.AddDays(-1), now.AddDays(30), serial), key);
    }
}
