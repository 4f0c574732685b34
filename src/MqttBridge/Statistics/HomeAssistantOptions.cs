using System.Text.RegularExpressions;
using MqttBridge.Configuration;

namespace MqttBridge.Statistics;

/// <summary>
/// <c>homeassistant</c>: where the Energy dashboard's statistics are imported. Absent (null options), the feature is off.
/// </summary>
/// <param name="WebSocket">Home Assistant's WebSocket endpoint: <c>&lt;url&gt;/api/websocket</c> (<c>ws</c>/<c>wss</c>), or
/// a URL already ending in <c>/websocket</c> as given (the Supervisor's <c>ws://supervisor/core/websocket</c>).</param>
/// <param name="Token">A long-lived access token of an administrator (or the add-on's <c>SUPERVISOR_TOKEN</c>). Secret: never logged.</param>
internal sealed partial record HomeAssistantOptions(Uri WebSocket, string Token)
{
    public static readonly string[] Keys = ["url", "token"];

    /// <summary>The Supervisor's proxy path (<c>ws://supervisor/core/websocket</c>), which add-on mode fills in.</summary>
    public const string SupervisorSocketPath = "/core/websocket";

    /// <summary>True when the socket is the Supervisor's proxy: the token is then the add-on's own SUPERVISOR_TOKEN.</summary>
    public bool ViaSupervisor => WebSocket.AbsolutePath.EndsWith(SupervisorSocketPath, StringComparison.Ordinal);

    /// <summary>The token masked, so a logged or printed options record never holds it.</summary>
    public override string ToString() => $"HomeAssistantOptions {{ WebSocket = {WebSocket}, Token = *** }}";

    /// <summary>
    /// Reads <c>homeassistant.url</c> and <c>homeassistant.token</c> (both required once the section is there), or null
    /// when the section is absent. Problems are added with their key paths; the token's value never appears in one.
    /// </summary>
    public static HomeAssistantOptions? Read(ConfigSection? section)
    {
        if (section is null)
        {
            return null;
        }

        section.AllowOnly(Keys);
        var url = section.RequiredText("url", "Home Assistant's address as you open it in a browser, e.g. http://homeassistant.local:8123")?.Trim();
        var token = section.RequiredText("token", "a long-lived access token: your Home Assistant profile > Security > Long-lived access tokens")?.Trim();
        string? problem = null;
        var socket = url is null ? null : Parse(url, out problem);
        if (problem is not null)
        {
            section.Report("url", problem);
        }

        if (token is not null && token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            section.Report("token", "starts with 'Bearer ': give the long-lived access token alone, without 'Bearer '");
            token = null;
        }

        return socket is null || token is null ? null : new HomeAssistantOptions(socket, token);
    }

    /// <summary>
    /// The WebSocket endpoint for a base URL as a user types it (<c>http://homeassistant.local:8123</c> →
    /// <c>ws://homeassistant.local:8123/api/websocket</c>); a URL whose path is <c>/api/websocket</c> or
    /// <c>/core/websocket</c> is taken as the endpoint itself. Null when the text is not such a URL (any other path,
    /// user name or password, query, another scheme).
    /// </summary>
    public static Uri? SocketOf(string url) => Parse(url, out _);

    /// <summary><see cref="SocketOf"/>, with the problem for check-config; a user name or password is never repeated in it.</summary>
    private static Uri? Parse(string url, out string? problem)
    {
        const string Example = "e.g. http://homeassistant.local:8123";
        problem = null;
        var parsed = Uri.TryCreate(url, UriKind.Absolute, out var uri);
        if (url.Contains('@', StringComparison.Ordinal) || (parsed && uri!.UserInfo.Length > 0))
        {
            problem = $"carries a user name or password: give Home Assistant's address without them (the token logs in), {Example}";
            return null;
        }

        var scheme = !parsed ? null : uri!.Scheme switch
        {
            "http" or "ws" => "ws",
            "https" or "wss" => "wss",
            _ => null,
        };
        if (scheme is null)
        {
            problem = $"'{url}' is not an absolute http:// or https:// URL: give Home Assistant's address as you open it in a browser, {Example}";
            return null;
        }

        var path = uri!.AbsolutePath.TrimEnd('/');
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || path is not ("" or "/api/websocket" or SupervisorSocketPath))
        {
            var address = $"{(scheme == "wss" ? "https" : "http")}://{uri.Authority}";
            problem = $"'{uri.GetLeftPart(UriPartial.Path)}' is a page of Home Assistant, not its address: give the address alone, without a path, e.g. {address}";
            return null;
        }

        var builder = new UriBuilder(uri) { Scheme = scheme, Path = path.Length == 0 ? "/api/websocket" : path };
        if (uri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }

    /// <summary>
    /// Whether <paramref name="siteId"/> makes valid statistic ids (<c>mqttbridge:&lt;site&gt;_consumption</c>): Home
    /// Assistant refuses an object id with a leading or trailing <c>_</c> or with <c>__</c>.
    /// </summary>
    public static bool ValidStatisticSite(string siteId) => StatisticObjectId().IsMatch(siteId + "_consumption");

    [GeneratedRegex("^(?!_)(?!.*__)[a-z0-9_]+(?<!_)$", RegexOptions.CultureInvariant)]
    private static partial Regex StatisticObjectId();
}
