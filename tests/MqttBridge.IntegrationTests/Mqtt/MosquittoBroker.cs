using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MqttBridge.IntegrationTests.Mqtt;

/// <summary>
/// A real mosquitto on 127.0.0.1 and a free port, anonymous, without persistence (so a restart loses every
/// retained message). It can be stopped and started again on the same port; Dispose kills it.
/// </summary>
internal sealed class MosquittoBroker : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly string _directory;
    private readonly string _configFile;
    private Process? _process;

    private MosquittoBroker(int port, Func<string, string>? extraConfig)
    {
        Port = port;
        _directory = System.IO.Directory.CreateTempSubdirectory("mqttbridge-mosquitto-").FullName;
        _configFile = Path.Combine(_directory, "mosquitto.conf");
        if (!OperatingSystem.IsWindows())
        {
            // Started as root, mosquitto drops to its own user before loading certificates: let it read them.
            File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        File.WriteAllText(_configFile, $"""
            per_listener_settings false
            allow_anonymous true
            persistence false
            log_dest stdout
            listener {port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1

            """ + extraConfig?.Invoke(_directory));
    }

    /// <summary>The broker's own temporary directory (config, certificates); deleted on dispose.</summary>
    public string Directory => _directory;

    public const string Host = "127.0.0.1";

    public int Port { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <param name="extraConfig">More mosquitto.conf lines (e.g. a TLS listener), given the broker's directory.</param>
    public static async Task<MosquittoBroker> StartAsync(Func<string, string>? extraConfig = null)
    {
        var broker = new MosquittoBroker(TestPorts.GetFree(), extraConfig);
        try
        {
            await broker.StartAgainAsync();
            return broker;
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    /// <summary>Starts mosquitto on <see cref="Port"/> and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("mosquitto is already running");
        }

        var start = new ProcessStartInfo(FindExecutable("mosquitto"), ["-c", _configFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start");
        _process = process;

        // Drain its output so it never blocks on a full pipe; keep it for a failed start's message.
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < StartTimeout)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException(
                    $"mosquitto exited with code {process.ExitCode} while starting on port {Port}:\n{string.Join('\n', log)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            }
        }

        throw new TimeoutException($"mosquitto did not accept connections on port {Port} within {StartTimeout.TotalSeconds} s");
    }

    /// <summary>Kills mosquitto (no goodbye to clients, like a crashed or restarted broker).</summary>
    public void Stop()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Freezes mosquitto (SIGSTOP): connections stay open, nothing is answered. Dispose still kills it.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("mosquitto is not running");
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5000);
    }

    public void Dispose()
    {
        Stop();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>The mosquitto binaries live in /usr/sbin and /usr/bin on Debian; /usr/sbin is not always on PATH.</summary>
    public static string FindExecutable(string name)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]);
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' is not installed; these tests need mosquitto and mosquitto-clients (apt-get install mosquitto mosquitto-clients, or run ./test.sh)");
    }
}

internal static class TestPorts
{
    /// <summary>A port free right now: the OS picks one for a listener that is closed again at once.</summary>
    public static int GetFree()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
