using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MqttBridge.Storage;

/// <summary>
/// A site's monthly peaks (capacity basis, kW, per local month) in <c>data_dir/capacity/&lt;site&gt;.json</c>, kept so a
/// tariff billed on the last 12 months (Flanders) has them after restarts and after the meter's answers have moved on.
/// Fed by any meter that gives a month max. Written atomically when a month's value changes; a damaged file means
/// "nothing known", never a failure.
/// </summary>
internal sealed partial class MonthlyPeakStore
{
    /// <summary>Months kept: two years is ample for a 12-month rule.</summary>
    public const int KeptMonths = 24;

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Dictionary<(int Year, int Month), decimal> _peaks = [];

    public MonthlyPeakStore(string dataDir, string siteId, ILogger logger)
    {
        _path = Path.Combine(dataDir, "capacity", siteId + ".json");
        _logger = logger;
        try
        {
            if (File.Exists(_path) && JsonSerializer.Deserialize(File.ReadAllText(_path), StorageJsonContext.Default.DictionaryStringDecimal) is { } stored)
            {
                foreach (var (key, kw) in stored)
                {
                    if (DateOnly.TryParseExact(key + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
                    {
                        _peaks[(month.Year, month.Month)] = kw;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogUnreadable(_path, ex.Message);
        }
    }

    /// <summary>Every kept month's peak, kW (a copy: the meter's task records while the publisher reads).</summary>
    public IReadOnlyDictionary<(int Year, int Month), decimal> Peaks
    {
        get
        {
            lock (_peaks)
            {
                return new Dictionary<(int Year, int Month), decimal>(_peaks);
            }
        }
    }

    /// <summary>Keeps <paramref name="kw"/> as the peak of local month <paramref name="year"/>-<paramref name="month"/>; writes the file when it changed.</summary>
    public void Record(int year, int month, decimal kw)
    {
        lock (_peaks)
        {
            RecordLocked(year, month, kw);
        }
    }

    private void RecordLocked(int year, int month, decimal kw)
    {
        if (_peaks.TryGetValue((year, month), out var known) && known == kw)
        {
            return;
        }

        _peaks[(year, month)] = kw;
        foreach (var old in _peaks.Keys.OrderByDescending(k => (k.Year * 12) + k.Month).Skip(KeptMonths).ToList())
        {
            _peaks.Remove(old);
        }

        var text = _peaks.OrderBy(p => (p.Key.Year * 12) + p.Key.Month)
            .ToDictionary(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key.Year:D4}-{p.Key.Month:D2}"), p => p.Value);
        if (AtomicFile.TryWrite(_path, JsonSerializer.Serialize(text, StorageJsonContext.Default.DictionaryStringDecimal)) is { } fault)
        {
            LogUnwritable(_path, fault);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring unreadable {Path} ({Reason}): the 12-month capacity average starts from the months the meter gives now")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write {Path} ({Reason}); data_dir must be writable to keep monthly peaks for the 12-month capacity average")]
    private partial void LogUnwritable(string path, string reason);
}
