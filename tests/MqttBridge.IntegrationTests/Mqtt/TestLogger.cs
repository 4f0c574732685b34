using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MqttBridge.IntegrationTests.Mqtt;

/// <summary>Keeps every log line (for assertions on what a user reads) and echoes it to the test output.</summary>
internal sealed class TestLogger<T>(ITestOutputHelper? output = null) : ILogger<T>
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{logLevel}: {formatter(state, exception)}" + (exception is null ? "" : $"\n{exception}");
        _lines.Enqueue(line);
        try
        {
            output?.WriteLine($"[{typeof(T).Name}] {line}");
        }
        catch (InvalidOperationException)
        {
            // Background loops may log after the test has finished.
        }
    }
}
