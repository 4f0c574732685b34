using System.Globalization;
using System.Text.Json;
using MqttBridge.IntegrationTests.Support;
using static MqttBridge.TestSupport.EloverblikResponses;

namespace MqttBridge.IntegrationTests.Eloverblik;

/// <summary>
/// A fake Eloverblik customer API on 127.0.0.1 that enforces what Energinet publishes, by the test's clock: at most
/// 1 token call and 25 calls a minute (429 past them), at most 10 metering points a request, <c>dateTo</c> after
/// <c>dateFrom</c> and never after today, at most 730 days, data calls only with a data access token it issued and
/// that has not expired. Every rule the bridge breaks is recorded in <see cref="Violations"/>. Serves time series of
/// the days before <see cref="LastDay"/> + 1 from <see cref="Kwh"/>, the charges of <see cref="ChargesJson"/>, and the
/// metering points of <see cref="Points"/>.
/// </summary>
internal sealed class FakeEloverblik : IDisposable
{
    private readonly List<DateTimeOffset> _allCalls = [];
    private readonly List<DateTimeOffset> _tokenCalls = [];
    private readonly Dictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);

    public FakeEloverblik(Func<DateTimeOffset> now, string refreshToken)
    {
        Now = now;
        RefreshToken = refreshToken;
        Server = new FakeApiServer(Answer);
    }

    public FakeApiServer Server { get; }

    /// <summary>The API root as configured (<c>base_url</c>), with Energinet's path.</summary>
    public string BaseUrl => Server.BaseUrl + "CustomerApi/";

    public Func<DateTimeOffset> Now { get; }

    public string RefreshToken { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The login's metering points: id, typeOfMP, resolution.</summary>
    public List<(string Id, string Type, string Resolution)> Points { get; } = [(MeteringPointId, "E17", "PT1H")];

    /// <summary>kWh of the interval starting at an instant, per metering point: 0.5 + 0.1 × the hour's index in its local day.</summary>
    public Func<string, DateTimeOffset, decimal> Kwh { get; set; } = (_, t) => 0.5m + (0.1m * HourIndex(t));

    /// <summary>The quality of an interval; A04 (measured) unless a test says otherwise.</summary>
    public Func<string, DateTimeOffset, string> Quality { get; set; } = (_, _) => "A04";

    /// <summary>The last local day with data: yesterday by the clock, unless a test holds it back.</summary>
    public Func<DateOnly>? LastDay { get; set; }

    public int Minutes { get; set; } = 60;

    public Func<string, string> ChargesJson { get; set; } = id => RadiusCharges(id);

    /// <summary>Answers instead of the rules when it returns non-null (503, odd bodies).</summary>
    public Func<ReceivedRequest, FakeResponse?>? Override { get; set; }

    /// <summary>Every request with its arrival time on the test's clock.</summary>
    public List<(DateTimeOffset At, ReceivedRequest Request)> Calls { get; } = [];

    /// <summary>Every published rule a request broke (each answered 429 or 4xx as Energinet would).</summary>
    public List<string> Violations { get; } = [];

    public int TokenCalls => Calls.Count(c => IsToken(c.Request));

    public int DataCalls => Calls.Count(c => !IsToken(c.Request));

    public void Dispose() => Server.Dispose();

    public static int HourIndex(DateTimeOffset t)
    {
        var local = TimeZoneInfo.ConvertTime(t, Copenhagen);
        var start = At(local.Year, local.Month, local.Day);
        return (int)(t - start).TotalHours;
    }

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Copenhagen).DateTime);

    private static bool IsToken(ReceivedRequest r) => r.Path.EndsWith("/api/token", StringComparison.OrdinalIgnoreCase);

    private FakeResponse Answer(ReceivedRequest request)
    {
        var now = Now();
        lock (Calls)
        {
            Calls.Add((now, request));
            var response = Rules(request, now);
            var headers = new Dictionary<string, string> { ["X-Correlation-ID"] = $"fake-{Calls.Count}" };
            if (request.Header("X-User-Correlation-ID") is { } mine)
            {
                headers["X-User-Correlation-ID"] = mine;
            }

            foreach (var (k, v) in response.Headers)
            {
                headers[k] = v;
            }

            return response with { Headers = headers };
        }
    }

    private FakeResponse Rules(ReceivedRequest request, DateTimeOffset now)
    {
        _allCalls.Add(now);
        if (_allCalls.Count(t => t > now.AddMinutes(-1)) > 25)
        {
            Violations.Add($"more than 25 calls in the minute before {now:O}");
            return FakeResponse.Json("\"Too many requests\"", 429);
        }

        if (IsToken(request))
        {
            _tokenCalls.Add(now);
            if (_tokenCalls.Count(t => t > now.AddMinutes(-1)) > 1)
            {
                Violations.Add($"more than 1 token call in the minute before {now:O}");
                return FakeResponse.Json("\"Too many requests\"", 429);
            }
        }

        if (Override?.Invoke(request) is { } scripted)
        {
            return scripted;
        }

        var bearer = request.Header("Authorization")?.Replace("Bearer ", string.Empty, StringComparison.Ordinal);
        if (IsToken(request))
        {
            if (bearer != RefreshToken)
            {
                return FakeResponse.Json("\"[50001] TokenNotValid\"", 401);
            }

            var token = Jwt(now + AccessTokenLifetime, $"access-{_issued.Count}");
            _issued[token] = now + AccessTokenLifetime;
            return FakeResponse.Json($"{{\"result\":\"{token}\"}}");
        }

        if (bearer is null || !_issued.TryGetValue(bearer, out var expires) || expires <= now)
        {
            return FakeResponse.Json("""{"type":"https://tools.ietf.org/html/rfc7235#section-3.1","title":"Unauthorized","status":401,"traceId":"00-abc"}""", 401);
        }

        var path = request.Path.ToLowerInvariant();
        if (path.EndsWith("/api/meteringpoints/meteringpoints", StringComparison.Ordinal))
        {
            return FakeResponse.Json(MeteringPoints([.. Points]));
        }

        var ids = Ids(request.Body);
        if (ids.Count > 10)
        {
            Violations.Add($"{ids.Count} metering points in one request");
            return FakeResponse.Json("\"[10002] ToManyRequestItems\"", 412);
        }

        if (path.EndsWith("/getdetails", StringComparison.Ordinal))
        {
            return FakeResponse.Json(Envelope([.. ids.Select(id =>
                $"{{\"result\":{{\"meteringPointId\":\"{id}\",\"typeOfMP\":\"{Points.First(p => p.Id == id).Type}\",\"gridOperatorName\":\"Radius Elnet A/S\",\"meterReadingOccurrence\":\"{Points.First(p => p.Id == id).Resolution}\",\"firstConsumerPartyName\":\"John Doe\",\"contactAddresses\":[{{\"contactName1\":\"John Doe\",\"contactEmailAddress\":\"john@doe.com\",\"contactPhoneNumber\":\"+4555555555\"}}]}},\"success\":true,\"errorCode\":10000,\"errorText\":\"NoError\",\"id\":\"{id}\"}}")]));
        }

        if (path.EndsWith("/getcharges", StringComparison.Ordinal))
        {
            return FakeResponse.Json(ChargesJson(ids.Single()));
        }

        if (path.Contains("/api/meterdata/gettimeseries/", StringComparison.Ordinal))
        {
            var parts = path[(path.IndexOf("/gettimeseries/", StringComparison.Ordinal) + "/gettimeseries/".Length)..].Split('/');
            var from = DateOnly.ParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = DateOnly.ParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var today = Today(now);
            string? broken = to == from ? "[30002] ToDateCanNotBeEqualToFromDate"
                : from > to ? "[30001] FromDateIsGreaterThanToDate"
                : to > today ? "[30003] ToDateIsGreaterThanToday"
                : to.DayNumber - from.DayNumber > 730 ? "[30012] RequestToHuge"
                : null;
            if (broken is not null)
            {
                Violations.Add($"{broken} for {parts[0]}/{parts[1]} on {today:yyyy-MM-dd}");
                return FakeResponse.Json($"\"{broken}\"", 400);
            }

            var last = (LastDay ?? (() => today.AddDays(-1)))();
            return FakeResponse.Json(Envelope([.. ids.Select(id => TimeSeries(id, from, to, last))]));
        }

        return FakeResponse.Json("""{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404}""", 404);
    }

    private string TimeSeries(string id, DateOnly from, DateOnly to, DateOnly last)
    {
        var point = Points.FirstOrDefault(p => p.Id == id);
        if (point.Id is null)
        {
            return Failed(id, 20010, "RelationNotFound");
        }

        var days = new List<string>();
        for (var date = from; date < to && date <= last; date = date.AddDays(1))
        {
            days.Add(Day(date, t => Kwh(id, t), Minutes, t => Quality(id, t)));
        }

        return days.Count == 0
            ? Failed(id, 30007, "NoMeteringPointDataAvailable")
            : Document(id, Series(id, point.Type == "E18" ? "A01" : "A04", [.. days]));
    }

    private static List<string> Ids(string body)
    {
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("meteringPoints").GetProperty("meteringPoint").EnumerateArray().Select(e => e.GetString()!)];
    }
}
