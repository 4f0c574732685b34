using System.Net;
using System.Text.RegularExpressions;
using MqttBridge.Domain;
using MqttBridge.Sources;

namespace MqttBridge.Configuration;

/// <summary>
/// Maps the document onto <see cref="BridgeOptions"/> by hand (no reflection, so NativeAOT and trimming stay safe)
/// and validates as it goes. Every section is read even after a problem, so one run reports everything.
/// </summary>
internal static partial class OptionsBinder
{
    /// <summary><c>bridge</c> is taken by <c>&lt;base&gt;/bridge/info</c>.</summary>
    public const string ReservedSiteId = "bridge";

    private static readonly string[] RootKeys = ["mqtt", "embedded_broker", "time_zone", "data_dir", "sites", "homeassistant"];
    private static readonly string[] MqttKeys = ["host", "port", "username", "password", "client_id", "base_topic", "discovery_prefix", "tls"];
    private static readonly string[] TlsKeys = ["enabled", "ca_file", "client_cert_file", "client_key_file", "insecure"];
    private static readonly string[] BrokerKeys = ["bind", "port", "username", "password"];
    private static readonly string[] SiteKeys = ["id", "name", "time_zone", "tariff", "meter", "statistics"];

    public static BridgeOptions Bind(ConfigMap root, List<ConfigProblem> problems)
    {
        var top = new ConfigSection(string.Empty, root, problems);
        top.AllowOnly(RootKeys);

        var mqtt = top.Section("mqtt") is { } m ? ReadMqtt(m) : new MqttOptions();
        var broker = top.Section("embedded_broker") is { } b ? ReadBroker(b) : new EmbeddedBrokerOptions();
        var fileZone = TimeZone(top, "time_zone");
        var timeZone = fileZone ?? "Europe/Oslo";
        var dataDir = top.NonEmptyText("data_dir", "data");
        var homeAssistant = Statistics.HomeAssistantOptions.Read(top.Section("homeassistant"));

        return new BridgeOptions
        {
            Mqtt = mqtt,
            EmbeddedBroker = broker,
            TimeZone = timeZone,
            DataDir = dataDir,
            Sites = ReadSites(top, fileZone, homeAssistant is not null),
            HomeAssistant = homeAssistant,
        };
    }

    private static MqttOptions ReadMqtt(ConfigSection s)
    {
        s.AllowOnly(MqttKeys);
        return new MqttOptions
        {
            Host = s.Text("host")?.Trim(),
            Port = s.Int("port", 1883, 1, 65535),
            Username = s.Text("username"),
            Password = s.Text("password"),
            ClientId = s.NonEmptyText("client_id", string.Empty).Trim() is { Length: > 0 } clientId ? clientId : null,
            BaseTopic = Topic(s, "base_topic", "mqttbridge"),
            DiscoveryPrefix = Topic(s, "discovery_prefix", "homeassistant"),
            Tls = s.Section("tls") is { } tls ? ReadTls(tls) : new TlsOptions(),
        };
    }

    private static TlsOptions ReadTls(ConfigSection s)
    {
        s.AllowOnly(TlsKeys);
        var options = new TlsOptions
        {
            Enabled = s.Bool("enabled", false),
            CaFile = s.ExistingFile("ca_file"),
            ClientCertFile = s.ExistingFile("client_cert_file"),
            ClientKeyFile = s.ExistingFile("client_key_file"),
            Insecure = s.Bool("insecure", false),
        };

        // A certificate without its private key (or the reverse) cannot authenticate; say which half is missing.
        if (s.Has("client_cert_file") && !s.Has("client_key_file"))
        {
            s.ReportMissing("client_key_file", "a client certificate needs its private key");
        }
        else if (s.Has("client_key_file") && !s.Has("client_cert_file"))
        {
            s.ReportMissing("client_cert_file", "a client key needs its certificate");
        }

        return options;
    }

    private static EmbeddedBrokerOptions ReadBroker(ConfigSection s)
    {
        s.AllowOnly(BrokerKeys);
        var bind = s.NonEmptyText("bind", "127.0.0.1").Trim();

        // IPAddress.TryParse also takes "1" as 0.0.0.1; insist on a dotted or colon form.
        if ((!bind.Contains('.', StringComparison.Ordinal) && !bind.Contains(':', StringComparison.Ordinal)) || !IPAddress.TryParse(bind, out _))
        {
            s.Report("bind", $"'{bind}' is not an IP address; use e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)");
        }

        return new EmbeddedBrokerOptions
        {
            Bind = bind,
            Port = s.Int("port", 1883, 1, 65535),
            Username = s.Text("username"),
            Password = s.Text("password"),
        };
    }

    private static List<SiteOptions> ReadSites(ConfigSection top, string? defaultTimeZone, bool statistics)
    {
        var items = top.Items("sites");
        if (items.Count == 0)
        {
            // A 'sites' value of the wrong kind has been reported already by Items.
            if (top.Get("sites") is null or ConfigList)
            {
                top.Report("sites", "at least one site is required (each with an id, a name and a tariff or a meter)");
            }

            return [];
        }

        var sites = new List<SiteOptions>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (top.ItemSection(item, "id, name and a tariff or a meter") is { } s && ReadSite(s, defaultTimeZone, seen, statistics) is { } site)
            {
                sites.Add(site);
            }
        }

