using System.Text.Json;

namespace MqttBridge.Tests.Support;

/// <summary>Golden files under tests/MqttBridge.Tests/Golden. UPDATE_GOLDEN=1 rewrites them from the actual output (review the diff!).</summary>
internal static class Golden
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Read(string name, string actual)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var pretty = JsonSerializer.Serialize(JsonDocument.Parse(actual).RootElement, Indented);
            File.WriteAllText(RepoPaths.File(Path.Combine("tests", "MqttBridge.Tests", "Golden", name)), pretty + "\n");
            return actual;
        }

        return File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));
    }
}
