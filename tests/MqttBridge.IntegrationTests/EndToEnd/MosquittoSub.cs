using System.Diagnostics;
using System.Text;

namespace MqttBridge.IntegrationTests.EndToEnd;

/// <summary>Reads retained messages the way a user does: <c>mosquitto_sub</c> with its default (empty) client id, MQTT 3.1.1.</summary>
internal static class MosquittoSub
{
    public static async Task<Dictionary<string, string>> ReadRetainedAsync(int port, int waitSeconds = 2, params string[] filters)
    {
        var info = new ProcessStartInfo("mosquitto_sub")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "mqttv311", "-W", waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-F", "%t\t%x"])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var filter in filters.Length == 0 ? ["#"] : filters)
        {
            info.ArgumentList.Add("-t");
            info.ArgumentList.Add(filter);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto_sub did not start (apt-get install mosquitto-clients)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var messages = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                messages[line[..tab]] = Encoding.UTF8.GetString(Convert.FromHexString(line[(tab + 1)..]));
            }
        }

        var error = await stderr;
        // -W ends every read with "Timed out"; anything else (connection refused, …) is a real error.
        if (messages.Count == 0 && error.Trim().Length > 0 && error.Trim() != "Timed out")
        {
            throw new InvalidOperationException($"mosquitto_sub on port {port}: {error}");
        }

        return messages;
    }

    /// <summary>Polls until <paramref name="condition"/> holds on the retained messages (generous deadline; not a timing assertion).</summary>
    public static async Task<Dictionary<string, string>> WaitUntilAsync(int port, Func<Dictionary<string, string>, bool> condition, TimeSpan timeout, params string[] filters)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        Dictionary<string, string> last = [];
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            try
            {
                last = await ReadRetainedAsync(port, 1, filters);
                if (condition(last))
                {
                    return last;
                }
            }
            catch (InvalidOperationException)
            {
                // Broker not up yet.
                await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
            }
        }

        return last;
    }

    public static async Task PublishAsync(int port, string topic, string payload, bool retain)
    {
        var info = new ProcessStartInfo("mosquitto_pub") { UseShellExecute = false };
        foreach (var arg in (string[])["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", topic])
        {
            info.ArgumentList.Add(arg);
        }

        if (payload.Length == 0)
        {
            info.ArgumentList.Add("-n");
        }
        else
        {
            info.ArgumentList.Add("-m");
            info.ArgumentList.Add(payload);
        }

        if (retain)
        {
            info.ArgumentList.Add("-r");
        }

        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
    }
}
