using MqttBridge.Domain;

namespace MqttBridge.Sources.Fluvius;

/// <summary>
/// <c>meter.type: fluvius</c>: the Fluvius energy-service API (Flanders) with an onboarded energy-service company's
/// credentials: an Azure AD client (client-credentials token), the API management subscription key, the allow-listed
/// client certificate, the data access contract, and the customer's reference number.
/// </summary>
internal sealed record FluviusOptions : SourceOptions
{
    public override string Type => FluviusModule.TypeName;

    /// <summary>The documented sandbox (fluvius.md §1); production's URL is given at onboarding.</summary>
    public const string DefaultBaseUrl = "https://apihub.fluvius.be/esco-sbx/";

    /// <summary><c>tenant_id</c>: the Azure AD tenant Fluvius named at onboarding (the default token URL's path).</summary>
    public string? TenantId { get; init; }

    /// <summary><c>client_id</c>: the OAuth client id.</summary>
    public required string ClientId { get; init; }

    /// <summary><c>client_secret</c>: a secret, never logged or printed.</summary>
    public required string ClientSecret { get; init; }

    /// <summary><c>scope</c>: the OAuth scope Fluvius issued (e.g. <c>api://…/.default</c>).</summary>
    public required string Scope { get; init; }

    /// <summary><c>subscription_key</c>: sent as <c>Ocp-Apim-Subscription-Key</c>; a secret.</summary>
    public required string SubscriptionKey { get; init; }

    /// <summary><c>client_cert_file</c> + <c>client_key_file</c> (PEM): the allow-listed TLS client certificate.</summary>
    public string? ClientCertFile { get; init; }

    public string? ClientKeyFile { get; init; }

    /// <summary><c>client_pfx_file</c> + <c>client_pfx_password</c> (PKCS #12), instead of the PEM pair; the password is a secret.</summary>
    public string? ClientPfxFile { get; init; }

    public string? ClientPfxPassword { get; init; }

    /// <summary><c>contract_number</c>: the data access contract (datatoegangscontract) number; the consent link names it.</summary>
    public required string ContractNumber { get; init; }

    /// <summary><c>reference_number</c>: this customer's correlation id (alphanumeric): the consent and the mandates carry it.</summary>
    public required string ReferenceNumber { get; init; }

    /// <summary><c>metering_point_id</c>: the EAN (18 digits); null = the EAN of the reference number's approved mandate.</summary>
    public string? MeteringPointId { get; init; }

    /// <summary><c>api_version</c>: <c>v3</c> (default, the live API) or <c>v2</c> (the sandbox OpenAPI's paths and shapes).</summary>
    public string ApiVersion { get; init; } = "v3";

    /// <summary><c>base_url</c>, ending in '/'.</summary>
    public string BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary><c>token_url</c>: default the Azure AD v2 token endpoint of <see cref="TenantId"/>.</summary>
    public required string TokenUrl { get; init; }

    /// <summary>Whether a client certificate is configured (Fluvius refuses calls without the allow-listed one).</summary>
    public bool HasCertificate => ClientCertFile is not null || ClientPfxFile is not null;

    /// <summary>The Azure AD v2 token endpoint of a tenant.</summary>
    public static string TokenUrlOf(string tenantId) =>
        $"https://login.microsoftonline.com/{Uri.EscapeDataString(tenantId)}/oauth2/v2.0/token";

    // Records print every property; this one holds three secrets and a customer's reference.
    public override string ToString() =>
        $"FluviusOptions {{ ClientId = {ClientId}, ClientSecret = ***, Scope = {Scope}, SubscriptionKey = ***, Certificate = {(ClientPfxFile is not null ? "pfx, password ***" : ClientCertFile is not null ? "pem" : "none")}, " +
        $"ContractNumber = {ContractNumber}, ReferenceNumber = {MeteringPoint.Masked(ReferenceNumber)}, MeteringPointId = {(MeteringPointId is null ? "(from the mandate)" : MeteringPoint.Masked(MeteringPointId))}, ApiVersion = {ApiVersion}, BaseUrl = {BaseUrl}, TokenUrl = {TokenUrl} }}";
}
