using System.Globalization;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.TestSupport;
using static MqttBridge.TestSupport.OresundskraftAnswers;

namespace MqttBridge.IntegrationTests.Oresundskraft;

/// <summary>
/// A scriptable Öresundskraft consumption API: answers <c>Consumption/TimeSeries/Customers</c> with every hour of the
/// asked Swedish days [fromDate, toDate) that has "arrived" (a day's hours arrive the next day at <see cref="ArrivesAt"/>),
/// for each of <see cref="Points"/>; or, with <see cref="Monthly"/>, the integration guide's message with one reading per
/// month ended before toDate. <see cref="Override"/> answers instead when set (faults); <see cref="Delay"/> holds the answer.
/// </summary>
internal sealed class FakeOresundskraft : IDisposable
{
    public FakeOresundskraft(Func<DateTimeOffset> now)
    {
        Now = now;
        Server = new FakeApiServer(Answer);
    }

    public FakeApiServer Server { get; }

    public Func<DateTimeOffset> Now { get; }

    public string[] Points { get; set; } = [PointA];

    public TimeOnly ArrivesAt { get; set; } = new(10, 30);

    /// <summary>kWh of an hour by its index in its Swedish day: 0.5 + 0.1 × index (24 h 39.6, 23 h 36.8, 25 h 42.5).</summary>
    public Func<int, decimal> Kwh { get; set; } = Ramp;

    public decimal SubscribedEffect { get; set; }

    public bool Monthly { get; set; }

    public TimeSpan Delay { get; set; }

    public Func<ReceivedRequest, FakeResponse?>? Override { get; set; }

    /// <summary>When each request arrived, by the test's clock.</summary>
    public List<DateTimeOffset> Calls { get; } = [];

    public void Dispose() => Server.Dispose();

    private FakeResponse Answer(ReceivedRequest request)
    {
        var now = Now();
        lock (Calls)
        {
            Calls.Add(now);
        }

        if (Delay > TimeSpan.Zero)
        {
            // The listener answers one request at a time: a slow API, as the known client saw it.
            Task.Delay(Delay, TimeProvider.System).Wait();
        }

        if (Override?.Invoke(request) is { } scripted)
        {
            return scripted;
        }

        if (request.Path != "/Consumption/TimeSeries/Customers")
        {
            return FakeResponse.Plain(404, "Resource not found");
        }

        var from = DateOnly.ParseExact(request.QueryValue("fromDate")!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = DateOnly.ParseExact(request.QueryValue("toDate")!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (Monthly)
        {
            var months = new List<(DateOnly, decimal)>();
            for (var m = new DateOnly(from.Year, from.Month, 1); m.AddMonths(1) <= to; m = m.AddMonths(1))
            {
                var end = m.AddMonths(1).AddDays(-1);
                months.Add((end, 1000m + end.Month));
            }

            return FakeResponse.Json(OresundskraftAnswers.Monthly(Points[0], [.. months]));
        }

        var arrived = new List<OresundskraftHour>();
        for (var d = from; d < to && now >= At(d.AddDays(1).Year, d.AddDays(1).Month, d.AddDays(1).Day, ArrivesAt.Hour, ArrivesAt.Minute); d = d.AddDays(1))
        {
            arrived.AddRange(Day(d, Kwh));
        }

        return FakeResponse.Json(Hourly([.. Points.Select(p => (p, (IEnumerable<OresundskraftHour>)arrived, SubscribedEffect))]));
    }

    private static decimal Ramp(int hourIndex) => 0.5m + (0.1m * hourIndex);
}
