using System.Globalization;
using MqttBridge.IntegrationTests.Support;
using static MqttBridge.TestSupport.FluviusAnswers;

namespace MqttBridge.IntegrationTests.Fluvius;

/// <summary>
/// A scriptable Fluvius energy-service API and Azure AD token endpoint on 127.0.0.1 (<c>/token</c> and <c>/esco/…</c>).
/// It checks what Fluvius would refuse — the token, the subscription key, the exact query spellings of each call and
/// version — and records every breach in <see cref="Violations"/>. Energy answers hold the quarter-hours of the asked
/// window that have "arrived" (a local day arrives the next morning, <see cref="Lag"/> after it ends).
/// </summary>
internal sealed class FakeFluvius : IDisposable
{
    /// <summary>
    /// A site's <c>meter:</c> keys for a fake at <paramref name="baseUrl"/> and <paramref name="tokenUrl"/>: YAML lines
    /// indented by six spaces (under <c>meter:</c> of a site in <c>sites:</c>), no trailing newline.
    /// </summary>
    public static string MeterKeys(string baseUrl, string tokenUrl, string reference) => string.Join("\n",
        "      type: fluvius",
        $"      base_url: {baseUrl}",
        $"      token_url: {tokenUrl}",
        $"      client_id: {ClientId}",
        $"      client_secret: {ClientSecret}",
        $"      scope: {Scope}",
        $"      subscription_key: {SubscriptionKey}",
        "      contract_number: DTC42",
        $"      reference_number: {reference}");

    /// <summary>The <c>meter:</c> keys of a site using this fake (see <see cref="MeterKeys(string, string, string)"/>).</summary>
    public string MeterKeys(string reference) => MeterKeys(BaseUrl, TokenUrl, reference);

    public const string ClientId = "esco-client";
    public const string ClientSecret = "client-Secret-4242";
    public const string SubscriptionKey = "apim-Key-5151";
    public const string Scope = "api://fluvius-esco/.default";

    private int _tokenSerial;

    public FakeFluvius(Func<DateTimeOffset> now)
    {
        Now = now;
        Server = new FakeApiServer(Answer);
    }

    public FakeApiServer Server { get; }

    public Func<DateTimeOffset> Now { get; }

    public string BaseUrl => Server.BaseUrl + "esco";

    public string TokenUrl => Server.BaseUrl + "token";

