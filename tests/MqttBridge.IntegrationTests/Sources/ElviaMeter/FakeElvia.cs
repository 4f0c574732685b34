using System.Globalization;
using MqttBridge.IntegrationTests.Support;
using static MqttBridge.TestSupport.ElviaResponses;

namespace MqttBridge.IntegrationTests.ElviaMeter;

/// <summary>
/// A scriptable Elvia MeterValue API: answers v1/metervalues with the hours of the asked window that have "arrived"
/// (an hour arrives <see cref="Lag"/> after it ends, as meter data reaches Elvia the next morning), and v2/maxhours
/// with <see cref="MaxHoursJson"/>. <see cref="Override"/> answers instead when set (faults).
/// </summary>
internal sealed class FakeElvia : IDisposable
{
    public FakeElvia(Func<DateTimeOffset> now)
    {
        Now = now;
        Server = new FakeApiServer(Answer);
    }

    public FakeApiServer Server { get; }

    public Func<DateTimeOffset> Now { get; }

    public TimeSpan Lag { get; set; } = TimeSpan.FromHours(7);

    /// <summary>kWh of the hour starting at an instant: <see cref="Ramp"/> by the hour's index in its local day.</summary>
    public Func<DateTimeOffset, decimal> Kwh { get; set; } = t => Ramp((int)(t - LocalStart(t)).TotalHours);

    public Func<DateTimeOffset, bool> Verified { get; set; } = _ => true;

    public Func<DateTimeOffset, string> MaxHoursJson { get; set; } = now => MaxHours(now, Aggregate(0, 2.8m, (now.AddDays(-1), 2.8m, true)));

    public Func<ReceivedRequest, FakeResponse?>? Override { get; set; }

    /// <summary>When each request arrived, by the test's clock, with its path and its <c>startTime</c> (null for none).</summary>
    public List<(DateTimeOffset At, string Path, string? Start)> Calls { get; } = [];

    /// <summary>The v1/metervalues calls for a whole past month (the history), as opposed to the window's.</summary>
    public IEnumerable<(DateTimeOffset At, string Path, string? Start)> LastMonthCalls =>
        Calls.Where(c => c.Path == "/v1/metervalues" && c.Start is { } start && DateTimeOffset.Parse(start, CultureInfo.InvariantCulture) < MonthStart(c.At));

    /// <summary>The v1/metervalues calls for the window (this month, or yesterday on the 1st).</summary>
    public IEnumerable<(DateTimeOffset At, string Path, string? Start)> WindowCalls =>
        Calls.Where(c => c.Path == "/v1/metervalues").Except(LastMonthCalls);

    private static DateTimeOffset MonthStart(DateTimeOffset t)
    {
        var local = TimeZoneInfo.ConvertTime(t, Oslo);
        var first = new DateTime(local.Year, local.Month, 1);
        var yesterday = LocalStart(t).AddDays(-1);
        var start = new DateTimeOffset(first, Oslo.GetUtcOffset(first));
        return start < yesterday ? start : yesterday;
    }

    public void Dispose() => Server.Dispose();

    private static DateTimeOffset LocalStart(DateTimeOffset t)
    {
        var local = TimeZoneInfo.ConvertTime(t, Oslo);
        var midnight = local.Date;
        return new DateTimeOffset(midnight, Oslo.GetUtcOffset(midnight));
    }

    private FakeResponse Answer(ReceivedRequest request)
    {
        var now = Now();
        lock (Calls)
        {
            Calls.Add((now, request.Path, request.QueryValue("startTime")));
        }

        if (Override?.Invoke(request) is { } scripted)
        {
            return scripted;
        }

        if (request.Path.EndsWith("/v1/metervalues", StringComparison.Ordinal))
        {
            var start = DateTimeOffset.Parse(request.QueryValue("startTime")!, CultureInfo.InvariantCulture);
            var end = DateTimeOffset.Parse(request.QueryValue("endTime")!, CultureInfo.InvariantCulture);
            var values = new List<ElviaValue>();
            for (var t = start; t < end && t.AddHours(1) <= now - Lag; t = t.AddHours(1))
            {
                values.Add(new ElviaValue(t, Kwh(t), Verified(t)));
            }

            return FakeResponse.Json(MeterValues(values));
        }

        return request.Path.EndsWith("/v2/maxhours", StringComparison.Ordinal)
            ? FakeResponse.Json(MaxHoursJson(now))
            : FakeResponse.Plain(404, "Resource not found");
    }
}
