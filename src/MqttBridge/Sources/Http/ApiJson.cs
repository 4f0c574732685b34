using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MqttBridge.Sources.Http;

/// <summary>Reading an API's JSON answer with its source-generated type: one clear fault for what does not parse.</summary>
internal static class ApiJson
{
    /// <summary>
    /// <paramref name="text"/> as <typeparamref name="T"/>. Throws <see cref="SourceException"/> naming <paramref name="api"/>
    /// and <paramref name="endpoint"/> for malformed JSON or a bare <c>null</c> (the caller keeps its last good data).
    /// </summary>
    public static T Parse<T>(string text, JsonTypeInfo<T> type, string api, string endpoint)
    {
        try
        {
            return JsonSerializer.Deserialize(text, type)
                ?? throw new SourceException($"{api} sent 'null' for {endpoint}; keeping the last good data");
        }
        catch (JsonException ex)
        {
            throw new SourceException($"{api} sent malformed JSON for {endpoint} ({ex.Message}); keeping the last good data", null, ex);
        }
    }
}
