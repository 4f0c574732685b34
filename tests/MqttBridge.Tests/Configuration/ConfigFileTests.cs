using System.Text;
using MqttBridge.Configuration;

namespace MqttBridge.Tests.Configuration;

/// <summary>What a user meets with the file itself: its encoding, a directory given as --config, an example's placeholders.</summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mqttbridge-configfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string DefaultYaml => File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "mqttbridge.yaml"));

    private string WriteBytes(byte[] bytes)
    {
        var path = Path.Combine(_dir, "mqttbridge.yaml");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string WithName(string name) => DefaultYaml.Replace("name: Home", $"name: {name}", StringComparison.Ordinal);

    private static int LineOf(string yaml, string text) => yaml[..yaml.IndexOf(text, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    [Fact]
    public void A_latin1_file_stops_with_its_name_the_line_and_that_it_must_be_utf8()
    {
        var yaml = WithName("Hjem på Kjøya");
        var path = WriteBytes(Encoding.Latin1.GetBytes(yaml));

        var result = ConfigLoader.Load(path, ConfigTestKit.NoEnvironment);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(LineOf(yaml, "Hjem på Kjøya"), problem.Line);
        Assert.Contains(path, problem.Message, StringComparison.Ordinal);
        Assert.Contains("here 'å' is a single byte, as in Latin-1", problem.Message, StringComparison.Ordinal);

        var other = ConfigLoader.Load(WriteBytes(Encoding.Latin1.GetBytes(WithName("Kjøya"))), ConfigTestKit.NoEnvironment);
        Assert.Contains("here 'ø' is a single byte, as in Latin-1", Assert.Single(other.Problems).Message, StringComparison.Ordinal);
        Assert.Contains("the file must be UTF-8", problem.Message, StringComparison.Ordinal);
        Assert.Equal($"Configuration {path} has 1 problem:\n  - line {problem.Line}: {problem.Message}\n", ConfigReport.Render(path, result.Problems));
    }

    [Fact]
    public void Utf8_with_or_without_a_byte_order_mark_keeps_the_name_as_written()
    {
        var yaml = WithName("Hjem på hytta");

        var withBom = ConfigLoader.Load(WriteBytes([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(yaml)]), ConfigTestKit.NoEnvironment);
        Assert.True(withBom.IsValid, string.Join("\n", withBom.Problems));
        Assert.Equal("Hjem på hytta", withBom.Options!.Sites[0].Name);

        var plain = ConfigLoader.Load(WriteBytes(Encoding.UTF8.GetBytes(yaml)), ConfigTestKit.NoEnvironment);
        Assert.Equal("Hjem på hytta", plain.Options!.Sites[0].Name);
    }

    [Fact]
    public void Utf16_is_named_as_such()
    {
        var path = WriteBytes([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(DefaultYaml)]);

        var problem = Assert.Single(ConfigLoader.Load(path, ConfigTestKit.NoEnvironment).Problems);

        Assert.Equal($"{path} is UTF-16 text; the file must be UTF-8 (save it as UTF-8; a byte order mark is fine)", problem.Message);
    }

    [Fact]
    public void A_directory_as_config_says_to_name_the_file()
    {
        var problem = Assert.Single(ConfigLoader.Load(_dir, ConfigTestKit.NoEnvironment).Problems);

        Assert.Equal($"'{_dir}' is a directory, not a configuration file; name the file itself, e.g. {Path.Combine(_dir, "mqttbridge.yaml")}", problem.Message);
    }

    [Fact]
    public void The_digin_examples_placeholder_key_is_a_warning_with_its_key_path_and_line()
    {
        var file = Path.Combine(RepoPaths.Root, "config", "examples", "norway-digin-elvia.yaml");
        var yaml = File.ReadAllText(file);

        var result = ConfigLoader.Load(file, ConfigTestKit.NoEnvironment);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(
            [$"sites[0].tariff.api_key (line {LineOf(yaml, "api_key: your-gridtariffapi-primary-key")}): still holds the example's placeholder; put your own value here", "sites[1].tariff.api_key (line 21): still holds the example's placeholder; put your own value here"],
            result.Warnings.Select(w => w.ToString()));
        Assert.DoesNotContain(result.Warnings, w => w.ToString().Contains("your-gridtariffapi", StringComparison.Ordinal));
    }

    [Fact]
    public void A_real_key_from_the_environment_clears_the_warning()
    {
        var file = Path.Combine(RepoPaths.Root, "config", "examples", "norway-digin-elvia.yaml");
        var environment = new Dictionary<string, string?> { ["MQTTBRIDGE__SITES__0__TARIFF__API_KEY"] = "0123456789abcdef" };

        var result = ConfigLoader.Load(file, environment);

        Assert.Equal(["sites[1].tariff.api_key"], result.Warnings.Select(w => w.Path));
        Assert.Empty(ConfigLoader.Load(Path.Combine(RepoPaths.Root, "config", "mqttbridge.yaml"), ConfigTestKit.NoEnvironment).Warnings);
    }
}
