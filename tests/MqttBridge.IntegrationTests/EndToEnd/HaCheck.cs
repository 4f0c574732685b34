using System.Diagnostics;
using System.Globalization;

namespace MqttBridge.IntegrationTests.EndToEnd;

/// <summary>
/// Runs the shared hacheck tool (Home Assistant's own discovery rules) against a broker, when the checkout has
/// ../shared/tools beside it (CI does); the unit tests check the same classes and units without it.
/// </summary>
internal static class HaCheck
{
    public static async Task AssertAcceptsAsync(int port, string require)
    {
        var tool = Path.Combine(RepoPaths.Root, "..", "shared", "tools", "hacheck.py");
        if (!File.Exists(tool))
        {
            return;
        }

        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[tool, "--port", port.ToString(CultureInfo.InvariantCulture), "--require", require])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "hacheck.py: " + output + await process.StandardError.ReadToEndAsync());
    }
}
