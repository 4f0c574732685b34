using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using MqttBridge.Domain;

namespace MqttBridge.Statistics;

/// <summary>
/// What the bridge has imported into one Home Assistant, and the grid prices it has seen, kept in
/// <c>data_dir/homeassistant_statistics.json</c>: a restart re-imports nothing and prices a late hour with the price it
/// had. Written atomically. A missing or damaged file, or one written for another Home Assistant (another socket URL),
/// means "nothing known": the ledgers are then read back from Home Assistant.
/// </summary>
internal sealed partial class StatisticsRecord(string dataDir, Uri socket, ILogger logger)
{
    public const string FileName = "homeassistant_statistics.json";

    private readonly string _path = Path.Combine(dataDir, FileName);

    /// <summary>Statistic id → ledger, and site id → the prices seen, as last saved (empty when unknown).</summary>
    public (Dictionary<string, StatisticLedger> Ledgers, Dictionary<string, PriceCurve> Prices) Load()
    {
        try
        {
            if (!File.Exists(_path))
            {
                return ([], []);
            }

            var file = JsonSerializer.Deserialize(File.ReadAllText(_path), StatisticsRecordJsonContext.Default.RecordFile);
            if (file is null || file.Socket != socket.ToString())
            {
                return ([], []);
            }

            var ledgers = file.Statistics.ToDictionary(
                s => s.Key,
                s => new StatisticLedger(s.Value.Base, s.Value.Rows.Select(r => new StatisticRow(r.Start, r.State, r.Sum)), s.Value.ClosedBefore),
                StringComparer.Ordinal);
            var prices = file.Prices.ToDictionary(
                p => p.Key,
                p => new PriceCurve(p.Value.Currency, p.Value.Slots.Select(s => new PriceSlot(s.Start, s.End, s.Price))),
                StringComparer.Ordinal);
            return (ledgers, prices);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogUnreadable(_path, ex.Message);
            return ([], []);
        }
    }

    public void Save(IReadOnlyDictionary<string, StatisticLedger> ledgers, IReadOnlyDictionary<string, PriceCurve> prices)
    {
        var file = new RecordFile(
            socket.ToString(),
            ledgers.ToDictionary(l => l.Key, l => new LedgerFile(l.Value.Base, l.Value.ClosedBefore, [.. l.Value.Rows.Select(r => new RowFile(r.Start, r.State, r.Sum))]), StringComparer.Ordinal),
            prices.ToDictionary(p => p.Key, p => new PricesFile(p.Value.Currency, [.. p.Value.Slots.Select(s => new SlotFile(s.Start, s.End, s.Price))]), StringComparer.Ordinal));
        if (Storage.AtomicFile.TryWrite(_path, JsonSerializer.Serialize(file, StatisticsRecordJsonContext.Default.RecordFile)) is { } fault)
        {
            LogUnwritable(_path, fault);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring unreadable {Path} ({Reason}): what Home Assistant holds is read back from it")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write {Path} ({Reason}); after a restart the statistics are read back from Home Assistant")]
    private partial void LogUnwritable(string path, string reason);
}

internal sealed record RecordFile(string Socket, Dictionary<string, LedgerFile> Statistics, Dictionary<string, PricesFile> Prices);

internal sealed record LedgerFile(decimal Base, DateTimeOffset? ClosedBefore, List<RowFile> Rows);

internal sealed record RowFile(DateTimeOffset Start, decimal State, decimal Sum);

internal sealed record PricesFile(string Currency, List<SlotFile> Slots);

internal sealed record SlotFile(DateTimeOffset Start, DateTimeOffset End, decimal Price);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RecordFile))]
internal sealed partial class StatisticsRecordJsonContext : JsonSerializerContext;
