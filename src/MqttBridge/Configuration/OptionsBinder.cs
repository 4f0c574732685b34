using System.Net;
using System.Text.RegularExpressions;

namespace MqttBridge.Configuration;

/// <summary>
/// Maps the document onto <see cref="BridgeOptions"/> by hand (no reflection, so NativeAOT and trimming stay safe)
/// and validates as it goes. Every section is read even after a problem, so one run reports everything.
/// </summary>
internal static partial class OptionsBinder
{
    public static readonly string[] TariffTypes = ["static", "digin", "eloverblik"];
    public static readonly string[] MeterTypes = ["elvia", "eloverblik", "oresundskraft", "fluvius"];

    /// <summary>Source types this version can run; the others are known names reserved for later versions.</summary>
    public static readonly string[] AvailableTariffTypes = ["static", "digin"];
    public static readonly string[] AvailableMeterTypes = ["elvia"];

    public static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "workday", "weekend", "holiday"];
    public static readonly string[] Levels = ["very_cheap", "cheap", "normal", "expensive", "very_expensive"];
    public static readonly string[] Holidays = ["NO", "DK", "SE", "BE", "none"];
    public static readonly string[] CapacityBases = ["three_daily_max_hours", "monthly_peak_quarter_hour", "monthly_max_hour"];
    public static readonly string[] ThresholdSides = ["step_above", "step_below"];

    /// <summary><c>bridge</c> is taken by <c>&lt;base&gt;/bridge/info</c>.</summary>
    public const string ReservedSiteId = "bridge";

    private static readonly string[] RootKeys = ["mqtt", "embedded_broker", "time_zone", "data_dir", "sites"];
    private static readonly string[] MqttKeys = ["host", "port", "username", "password", "client_id", "base_topic", "discovery_prefix", "tls"];
    private static readonly string[] TlsKeys = ["enabled", "ca_file", "client_cert_file", "client_key_file", "insecure"];
    private static readonly string[] BrokerKeys = ["bind", "port", "username", "password"];
    private static readonly string[] SiteKeys = ["id", "name", "time_zone", "tariff", "meter"];
    private static readonly string[] StaticKeys = ["type", "base_url", "currency", "vat", "resolution", "holidays", "extra_holidays", "taxes", "bands", "capacity"];
    private static readonly string[] TaxKeys = ["name", "per_kwh", "months"];
    private static readonly string[] BandKeys = ["name", "price", "hours", "days", "months", "level"];
    private static readonly string[] CapacityKeys = ["basis", "prices_include_vat", "minimum_kw", "at_threshold", "steps"];
    private static readonly string[] StepKeys = ["from_kw", "to_kw", "monthly_price", "per_kw_monthly"];
    private static readonly string[] ElviaMeterKeys = ["type", "base_url", "token", "metering_point_id", "include_production"];

    public static BridgeOptions Bind(ConfigMap root, List<ConfigProblem> problems)
    {
        var top = new ConfigSection(string.Empty, root, problems);
        top.AllowOnly(RootKeys);

        var mqtt = top.Section("mqtt") is { } m ? ReadMqtt(m) : new MqttOptions();
        var broker = top.Section("embedded_broker") is { } b ? ReadBroker(b) : new EmbeddedBrokerOptions();
        var timeZone = TimeZone(top, "time_zone") ?? "Europe/Oslo";
        var dataDir = top.NonEmptyText("data_dir", "data");

        return new BridgeOptions
        {
            Mqtt = mqtt,
            EmbeddedBroker = broker,
            TimeZone = timeZone,
            DataDir = dataDir,
            Sites = ReadSites(top, timeZone),
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
            CaFile = ExistingFile(s, "ca_file"),
            ClientCertFile = ExistingFile(s, "client_cert_file"),
            ClientKeyFile = ExistingFile(s, "client_key_file"),
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

    private static List<SiteOptions> ReadSites(ConfigSection top, string defaultTimeZone)
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
            if (top.ItemSection(item, "id, name and a tariff or a meter") is { } s && ReadSite(s, defaultTimeZone, seen) is { } site)
            {
                sites.Add(site);
            }
        }

        return sites;
    }

    private static SiteOptions? ReadSite(ConfigSection s, string defaultTimeZone, Dictionary<string, string> seen)
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
        var timeZone = TimeZone(s, "time_zone") ?? defaultTimeZone;

        var tariff = s.Section("tariff") is { } t ? ReadTariff(t) : null;
        var meter = s.Section("meter") is { } m ? ReadMeter(m) : null;
        if (!s.Has("tariff") && !s.Has("meter"))
        {
            s.ReportHere("a site needs a 'tariff' or a 'meter' (or both)");
        }

        return id is null || name is null
            ? null
            : new SiteOptions { Id = id, Name = name, TimeZone = timeZone, Tariff = tariff, Meter = meter };
    }

    private static TariffOptions? ReadTariff(ConfigSection s)
    {
        var type = SourceType(s, "tariff", TariffTypes, AvailableTariffTypes);
        var baseUrl = BaseUrl(s);
        if (type == "digin")
        {
            return new TariffOptions { Type = type, BaseUrl = baseUrl, Digin = ReadDigin(s, baseUrl) };
        }

        if (type != "static")
        {
            // Keys of sources this version cannot run are not checked: their schema is not settled yet.
            return type is null ? null : new TariffOptions { Type = type, BaseUrl = baseUrl };
        }

        s.AllowOnly(StaticKeys);
        return new TariffOptions { Type = type, BaseUrl = baseUrl, Static = ReadStatic(s) };
    }

    private static readonly string[] DiginKeys = ["type", "base_url", "api_key", "metering_point_id", "tariff_key", "max_calls_per_hour"];

    /// <summary><c>tariff.type: digin</c>: api_key plus exactly one of metering_point_id and tariff_key; base_url from the DIGIN mapping.</summary>
    private static DiginTariffOptions? ReadDigin(ConfigSection s, string? baseUrl)
    {
        s.AllowOnly(DiginKeys);
        var apiKey = s.RequiredText("api_key", "your GridTariffAPI key (Elvia: developer portal → Products → GridTariffAPI → your profile's primary key)")?.Trim();
        var meteringPoint = s.Text("metering_point_id")?.Trim();
        var tariffKey = s.Text("tariff_key")?.Trim();
        var maxCalls = s.Int("max_calls_per_hour", 200, 1, 10_000);
        if (meteringPoint is not null && !Sources.Digin.DiginIds.IsMeteringPointId(meteringPoint))
        {
            s.Report("metering_point_id", $"'{meteringPoint}' is not a metering point id; it has 18 digits and starts with 7070575 (see your invoice or Elvia's Min side); quote it in YAML");
            meteringPoint = null;
        }

        if (tariffKey is { Length: 0 })
        {
            s.Report("tariff_key", "must not be empty");
            tariffKey = null;
        }

        if (s.Has("metering_point_id") == s.Has("tariff_key"))
        {
            s.ReportHere(s.Has("tariff_key")
                ? "set metering_point_id or tariff_key, not both (the metering point finds its own tariff and capacity step)"
                : "set metering_point_id (your tariff and capacity step) or tariff_key (a tariff's prices, listed by 'mqttbridge tariffs')");
        }

        string? company = null;
        if (baseUrl is null && meteringPoint is not null)
        {
            var mapping = Sources.Digin.GridCompanyMapping.Default;
            var found = mapping?.Find(meteringPoint);
            if (mapping is null)
            {
                s.ReportMissing("base_url", $"the DIGIN grid-company mapping ({Sources.Digin.GridCompanyMapping.FileName}) built into the bridge is unreadable, so base_url must be set");
            }
            else if (found is null)
            {
                s.Report("metering_point_id", $"no grid company in the DIGIN mapping covers metering point {Domain.MeteringPoint.Masked(meteringPoint)}; set tariff.base_url to your grid company's GridTariffAPI URL (ask the company), or check the id");
            }
            else
            {
                company = found.Name;
                baseUrl = Sources.Digin.DiginIds.DefaultBase(found);
            }
        }

        return apiKey is null || (meteringPoint is null && tariffKey is null)
            ? null
            : new DiginTariffOptions
            {
                ApiKey = apiKey,
                MeteringPointId = meteringPoint,
                TariffKey = meteringPoint is null ? tariffKey : null,
                BaseUrl = baseUrl ?? Sources.Digin.GridCompanyMapping.ElviaUrl,
                Company = company ?? (baseUrl is null ? "ELVIA AS" : null),
                MaxCallsPerHour = maxCalls,
            };
    }

    private static MeterOptions? ReadMeter(ConfigSection s)
    {
        var type = SourceType(s, "meter", MeterTypes, AvailableMeterTypes);
        var baseUrl = BaseUrl(s);
        return type switch
        {
            null => null,
            "elvia" => new MeterOptions { Type = type, BaseUrl = baseUrl, Elvia = ReadElviaMeter(s, baseUrl) },
            _ => new MeterOptions { Type = type, BaseUrl = baseUrl },
        };
    }

    /// <summary><c>meter.type: elvia</c>. The token is a secret: problems name its key, never its value.</summary>
    private static ElviaMeterOptions? ReadElviaMeter(ConfigSection s, string? baseUrl)
    {
        s.AllowOnly(ElviaMeterKeys);
        var token = s.RequiredText("token", "create a personal token on Elvia's Min side (TILGANGER, Opprett token) and paste it here");
        if (token is not null && token.Trim().Any(char.IsWhiteSpace))
        {
            s.Report("token", "the value is not valid: a token has no spaces or line breaks (paste only the token, without 'Bearer')");
            token = null;
        }

        var meteringPoint = s.Text("metering_point_id")?.Trim();
        if (meteringPoint is not null && !MeteringPointPattern().IsMatch(meteringPoint))
        {
            s.Report("metering_point_id", $"'{meteringPoint}' is not a metering point id; use the 18 digits from your invoice or Min side (707057…), or leave the key out to use the token's first meter");
            meteringPoint = null;
        }

        var production = s.Bool("include_production", false);
        if (token is null)
        {
            return null;
        }

        // HttpClient resolves relative paths against the base only when it ends in '/'.
        var url = baseUrl ?? ElviaMeterOptions.DefaultBaseUrl;
        return new ElviaMeterOptions
        {
            Token = token.Trim(),
            MeteringPointId = meteringPoint,
            IncludeProduction = production,
            BaseUrl = url.EndsWith('/') ? url : url + "/",
        };
    }

    /// <summary>The source's <c>type</c>, or null (with a problem) when it is missing, unknown or not available yet.</summary>
    private static string? SourceType(ConfigSection s, string kind, string[] known, string[] available)
    {
        var type = s.RequiredText("type", $"one of: {string.Join(", ", known)}")?.Trim().ToLowerInvariant();
        if (type is null)
        {
            return null;
        }

        if (!known.Contains(type))
        {
            var hint = KeyHints.Closest(type, known);
            s.Report("type", hint is not null
                ? $"unknown {kind} type '{type}'; did you mean '{hint}'?"
                : $"unknown {kind} type '{type}'; known types: {string.Join(", ", known)}");
            return null;
        }

        if (!available.Contains(type))
        {
            var now = available.Length == 0 ? "none yet" : string.Join(", ", available);
            s.Report("type", $"{kind} type '{type}' is not available in this version yet (available: {now})");
            return null;
        }

        return type;
    }

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

        return text;
    }

    private static StaticTariffOptions ReadStatic(ConfigSection s)
    {
        var currency = s.NonEmptyText("currency", "NOK").Trim();
        if (!CurrencyPattern().IsMatch(currency))
        {
            s.Report("currency", $"'{currency}' is not a currency code; use three upper-case letters such as NOK, DKK, SEK or EUR");
        }

        var vat = s.Decimal("vat") ?? 0m;
        if (vat is < 0m or > 1m)
        {
            s.Report("vat", $"{vat} is out of range; VAT is a fraction from 0 to 1 (0.25 for 25 %)");
        }

        var resolution = s.Int("resolution", 60, 1, 1440);
        if (resolution is not (15 or 60))
        {
            s.Report("resolution", $"{resolution} is not a supported resolution; use 15 or 60 (minutes)");
        }

        var holidays = OneOf(s, "holidays", Holidays, "holiday calendar") ?? "none";

        return new StaticTariffOptions
        {
            Currency = currency,
            Vat = vat,
            Resolution = resolution,
            Holidays = holidays,
            ExtraHolidays = ReadExtraHolidays(s),
            Taxes = ReadTaxes(s),
            Bands = ReadBands(s),
            Capacity = s.Section("capacity") is { } c ? ReadCapacity(c) : null,
        };
    }

    /// <summary><c>extra_holidays</c>: the company's own low-price days, "MM-DD" every year or "YYYY-MM-DD" once.</summary>
    private static List<string> ReadExtraHolidays(ConfigSection s)
    {
        var days = new List<string>();
        foreach (var (path, node) in s.Items("extra_holidays", allowSingle: true))
        {
            if (s.Scalar(path, node, "extra_holidays")?.Value is not { } text)
            {
                continue;
            }

            if (Domain.ExtraHoliday.TryParse(text, out _, out var error))
            {
                days.Add(text.Trim());
            }
            else
            {
                s.Report(path, node, error);
            }
        }

        return days;
    }

    private static List<TaxOptions> ReadTaxes(ConfigSection s)
    {
        var taxes = new List<TaxOptions>();
        foreach (var item in s.Items("taxes"))
        {
            if (s.ItemSection(item, "name and per_kwh") is not { } tax)
            {
                continue;
            }

            tax.AllowOnly(TaxKeys);
            var name = tax.RequiredText("name");
            var perKwh = tax.RequiredDecimal("per_kwh");
            var months = Months(tax);
            if (name is not null && perKwh is not null)
            {
                taxes.Add(new TaxOptions { Name = name, PerKwh = perKwh.Value, Months = months });
            }
        }

        return taxes;
    }

    private static List<BandOptions> ReadBands(ConfigSection s)
    {
        var items = s.Items("bands");
        if (items.Count == 0)
        {
            if (s.Get("bands") is null or ConfigList)
            {
                s.Report("bands", "at least one band is required; the last band, without hours, days or months, sets the price at all other times");
            }

            return [];
        }

        var bands = new List<BandOptions>();
        for (var i = 0; i < items.Count; i++)
        {
            if (s.ItemSection(items[i], "name and price") is not { } band)
            {
                continue;
            }

            band.AllowOnly(BandKeys);
            var name = band.RequiredText("name");
            var price = band.RequiredDecimal("price");
            var hours = band.Text("hours")?.Trim();
            if (hours is not null && !HoursRange.TryParse(hours, out _, out var error))
            {
                band.Report("hours", error);
            }

            var days = ReadDays(band);
            var months = Months(band);
            var level = OneOf(band, "level", Levels, "price level");

            // The first matching band wins, so a band without conditions must come last, and there must be one.
            var isFallback = hours is null && days.Count == 0 && months.Count == 0;
            var isLast = i == items.Count - 1;
            if (isLast && !isFallback)
            {
                band.ReportHere("the last band is the fallback and must have no hours, days or months; add a final band without conditions for all other times");
            }
            else if (!isLast && isFallback)
            {
                band.ReportHere("only the last band may have no hours, days or months; this band matches always, so the bands after it would never apply");
            }

            if (name is not null && price is not null)
            {
                bands.Add(new BandOptions { Name = name, Price = price.Value, Hours = hours, Days = days, Months = months, Level = level });
            }
        }

        return bands;
    }

    private static List<string> ReadDays(ConfigSection band)
    {
        var days = new List<string>();
        foreach (var (path, node) in band.Items("days", allowSingle: true))
        {
            var text = band.Scalar(path, node, "days")?.Value.Trim().ToLowerInvariant();
            if (text is null)
            {
                continue;
            }

            if (Days.Contains(text))
            {
                days.Add(text);
            }
            else
            {
                band.Report(path, node, $"'{text}' is not a day{HintOrList(text, Days)}");
            }
        }

        return days;
    }

    private static List<int> Months(ConfigSection s)
    {
        var months = new List<int>();
        foreach (var (path, node) in s.Items("months", allowSingle: true))
        {
            if (s.Int(path, node, "months") is not { } month)
            {
                continue;
            }

            if (month is < 1 or > 12)
            {
                s.Report(path, node, $"{month} is not a month; use 1 (January) to 12 (December)");
            }
            else
            {
                months.Add(month);
            }
        }

        return months;
    }

    private static CapacityOptions ReadCapacity(ConfigSection s)
    {
        s.AllowOnly(CapacityKeys);
        var basis = OneOf(s, "basis", CapacityBases, "capacity basis") ?? "three_daily_max_hours";
        var includesVat = s.Bool("prices_include_vat", false);
        var minimum = s.Decimal("minimum_kw") ?? 0m;
        if (minimum < 0m)
        {
            s.Report("minimum_kw", $"{minimum} is negative; use 0 or more");
        }

        return new CapacityOptions { Basis = basis, PricesIncludeVat = includesVat, MinimumKw = minimum, ThresholdInLowerStep = ThresholdInLowerStep(s), Steps = ReadSteps(s) };
    }

    /// <summary><c>capacity.at_threshold</c>: step_above (default: "from 2 kW") or step_below ("up to and including 2 kW").</summary>
    private static bool ThresholdInLowerStep(ConfigSection s) => OneOf(s, "at_threshold", ThresholdSides, "threshold side") == "step_below";

    private static List<CapacityStepOptions> ReadSteps(ConfigSection s)
    {
        var items = s.Items("steps");
        if (items.Count == 0)
        {
            if (s.Get("steps") is null or ConfigList)
            {
                s.Report("steps", "at least one capacity step is required");
            }

            return [];
        }

        var steps = new List<CapacityStepOptions>();
        decimal? previousTo = null;
        for (var i = 0; i < items.Count; i++)
        {
            if (s.ItemSection(items[i], "from_kw, to_kw and monthly_price") is not { } step)
            {
                previousTo = null;
                continue;
            }

            step.AllowOnly(StepKeys);
            var from = step.RequiredDecimal("from_kw");
            var to = step.Decimal("to_kw");
            var monthly = NonNegative(step, "monthly_price");
            var perKw = NonNegative(step, "per_kw_monthly");
            var isLast = i == items.Count - 1;

            if (from < 0m)
            {
                step.Report("from_kw", $"{from} is negative; steps start at 0 kW or more");
            }

            if (from is not null && to is not null && to <= from)
            {
                step.Report("to_kw", $"{to} must be greater than from_kw {from}");
            }

            if (!isLast && !step.Has("to_kw"))
            {
                step.ReportMissing("to_kw", "only the last step may leave out to_kw (it is open-ended)");
            }

            // Each step starts where the previous one ended, so every kW value falls in exactly one step.
            if (i > 0 && from is not null && previousTo is not null && from != previousTo)
            {
                var kind = from > previousTo ? "a gap" : "an overlap";
                step.Report("from_kw", $"{from} leaves {kind} after the previous step, which ends at to_kw {previousTo}; from_kw must equal the previous to_kw");
            }

            previousTo = to;
            if (from is not null)
            {
                steps.Add(new CapacityStepOptions { FromKw = from.Value, ToKw = to, MonthlyPrice = monthly, PerKwMonthly = perKw });
            }
        }

        return steps;
    }

    private static decimal NonNegative(ConfigSection s, string key)
    {
        var value = s.Decimal(key) ?? 0m;
        if (value < 0m)
        {
            s.Report(key, $"{value} is negative; prices must be 0 or more");
            return 0m;
        }

        return value;
    }

    /// <summary>A value from a fixed list, matched case-insensitively and returned in its canonical spelling.</summary>
    private static string? OneOf(ConfigSection s, string key, string[] allowed, string what)
    {
        var text = s.Text(key)?.Trim();
        if (text is null)
        {
            return null;
        }

        var match = allowed.FirstOrDefault(a => a.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            s.Report(key, $"'{text}' is not a known {what}{HintOrList(text, allowed)}");
        }

        return match;
    }

    /// <summary>"; did you mean 'x'?" when one is close, else the full list to choose from.</summary>
    private static string HintOrList(string given, string[] allowed) =>
        KeyHints.Closest(given, allowed) is { } hint ? $"; did you mean '{hint}'?" : $"; use {string.Join(", ", allowed)}";

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

    private static string? ExistingFile(ConfigSection s, string key)
    {
        var path = s.Text(key);
        if (path is null)
        {
            return null;
        }

        // Relative paths are read from the working directory, as the MQTT client will open them.
        if (string.IsNullOrWhiteSpace(path))
        {
            s.Report(key, "must not be empty; leave the key out instead");
        }
        else if (!File.Exists(path))
        {
            s.Report(key, $"file '{path}' does not exist");
        }

        return path;
    }

    [GeneratedRegex("^[a-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SiteIdPattern();

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex("^[0-9]{6,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex MeteringPointPattern();
}