    public TimeSpan Lag { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The mandates GET Mandate lists (v3 spelling unless <see cref="V2"/>).</summary>
    public List<Mandate> MandateList { get; } = [new("Approved")];

    public bool V2 { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>kWh of the quarter-hour starting at an instant.</summary>
    public Func<DateTimeOffset, decimal> Kwh { get; set; } = t => 0.1m + (t.Minute / 15 * 0.05m);

    public Func<DateTimeOffset, decimal?> Injection { get; set; } = _ => null;

    public Func<DateTimeOffset, string> State { get; set; } = _ => "READ";

    /// <summary>When set, a dual-tariff meter: each quarter-hour's values sit on its night (true) or day register, not a total.</summary>
    public Func<DateTimeOffset, bool>? Night { get; set; }

    /// <summary>Answers instead when it returns non-null (faults).</summary>
    public Func<ReceivedRequest, FakeResponse?>? Override { get; set; }

    /// <summary>Tokens the fake has issued; only the newest is accepted when <see cref="OnlyNewestToken"/>.</summary>
    public List<string> Tokens { get; } = [];

    public bool OnlyNewestToken { get; set; }

    public List<string> Violations { get; } = [];

    public List<(DateTimeOffset At, ReceivedRequest Request)> Calls { get; } = [];

    public IEnumerable<ReceivedRequest> Energy => Calls.Select(c => c.Request).Where(r => r.Path.EndsWith("/Mandate/energy", StringComparison.Ordinal));

    public IEnumerable<ReceivedRequest> MandateCalls => Calls.Select(c => c.Request).Where(r => r.Path.EndsWith("/Mandate", StringComparison.Ordinal));

    public int TokenCalls => Calls.Count(c => c.Request.Path == "/token");

    public void Dispose() => Server.Dispose();

    private FakeResponse Answer(ReceivedRequest request)
    {
        var now = Now();
        lock (Calls)
        {
            Calls.Add((now, request));
        }

        if (request.Path == "/token")
        {
            return Token(request);
        }

        var token = request.Header("Authorization");
        var valid = OnlyNewestToken ? Tokens.Count > 0 && token == "Bearer " + Tokens[^1] : Tokens.Any(t => token == "Bearer " + t);
        if (!valid)
        {
            return FakeResponse.Plain(401);
        }

        if (request.Header("Ocp-Apim-Subscription-Key") != SubscriptionKey)
        {
            Violate($"{request.Path}: subscription key '{request.Header("Ocp-Apim-Subscription-Key")}'");
            return FakeResponse.Plain(401);
        }

        if (Override?.Invoke(request) is { } scripted)
        {
            return scripted;
        }

        var prefix = V2 ? "/esco/api/v2.0/" : "/esco/v3/api/";
        if (!request.Path.StartsWith(prefix, StringComparison.Ordinal))
        {
            Violate($"path {request.Path} is not under {prefix}");
            return FakeResponse.Plain(404);
        }

        return request.Path[prefix.Length..] switch
        {
            "Mandate" when request.Method == "GET" => MandatesAnswer(request),
            "Mandate/energy" when request.Method == "GET" => EnergyAnswer(request, now),
            "shortUrlIdentifier" when request.Method == "POST" => FakeResponse.Json(
                $"{{\"_meta\": {{}}, \"data\": {{\"status\": \"success\", \"shortUrlIdentifier\": \"AbC123xyz\", \"validTo\": \"{Utc(now.AddHours(24))}\"}}}}"),
            _ => FakeResponse.Plain(404),
        };
    }

    private FakeResponse Token(ReceivedRequest request)
    {
        var form = request.Body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        if (request.Method != "POST" || form.GetValueOrDefault("grant_type") != "client_credentials" || form.GetValueOrDefault("client_id") != ClientId
            || form.GetValueOrDefault("client_secret") != ClientSecret || form.GetValueOrDefault("scope") != Scope)
        {
            return FakeResponse.Json("{\"error\": \"invalid_client\", \"error_description\": \"AADSTS7000215: Invalid client secret provided.\"}", 401);
        }

        var token = $"token-{Interlocked.Increment(ref _tokenSerial)}";
        Tokens.Add(token);
        return FakeResponse.Json($"{{\"token_type\": \"Bearer\", \"expires_in\": {(int)TokenLifetime.TotalSeconds}, \"access_token\": \"{token}\"}}");
    }

    private FakeResponse MandatesAnswer(ReceivedRequest request)
    {
        Expect(request, ["ReferenceNumber"]);
        return FakeResponse.Json(Mandates(MandateList.Where(m => m.Reference == request.QueryValue("ReferenceNumber")), V2));
    }

    private FakeResponse EnergyAnswer(ReceivedRequest request, DateTimeOffset now)
    {
        string[] names = V2 ? ["ReferenceNumber", "EanNumber", "DataServiceType", "PeriodType", "From", "To"] : ["referenceNumber", "ean", "DataServiceType", "PeriodType", "from", "to"];
        Expect(request, names);
        if (request.QueryValue("PeriodType") != "readTime")
        {
            Violate($"PeriodType '{request.QueryValue("PeriodType")}'");
        }

        var from = DateTimeOffset.Parse(request.QueryValue(names[4])!, CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse(request.QueryValue(names[5])!, CultureInfo.InvariantCulture);
        if (!request.QueryValue(names[4])!.EndsWith('Z') || !request.QueryValue(names[5])!.EndsWith('Z'))
        {
            Violate("from/to are not UTC (…Z)");
        }

        var mandate = MandateList.FirstOrDefault(m => m.Status == "Approved" && m.Ean == request.QueryValue(names[1]) && m.Reference == request.QueryValue(names[0]));
        if (mandate is null)
        {
            return FakeResponse.Json("{\"type\": \"validation\", \"code\": \"400\", \"message\": \"Validation failed\", \"validationErrorMessages\": [\"No approved mandate for EAN " + request.QueryValue(names[1]) + "\"]}", 400);
        }

        var slices = new List<Slice>();
        for (var t = from; t < to; t = t.AddMinutes(15))
        {
            var dayEnd = new LocalDayEnd(t).End;
            if (dayEnd + Lag <= now)
            {
                slices.Add(new Slice(t, TimeSpan.FromMinutes(15), Kwh(t), Injection(t), State(t)));
            }
        }

        return FakeResponse.Json(V2 ? V2Quarters(slices, Night) : V3Energy("metering-on-headpoint-and-meter", slices, mandate.Ean, mandate.EnergyType, mandate.EnergyType == "G" ? "m3" : "kWh", night: Night));
    }

    /// <summary>v2 quarter-hours: <c>offtakeValue</c>/<c>injectionValue</c>, or with <paramref name="night"/> the <c>…DayValue</c>/<c>…NightValue</c> registers.</summary>
    private static string V2Quarters(List<Slice> slices, Func<DateTimeOffset, bool>? night) =>
        "{\"data\": {\"fetchTime\": \"2026-01-01T00:00:00Z\", \"gasMeters\": [], \"electricityMeters\": [{\"seqNumber\": 1, \"meterID\": \"0001\", \"dailyEnergy\": [], \"quarterHourlyEnergy\": ["
        + string.Join(',', slices.Select(s =>
        {
            var register = night is null ? string.Empty : night(s.Start) ? "Night" : "Day";
            return string.Create(CultureInfo.InvariantCulture, $"{{\"timestampStart\": \"{Utc(s.Start)}\", \"timestampEnd\": \"{Utc(s.Start + s.Length)}\", \"measurement\": [{{\"unit\": \"kWh\", \"offtake{register}Value\": {s.Offtake}, \"offtake{register}ValidationState\": \"{s.State}\"{(s.Injection is { } i ? $", \"injection{register}Value\": {i}, \"injection{register}ValidationState\": \"{s.State}\"" : string.Empty)}}}]}}");
        }))
        + "]}]}}";

    /// <summary>Every name present with exactly this spelling, and nothing else.</summary>
    private void Expect(ReceivedRequest request, string[] names)
    {
        var sent = request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => Uri.UnescapeDataString(p.Split('=')[0])).ToList();
        if (!sent.Order(StringComparer.Ordinal).SequenceEqual(names.Order(StringComparer.Ordinal)))
        {
            Violate($"{request.Path}: query names [{string.Join(", ", sent)}], expected [{string.Join(", ", names)}]");
        }
    }

    private void Violate(string what)
    {
        lock (Violations)
        {
            Violations.Add(what);
        }
    }

    /// <summary>The end of the Brussels day an instant falls in.</summary>
    private readonly record struct LocalDayEnd(DateTimeOffset At)
    {
        public DateTimeOffset End => new MqttBridge.Domain.LocalDay(MqttBridge.Domain.LocalDay.Of(At, Brussels).Date, Brussels).End;
    }
}
