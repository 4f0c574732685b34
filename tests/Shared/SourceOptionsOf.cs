using MqttBridge.Sources;
using MqttBridge.Sources.Digin;
using MqttBridge.Sources.ElviaMeter;
using MqttBridge.Sources.Oresundskraft;
using MqttBridge.Sources.Static;

namespace MqttBridge.TestSupport;

/// <summary>A site's bound source options as the module's record, for tests that read what the binder made.</summary>
internal static class SourceOptionsOf
{
    public static StaticTariffOptions? Static(this SourceOptions? options) => options as StaticTariffOptions;

    public static DiginTariffOptions? Digin(this SourceOptions? options) => options as DiginTariffOptions;

    public static ElviaMeterOptions? Elvia(this SourceOptions? options) => options as ElviaMeterOptions;

    public static OresundskraftOptions? Oresundskraft(this SourceOptions? options) => options as OresundskraftOptions;
}
