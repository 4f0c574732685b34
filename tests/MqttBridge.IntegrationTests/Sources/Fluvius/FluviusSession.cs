using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.Scheduling;
using MqttBridge.Sources;

namespace MqttBridge.IntegrationTests.Fluvius;

/// <summary>
/// One bridge process on a fake clock: the first site of a YAML config, its sources refreshed as BridgeService does
/// (each when due) and its monthly peaks recorded after each meter refresh. Disposing it is stopping the process.
/// </summary>
internal sealed class FluviusSession : IDisposable
{
    private readonly SourceContext _context;

    public FluviusSession(string yaml, string dataDir, TimeProvider time)
    {
        var result = ConfigLoader.Parse(yaml, "test.yaml", new Dictionary<string, string?>());
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        _context = new SourceContext(dataDir, time, NullLoggerFactory.Instance);
        Site = SiteRuntime.Create(result.Options!.Sites[0], _context);
    }

    public SiteRuntime Site { get; }

    /// <summary>Refreshes every source that is due at <paramref name="now"/> and records the month's peaks.</summary>
    public async Task VisitAsync(DateTimeOffset now)
    {
        foreach (var runner in Site.Sources.Where(r => r.Due <= now))
        {
            await runner.RefreshAsync(Site.Site.Id, now, Site.Zone, NullLogger.Instance, CancellationToken.None);
            if (runner == Site.Meter)
            {
                Site.RecordPeaks(now);
            }
        }
    }

    /// <summary>Visits at each due time, moving the clock from one to the next, until <paramref name="until"/>.</summary>
    public async Task RunUntilAsync(FakeTimeProvider time, DateTimeOffset until)
    {
        for (var guard = 0; guard < 2000; guard++)
        {
            var now = time.GetUtcNow();
            await VisitAsync(now);
            var next = Site.Sources.Min(r => r.Due);
            if (next > until)
            {
                time.SetUtcNow(until);
                return;
            }

            time.SetUtcNow(next > now ? next : now);
        }

        Assert.Fail("a source kept asking to be refreshed at once");
    }

    public void Dispose() => _context.Dispose();
}
