using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Fluvius;

/// <summary>
/// <c>meter.type: fluvius</c>: Fluvius' energy-service API (Flanders), for an onboarded energy-service company bridging
/// its customers' digital meters. Produces, per customer (reference number) and EAN, consumption and injection per
/// quarter-hour (or day) a day late, the month's peak quarter-hour, gas in m³ (and kWh) for a gas EAN — each offered
/// once a mandate or an answer says the EAN has it — and the mandate's status as diagnostics. Sites with the same
/// credentials share one <see cref="FluviusClient"/> (one token, one rate budget, one certificate).
/// </summary>
internal sealed partial class FluviusModule : ISourceModule
{
    public const string TypeName = "fluvius";

    /// <summary>Belgian local days unless the site or the file sets a time zone.</summary>
    public const string Zone = "Europe/Brussels";

    /// <summary>check-config's warning when no client certificate is configured (start-up logs the same).</summary>
    internal const string NoCertificate = "no client certificate configured (client_cert_file + client_key_file, or client_pfx_file); Fluvius refuses calls without the certificate allow-listed at onboarding (a local test server does not)";

    private static readonly string[] Keys =
    [
        "type", "base_url", "tenant_id", "client_id", "client_secret", "scope", "subscription_key",
        "client_cert_file", "client_key_file", "client_pfx_file", "client_pfx_password",
        "contract_number", "reference_number", "metering_point_id", "api_version", "token_url",
    ];

    /// <summary>Everything a Fluvius EAN may produce; the mandate and the answers decide which of it is offered.</summary>
    private const SourceCapabilities Produces =
        SourceCapabilities.Consumption | SourceCapabilities.Production | SourceCapabilities.MonthMax | SourceCapabilities.Gas | SourceCapabilities.GasEnergy;

    public string Type => TypeName;

    public SourceRole Role => SourceRole.Meter;

    public IReadOnlyList<string> SecretKeys => ["client_secret", "subscription_key", "client_pfx_password"];

    public string? DefaultTimeZone => Zone;

    /// <summary>Three credentials, certificate files and a contract do not fit the add-on form: the YAML file holds them.</summary>
    public AddonForm Addon { get; } = new(new Dictionary<string, string>())
    {
        UseConfigFile = "fluvius needs an energy-service company's credentials, client certificate and contract, which the form cannot hold; write them in a configuration file (see the README, 'Fluvius (Belgium)') and set config_file",
    };

    public IReadOnlyList<Cli.ISourceCommand> Commands { get; } = [new FluviusConsentCommand(), new FluviusMandatesCommand()];

    /// <summary>What a Fluvius meter declares; the data decides which of it is offered.</summary>
    internal static SourceReport Descriptor { get; } =
        new(SourceRole.Meter, TypeName, Produces) { DecidedByData = Produces, Currency = "EUR", Diagnostics = FluviusSource.Diagnostics };

    public SourceRunner Create(SourceOptions options, SiteContext site, SourceContext context)
    {
        var fluvius = (FluviusOptions)options;
        var client = Client(fluvius, context);
        var logger = context.Loggers.CreateLogger<FluviusSource>();
        if (!fluvius.HasCertificate)
        {
            LogNoCertificate(logger, site.Id);
        }

        var source = new FluviusSource(fluvius, client, new ResponseCache(context.DataDir, "fluvius", logger), site.Zone, logger);
        return SourceRunner.For(Descriptor, source);
    }

    /// <summary>The client shared by every site with the same credentials, certificate, base URL and version.</summary>
    internal static FluviusClient Client(FluviusOptions o, SourceContext context)
    {
        var client = context.Shared(
            SourceContext.KeyOf(TypeName, o.BaseUrl, o.ApiVersion, o.TokenUrl, o.ClientId, o.ClientSecret, o.Scope, o.SubscriptionKey, o.ClientCertFile, o.ClientKeyFile, o.ClientPfxFile, o.ClientPfxPassword),
            () => new FluviusClient(o, context.Time, context.Loggers));

        // Fluvius' validation messages echo what was asked ("no mandate for reference klant42"): every site's
        // reference and EAN on this client are masked in them, whichever site's call failed.
        client.Protect(o.ReferenceNumber, o.MeteringPointId);
        return client;
    }

