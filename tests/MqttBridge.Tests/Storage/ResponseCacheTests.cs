using Microsoft.Extensions.Logging.Abstractions;
using MqttBridge.Storage;

namespace MqttBridge.Tests.Sources;

public sealed class ResponseCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-cache-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_answer_written_is_read_back_after_a_restart()
    {
        var fetched = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.FromHours(1));
        new ResponseCache(_dir, "digin", NullLogger.Instance).Write(new CachedResponse("tariff 707057500000000001", fetched, "{\"x\":1}"));

        var read = new ResponseCache(_dir, "digin", NullLogger.Instance).Read("tariff 707057500000000001");

        Assert.Equal("{\"x\":1}", read?.Body);
        Assert.Equal(fetched, read?.FetchedAt);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(_dir, "cache", "digin")));
        Assert.DoesNotContain("707057500000000001", file, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_file_is_a_miss_not_a_crash()
    {
        var cache = new ResponseCache(_dir, "digin", NullLogger.Instance);
        cache.Write(new CachedResponse("k", DateTimeOffset.UnixEpoch, "{}"));
        File.WriteAllText(Directory.GetFiles(Path.Combine(_dir, "cache", "digin"))[0], "{ not json");

        Assert.Null(cache.Read("k"));
        Assert.Null(cache.Read("never written"));
    }
}
