using System.Text.Json;
using Microsoft.Extensions.Logging;
using MqttBridge.Storage;

namespace MqttBridge.Sources;

/// <summary>
/// "Keep until due, then refresh" across restarts, for every source: the last good answer on disk is read back whatever
/// its age (last good data serves until a newer answer replaces it), and the source decides from its fetch time when it
/// is due. An answer on disk is never a reason to go without data, and never a reason to call before it is due.
/// </summary>
internal static partial class CachedAnswers
{
    /// <summary>
    /// The answer cached under <paramref name="key"/> as <paramref name="parse"/> reads it, with when it was fetched. Null
    /// when there is none, when it claims a fetch time after <paramref name="now"/> (a clock set back: the answer cannot
    /// be placed in time), or when <paramref name="parse"/> rejects it (written by another version, or for another meter:
    /// it costs one call, logged once, never a crash).
    /// </summary>
    public static (T Data, DateTimeOffset FetchedAt)? Restore<T>(this ResponseCache cache, string key, DateTimeOffset now, Func<CachedResponse, T> parse, ILogger logger)
    {
        if (cache.Read(key) is not { } cached || cached.FetchedAt > now)
        {
            return null;
        }

        try
        {
            return (parse(cached), cached.FetchedAt);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or SourceException)
        {
            LogIgnored(logger, ex.Message);
            return null;
        }
    }

    /// <summary>When a restored answer is due: its own due time, or now when that has passed (it serves meanwhile).</summary>
    public static DateTimeOffset DueFrom(DateTimeOffset due, DateTimeOffset now) => due > now ? due : now;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring a cached answer in data_dir: {Reason}; the API is asked again")]
    private static partial void LogIgnored(ILogger logger, string reason);
}
