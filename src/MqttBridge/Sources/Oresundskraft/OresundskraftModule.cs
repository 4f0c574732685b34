using System.Globalization;
using Microsoft.Extensions.Logging;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources.Http;
using MqttBridge.Storage;

namespace MqttBridge.Sources.Oresundskraft;

/// <summary>
/// <c>meter.type: oresundskraft</c>: Öresundskraft's consumption API (Helsingborg, Sweden) with the subscription key
/// issued per installation. Produces hourly consumption a day late (no <c>today_*</c>), the month max computed from it,
/// the subscribed power where stated, and monthly readings where the answer has that shape; each only once an answer
/// held it. Sites with the same key and customer number share one <see cref="OresundskraftFeed"/>: one call for all.
/// </summary>
internal sealed class OresundskraftModule : ISourceModule
{
    public const string TypeName = "oresundskraft";

    private static readonly string[] Keys =
        ["type", "base_url", "subscription_key", "customer_number", "metering_point_id", "api_version", "delivery_category", "poll_time"];

    /// <summary>Everything the module may produce, each offered once an answer held it (<see cref="SourceReport.DecidedByData"/>).</summary>
    private const SourceCapabilities Produces =
        SourceCapabilities.Consumption | SourceCapabilities.MonthMax | SourceCapabilities.SubscribedPower | SourceCapabilities.MonthlyConsumption;

    public string Type => TypeName;

    public SourceRole Role => SourceRole.Meter;

    public IReadOnlyList<string> SecretKeys => ["subscription_key"];

    public AddonForm Addon { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["subscription_key"] = "subscription_key",
        ["customer_number"] = "customer_number",
        ["metering_point_id"] = "metering_point_id",
        ["meter_base_url"] = "base_url",
    });

    /// <summary>What an Öresundskraft meter declares; the data decides which of it is offered.</summary>
    internal static SourceReport Descriptor { get; } = new(SourceRole.Meter, TypeName, Produces) { DecidedByData = Produces, Currency = "SEK" };

    public SourceRunner Create(SourceOptions options, SiteContext site, SourceContext context)
    {
        var o = (OresundskraftOptions)options;
        var feed = context.Shared(
            SourceContext.KeyOf(TypeName, o.BaseUrl, o.SubscriptionKey, o.CustomerNumber, o.ApiVersion, o.DeliveryCategory, o.PollTime.ToString("HH:mm", CultureInfo.InvariantCulture)),
            () =>
            {
                // The policy's 120 s timeout rules; HttpClient's own 100 s default would cut a slow answer short.
                var http = new HttpClient { BaseAddress = new Uri(o.BaseUrl), Timeout = Timeout.InfiniteTimeSpan };
                var logger = context.Loggers.CreateLogger<OresundskraftFeed>();
                var client = new ApiClient(http, OresundskraftFeed.DefaultPolicy, context.Time, context.Loggers.CreateLogger<ApiClient>());
                return new OresundskraftFeed(o, client, new ResponseCache(context.DataDir, "oresundskraft", logger), logger);
            });
        return SourceRunner.For(Descriptor, new OresundskraftSource(feed, o.MeteringPointId));
    }

    /// <summary><c>meter.type: oresundskraft</c>. The key is a secret and the numbers personal data: problems never echo them.</summary>
    public SourceOptions? Bind(ConfigSection s, string? baseUrl)
    {
        s.AllowOnly(Keys);
        var key = s.RequiredText("subscription_key", "the key Öresundskraft e-mailed when you ordered API access (sent as Ocp-Apim-Subscription-Key)")?.Trim();
        if (key is not null && key.Any(char.IsWhiteSpace))
        {
            s.Report("subscription_key", "the value is not valid: a subscription key has no spaces or line breaks");
            key = null;
        }

        var customer = Digits(s, s.RequiredText("customer_number", "the customer number (kundnummer) on your Öresundskraft invoice"), "customer_number", "the customer number (kundnummer) on your invoice");
        var point = Digits(s, s.Text("metering_point_id"), "metering_point_id", "the anläggnings-id (16 or 18 digits, 735999…) on your invoice, or leave the key out when the customer has one metering point");
        var version = s.NonEmptyText("api_version", "2.1").Trim();
        if (!version.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            s.Report("api_version", $"'{version}' is not an API version; use 2.1 (the hourly answer) unless Öresundskraft told you another");
        }

        var category = s.NonEmptyText("delivery_category", "EL").Trim();
        if (!category.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            s.Report("delivery_category", $"'{category}' is not a delivery category; use EL (electricity)");
        }

        var pollText = s.Text("poll_time")?.Trim();
        var poll = new TimeOnly(9, 0);
        if (pollText is not null && !TimeOnly.TryParseExact(pollText, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out poll))
        {
            s.Report("poll_time", $"'{pollText}' is not a time of day; write it as HH:MM in Swedish time, e.g. \"09:00\"");
        }

        if (key is null || customer is null)
        {
            return null;
        }

        // HttpClient resolves relative paths against the base only when it ends in '/'.
        var url = baseUrl ?? OresundskraftOptions.DefaultBaseUrl;
        return new OresundskraftOptions
        {
            SubscriptionKey = key,
            CustomerNumber = customer,
            MeteringPointId = point,
            ApiVersion = version,
            DeliveryCategory = category,
            PollTime = poll,
            BaseUrl = url.EndsWith('/') ? url : url + "/",
        };
    }

    /// <summary>A number of digits only (any length the API uses), or null with a problem that does not echo it (personal data).</summary>
    private static string? Digits(ConfigSection s, string? text, string key, string what)
    {
        var value = text?.Trim();
        if (value is null || value.Length == 0)
        {
            return null;
        }

        if (!value.All(char.IsAsciiDigit))
        {
            s.Report(key, $"the value is not valid: expected digits only, {what}");
            return null;
        }

        return value;
    }
}
