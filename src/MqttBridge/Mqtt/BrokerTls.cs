using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MqttBridge.Configuration;
using MQTTnet;

namespace MqttBridge.Mqtt;

/// <summary>
/// TLS to an external broker (<c>mqtt.tls</c>): the system's CAs or only <c>ca_file</c>'s, an optional client
/// certificate, and <c>insecure</c> only when the user says so. A refused certificate is described in words.
/// </summary>
internal static class BrokerTls
{
    /// <summary>Applies <paramref name="tls"/> to MQTTnet's TLS builder for a connection to <paramref name="host"/>.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A PEM file is not a certificate or key.</exception>
    /// <exception cref="FileNotFoundException">A configured PEM file does not exist.</exception>
    public static void Configure(MqttClientTlsOptionsBuilder tlsBuilder, TlsOptions tls, string host, Check tlsCheck)
    {
        ArgumentNullException.ThrowIfNull(tlsBuilder);
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(tlsCheck);
        tlsBuilder.UseTls().WithTargetHost(host);
        if (tls.Insecure)
        {
            // Only on the user's explicit mqtt.tls.insecure.
            tlsBuilder.WithCertificateValidationHandler(static _ => true);
        }
        else
        {
            if (!string.IsNullOrEmpty(tls.CaFile))
            {
                // MQTTnet builds the chain with CustomRootTrust over this collection, so only these CAs (not the
                // system's) can vouch for the broker; the host name is still checked.
                var authorities = new X509Certificate2Collection();
                authorities.ImportFromPemFile(tls.CaFile);
                tlsBuilder.WithTrustChain(authorities);
            }

            // Same verdict as the default (no policy error at all), but remembers why a certificate failed.
            tlsBuilder.WithCertificateValidationHandler(args =>
            {
                if (args.SslPolicyErrors == SslPolicyErrors.None)
                {
                    return true;
                }

                tlsCheck.Failure = DescribeCertificateProblem(args.SslPolicyErrors, args.Chain, host);
                return false;
            });
        }

        if (!string.IsNullOrEmpty(tls.ClientCertFile))
        {
            var certificate = X509Certificate2.CreateFromPemFile(tls.ClientCertFile, string.IsNullOrEmpty(tls.ClientKeyFile) ? null : tls.ClientKeyFile);
            tlsBuilder.WithClientCertificates(new X509Certificate2Collection(certificate));
        }
    }

    private static string DescribeCertificateProblem(SslPolicyErrors errors, X509Chain? chain, string host)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the broker sent no certificate";
        }

        var problems = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            // Revocation "unknown" rides along with every untrusted chain; name it only when it is the whole story.
            var status = chain?.ChainStatus.Select(s => s.Status).Distinct().ToList() ?? [];
            var main = status.Where(s => s is not (X509ChainStatusFlags.RevocationStatusUnknown or X509ChainStatusFlags.OfflineRevocation)).ToList();
            status = main.Count > 0 ? main : status;
            problems.Add($"broker certificate not trusted ({string.Join(", ", status)}); check mqtt.tls.ca_file");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problems.Add($"broker certificate is not issued for {host}; check mqtt.host");
        }

        return string.Join("; ", problems);
    }

    /// <summary>Why the TLS validation of one connect attempt failed, if it did.</summary>
    internal sealed class Check
    {
        public volatile string? Failure;
    }
}