        return sites;
    }

    private static SiteOptions? ReadSite(ConfigSection s, string? defaultTimeZone, Dictionary<string, string> seen, bool statistics)
    {
        s.AllowOnly(SiteKeys);

        var id = s.RequiredText("id", "give the site a short id such as 'home' (lower-case letters, digits, '_')");
        if (id is not null)
        {
            if (!SiteIdPattern().IsMatch(id))
            {
                s.Report("id", $"'{id}' is not a valid site id; use lower-case letters, digits and '_' (it appears in MQTT topics and entity ids)");
            }
            else if (id == ReservedSiteId)
            {
                s.Report("id", $"'{ReservedSiteId}' is reserved for the topic <base>/bridge/info; choose another site id");
            }
            else if (seen.TryGetValue(id, out var first))
            {
                s.Report("id", $"duplicate site id '{id}' (already used by {first}); site ids must be unique");
            }
            else
            {
                seen[id] = s.Path;
            }
        }

        var name = s.RequiredText("name");
        var siteZone = TimeZone(s, "time_zone");

        var tariff = s.Section("tariff") is { } t ? ReadSource(t, SourceRole.Tariff) : null;
        var meter = s.Section("meter") is { } m ? ReadSource(m, SourceRole.Meter) : null;
        var timeZone = siteZone ?? defaultTimeZone ?? ModuleZone(tariff, meter) ?? "Europe/Oslo";
        if (!s.Has("tariff") && !s.Has("meter"))
        {
            s.ReportHere("a site needs a 'tariff' or a 'meter' (or both)");
        }

        var siteStatistics = s.Bool("statistics", true);
        if (statistics && siteStatistics && meter is not null && id is not null && SiteIdPattern().IsMatch(id) && !Statistics.HomeAssistantOptions.ValidStatisticSite(id))
        {
            s.Report("id", $"'{id}' makes no valid Home Assistant statistic id (no leading or trailing '_', no '__'); rename the site or set statistics: false");
        }

        return id is null || name is null
            ? null
            : new SiteOptions { Id = id, Name = name, TimeZone = timeZone, Tariff = tariff, Meter = meter, Statistics = siteStatistics };
    }

    /// <summary>
    /// <c>tariff</c> or <c>meter</c>: its <c>type</c> picks the module from <see cref="Catalog"/>, which reads the rest of
    /// the section. <c>base_url</c> is checked here, once for every module.
    /// </summary>
    private static SourceOptions? ReadSource(ConfigSection s, SourceRole role)
    {
        var module = SourceModule(s, role);
        var baseUrl = BaseUrl(s);
        return module?.Bind(s, baseUrl);
    }

    /// <summary>The module the section's <c>type</c> names, or null (with a problem) when it is missing or unknown.</summary>
    private static ISourceModule? SourceModule(ConfigSection s, SourceRole role)
    {
        var kind = Catalog.KeyOf(role);
        var known = Catalog.TypesOf(role);
        var type = s.RequiredText("type", $"one of: {string.Join(", ", known)}")?.Trim().ToLowerInvariant();
        if (type is null)
        {
            return null;
        }

        if (Catalog.Find(role, type) is { } module)
        {
            return module;
        }

        var hint = KeyHints.Closest(type, known);
        s.Report("type", hint is not null
            ? $"unknown {kind} type '{type}'; did you mean '{hint}'?"
            : $"unknown {kind} type '{type}'; known types: {string.Join(", ", known)}");
        return null;
    }

    /// <summary>The default time zone the site's sources' modules declare (the meter's first), or null.</summary>
    private static string? ModuleZone(SourceOptions? tariff, SourceOptions? meter) =>
        (meter is null ? null : Catalog.Find(SourceRole.Meter, meter.Type)?.DefaultTimeZone)
        ?? (tariff is null ? null : Catalog.Find(SourceRole.Tariff, tariff.Type)?.DefaultTimeZone);

    private static string? BaseUrl(ConfigSection s)
    {
        var text = s.Text("base_url")?.Trim();
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            s.Report("base_url", $"'{text}' is not an absolute http:// or https:// URL");
            return null;
        }

        // A user, password or query in the URL would be logged with it; the source's own keys carry credentials.
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            s.Report("base_url", "the value is not valid: a base URL holds no user name, password, query or fragment (they would show in logs); put credentials in the source's own keys");
            return null;
        }

        return text;
    }

    private static string? TimeZone(ConfigSection s, string key)
    {
        var id = s.Text(key)?.Trim();
        if (id is null)
        {
            return null;
        }

        if (id.Length > 0 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _))
        {
            return id;
        }

        // Only on failure: listing every zone reads the whole tz database.
        var hint = KeyHints.Closest(id, TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id));
        s.Report(key, hint is not null
            ? $"'{id}' is not a known IANA time zone; did you mean '{hint}'?"
            : $"'{id}' is not a known IANA time zone; use an id such as Europe/Oslo or Europe/Copenhagen");
        return null;
    }

    private static string Topic(ConfigSection s, string key, string fallback)
    {
        var topic = s.Text(key);
        if (topic is null)
        {
            return fallback;
        }

        if (string.IsNullOrWhiteSpace(topic))
        {
            s.Report(key, "must not be empty");
        }
        else if (topic.Contains('+', StringComparison.Ordinal) || topic.Contains('#', StringComparison.Ordinal))
        {
            s.Report(key, $"'{topic}' must not contain the MQTT wildcards '+' or '#'");
        }
        else if (topic.StartsWith('/') || topic.EndsWith('/'))
        {
            s.Report(key, $"'{topic}' must not start or end with '/'");
        }

        return topic;
    }

    [GeneratedRegex("^[a-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SiteIdPattern();

}
