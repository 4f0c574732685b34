using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace MqttBridge.Hosting;

/// <summary>
/// The bridge's log format: one plain line per entry, as the add-on log tab, journald and <c>docker logs</c> show it:
/// <c>2026-05-01 12:00:00 +02:00 info: MqttConnection: Connected to MQTT broker …</c>. Local time with its offset
/// (payloads carry offsets too), the short category, no event id, no colours. An unexpected exception follows on
/// the next lines; expected faults are logged without one.
/// </summary>
internal static class PlainLog
{
    /// <summary>Replaces every provider with the plain one: information and up, Microsoft's own at warning and up.</summary>
    public static ILoggingBuilder UsePlainLog(this ILoggingBuilder logging, TextWriter writer, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider>(new PlainLogProvider(writer, time)));
        return logging.SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning);
    }

    /// <summary>One line: timestamp with offset, level, short category, message.</summary>
    internal static string Format(DateTimeOffset localTime, LogLevel level, string category, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"{localTime:yyyy-MM-dd HH:mm:ss zzz} {Level(level)}: {ShortCategory(category)}: {message}");

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    /// <summary><c>MqttBridge.Mqtt.MqttConnection</c> → <c>MqttConnection</c>; <c>MqttBridge</c> stays.</summary>
    private static string ShortCategory(string category)
    {
        var dot = category.LastIndexOf('.');
        return dot < 0 ? category : category[(dot + 1)..];
    }

    private sealed class PlainLogProvider(TextWriter writer, TimeProvider time) : ILoggerProvider
    {
        private readonly Lock _gate = new();

        public ILogger CreateLogger(string categoryName) => new PlainLogger(this, categoryName);

        public void Dispose() => writer.Flush();

        internal void Write(LogLevel level, string category, string message, Exception? exception)
        {
            var line = Format(time.GetLocalNow(), level, category, message);
            lock (_gate)
            {
                writer.WriteLine(line);
                if (exception is not null)
                {
                    writer.WriteLine(exception.ToString());
                }

                writer.Flush();
            }
        }
    }

    private sealed class PlainLogger(PlainLogProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
