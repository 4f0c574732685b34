namespace MqttBridge.Configuration;

/// <summary>The whole validated configuration (YAML keys in comments). Built only by <see cref="ConfigLoader"/>.</summary>
internal sealed record BridgeOptions
{
    public MqttOptions Mqtt { get; init; } = new();

    public EmbeddedBrokerOptions EmbeddedBroker { get; init; } = new();

    /// <summary><c>time_zone</c>: IANA id, the default for every site.</summary>
    public string TimeZone { get; init; } = "Europe/Oslo";

    /// <summary><c>data_dir</c>: where last good data is kept across restarts.</summary>
    public string DataDir { get; init; } = "data";

    public IReadOnlyList<SiteOptions> Sites { get; init; } = [];

    /// <summary><c>homeassistant</c>: where the Energy dashboard's statistics go; null turns them off.</summary>
    public Statistics.HomeAssistantOptions? HomeAssistant { get; init; }
}

internal sealed record MqttOptions
{
    /// <summary><c>mqtt.host</c>: empty means the embedded broker.</summary>
    public string? Host { get; init; }

    public int Port { get; init; } = 1883;

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary><c>mqtt.client_id</c>; null means this installation's own id, kept in data_dir (see <c>ClientIdentity</c>).</summary>
    public string? ClientId { get; init; }

    public string BaseTopic { get; init; } = "mqttbridge";

    public string DiscoveryPrefix { get; init; } = "homeassistant";

    public TlsOptions Tls { get; init; } = new();

    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(Host);
}

internal sealed record TlsOptions
{
    public bool Enabled { get; init; }

    /// <summary><c>mqtt.tls.ca_file</c>: PEM bundle to trust instead of the system's CAs.</summary>
    public string? CaFile { get; init; }

    /// <summary><c>mqtt.tls.client_cert_file</c> and <c>client_key_file</c>: PEM client certificate.</summary>
    public string? ClientCertFile { get; init; }

    public string? ClientKeyFile { get; init; }

    /// <summary><c>mqtt.tls.insecure</c>: accept any server certificate. Off unless the user says so.</summary>
    public bool Insecure { get; init; }
}

internal sealed record EmbeddedBrokerOptions
{
    public string Bind { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 1883;

    public string? Username { get; init; }

    public string? Password { get; init; }
}

internal sealed record SiteOptions
{
    /// <summary><c>id</c>: lower-case letters, digits and <c>_</c>; used in topics and unique ids.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The site's own IANA zone, or the top-level <c>time_zone</c>.</summary>
    public required string TimeZone { get; init; }

    /// <summary><c>tariff</c>: the options of the tariff source's module (<see cref="Sources.Catalog"/>), or null.</summary>
    public Sources.SourceOptions? Tariff { get; init; }

    /// <summary><c>meter</c>: the options of the meter source's module, or null.</summary>
    public Sources.SourceOptions? Meter { get; init; }

    /// <summary><c>statistics</c>: import the meter's hours into Home Assistant (when <c>homeassistant</c> is set); default true.</summary>
    public bool Statistics { get; init; } = true;
}
