using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace MqttBridge.IntegrationTests.EndToEnd;

/// <summary>The real bridge as a user runs it: its own process, a config file, environment overrides, signals.</summary>
internal sealed partial class BridgeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dir;

    private BridgeProcess(Process process, string dir)
    {
        _process = process;
        _dir = dir;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>mqttbridge</c> with <paramref name="args"/>; a config text is written to a temp file and passed as --config.</summary>
    public static BridgeProcess Start(string? configYaml, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("mqttbridge-e2e-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mqttbridge.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (configYaml is not null)
        {
            var path = Path.Combine(dir, "mqttbridge.yaml");
            File.WriteAllText(path, configYaml);
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(path);
        }

        // The test machine's own overrides must not leak in; data goes to the temp folder.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MQTTBRIDGE", StringComparison.OrdinalIgnoreCase) || k == "SUPERVISOR_TOKEN").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["MQTTBRIDGE__DATA_DIR"] = Path.Combine(dir, "data");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var bridge = new BridgeProcess(process, dir);
        process.OutputDataReceived += (_, e) => bridge.Append(e.Data);
        process.ErrorDataReceived += (_, e) => bridge.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bridge;
    }

    /// <summary>Runs a command to completion (e.g. check-config) and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string? configYaml, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        using var bridge = Start(configYaml, environment, args);
        var code = await bridge.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code ?? -1, bridge.Output);
    }

    public void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, signal);
        }
    }

    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>The exit code, or null if the process is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit(); // drains the output readers
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (TimeProvider.System.GetUtcNow() > deadline || _process.HasExited)
            {
                throw new TimeoutException($"'{text}' not seen in the bridge's output:\n{Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temp folder is cleaned by the OS.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