    /// <summary><c>meter.type: fluvius</c>. Secrets are never echoed; the EAN and reference are masked in problems.</summary>
    public SourceOptions? Bind(ConfigSection s, string? baseUrl)
    {
        s.AllowOnly(Keys);
        var tokenUrl = s.Text("token_url")?.Trim();
        var tenant = s.Text("tenant_id")?.Trim();
        if (tokenUrl is null && tenant is null)
        {
            s.ReportMissing("tenant_id", "the Azure AD tenant id Fluvius gave at onboarding (or set token_url)");
        }
        else if (tokenUrl is not null && !(Uri.TryCreate(tokenUrl, UriKind.Absolute, out var token) && token.Scheme is "http" or "https"))
        {
            s.Report("token_url", $"'{tokenUrl}' is not an absolute http(s) URL");
            tokenUrl = null;
        }

        var clientId = Word(s, s.RequiredText("client_id", "the OAuth client id Fluvius issued at onboarding"), "client_id", "a client id");
        var secret = Word(s, s.RequiredText("client_secret", "the OAuth client secret Fluvius issued at onboarding"), "client_secret", "a client secret");
        var scope = s.RequiredText("scope", "the OAuth scope Fluvius issued at onboarding")?.Trim();
        var key = Word(s, s.RequiredText("subscription_key", "the API management subscription key Fluvius issued (sent as Ocp-Apim-Subscription-Key)"), "subscription_key", "a subscription key");
        var contract = s.RequiredText("contract_number", "the number of your data access contract (datatoegangscontract) with Fluvius")?.Trim();
        var reference = s.RequiredText("reference_number", "your own id for this customer (letters and digits), used in the consent link and the mandates")?.Trim();
        if (reference is not null && !reference.All(char.IsAsciiLetterOrDigit))
        {
            s.Report("reference_number", "the value is not valid: Fluvius accepts letters and digits only (no dashes or spaces)");
            reference = null;
        }

        var ean = s.Text("metering_point_id")?.Trim();
        if (ean is not null && !(ean.Length == 18 && ean.All(char.IsAsciiDigit)))
        {
            s.Report("metering_point_id", $"'{MeteringPoint.Masked(ean)}' is not an EAN; use the 18 digits (54…) of the customer's meter, or leave the key out to read the EAN of the approved mandate");
            ean = null;
        }

        var version = s.NonEmptyText("api_version", "v3").Trim().ToLowerInvariant();
        if (version is not ("v3" or "v2"))
        {
            s.Report("api_version", $"'{version}' is not a Fluvius API version; use v3 (the live API) or v2 (the sandbox OpenAPI)");
        }

        var (cert, keyFile, pfx, pfxPassword) = Certificate(s);
        if (clientId is null || secret is null || scope is null || key is null || contract is null || reference is null || (tokenUrl is null && tenant is null))
        {
            return null;
        }

        // HttpClient resolves relative paths against the base only when it ends in '/'.
        var url = baseUrl ?? FluviusOptions.DefaultBaseUrl;
        return new FluviusOptions
        {
            TenantId = tenant,
            ClientId = clientId,
            ClientSecret = secret,
            Scope = scope,
            SubscriptionKey = key,
            ClientCertFile = cert,
            ClientKeyFile = keyFile,
            ClientPfxFile = pfx,
            ClientPfxPassword = pfxPassword,
            ContractNumber = contract,
            ReferenceNumber = reference,
            MeteringPointId = ean,
            ApiVersion = version,
            BaseUrl = url.EndsWith('/') ? url : url + "/",
            TokenUrl = tokenUrl ?? FluviusOptions.TokenUrlOf(tenant!),
        };
    }

    /// <summary>
    /// <c>check-config</c>: the certificate files open and the key belongs to the certificate
    /// (<see cref="FluviusClient.CertificateFault"/>); no certificate at all is a warning, as at start.
    /// </summary>
    public IEnumerable<SourceCheck> Check(SourceOptions options)
    {
        var fluvius = (FluviusOptions)options;
        if (!fluvius.HasCertificate)
        {
            return [new SourceCheck("client_cert_file", NoCertificate, IsWarning: true)];
        }

        return FluviusClient.CertificateFault(fluvius) is { } fault ? [fault] : [];
    }

    /// <summary>The PEM pair or the PKCS #12 file (not both); each half of the PEM pair needs the other.</summary>
    private static (string? Cert, string? Key, string? Pfx, string? Password) Certificate(ConfigSection s)
    {
        var cert = s.ExistingFile("client_cert_file");
        var key = s.ExistingFile("client_key_file");
        var pfx = s.ExistingFile("client_pfx_file");
        var password = s.Text("client_pfx_password");
        if (cert is not null && key is null)
        {
            s.ReportMissing("client_key_file", "a client certificate needs its private key (PEM)");
        }
        else if (key is not null && cert is null)
        {
            s.ReportMissing("client_cert_file", "a client key needs its certificate (PEM)");
        }

        if (pfx is not null && (cert is not null || key is not null))
        {
            s.Report("client_pfx_file", "give the client certificate once: either client_cert_file and client_key_file (PEM) or client_pfx_file (PKCS #12)");
        }

        if (password is not null && pfx is null)
        {
            s.Report("client_pfx_password", "is only used with client_pfx_file");
        }

        return (cert, key, pfx, password);
    }

    /// <summary>A credential without spaces or line breaks, trimmed; problems never echo it.</summary>
    private static string? Word(ConfigSection s, string? text, string key, string what)
    {
        var value = text?.Trim();
        if (value is not null && value.Any(char.IsWhiteSpace))
        {
            s.Report(key, $"the value is not valid: {what} has no spaces or line breaks");
            return null;
        }

        return value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {Site}: no client certificate configured for Fluvius (client_cert_file + client_key_file, or client_pfx_file); Fluvius refuses calls without the certificate allow-listed at onboarding (a local test server does not)")]
    private static partial void LogNoCertificate(ILogger logger, string site);
}
