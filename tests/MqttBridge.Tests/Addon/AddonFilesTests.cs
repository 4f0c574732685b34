using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MqttBridge.Addon;
using MqttBridge.Domain;
using MqttBridge.Sources;
using MqttBridge.Sources.Static;
using YamlDotNet.RepresentationModel;

namespace MqttBridge.Tests.Addon;

/// <summary>The add-on and container files as Home Assistant's linter, the Supervisor and docker build read them.</summary>
public sealed partial class AddonFilesTests
{
    private static readonly YamlMappingNode Config = AddonTestKit.AddonConfig();

    private static string Scalar(YamlNode map, string key) => ((YamlScalarNode)((YamlMappingNode)map).Children[new YamlScalarNode(key)]).Value!;

    private static YamlMappingNode Map(YamlNode map, string key) => (YamlMappingNode)((YamlMappingNode)map).Children[new YamlScalarNode(key)];

    private static IEnumerable<string> Keys(YamlMappingNode map) => map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    private static (int ExitCode, string Output) Lint(string? addonDir = null)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RepoPaths.File("eng/lint-addon.py"));
        if (addonDir is not null)
        {
            info.ArgumentList.Add(addonDir);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [Fact]
    public void Add_on_passes_the_linters_schema_and_rules()
    {
        var (code, output) = Lint();
        Assert.True(code == 0, output);
        Assert.Contains("0 problem(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_linter_check_catches_defaults_deprecated_archs_and_missing_translations()
    {
        var dir = Directory.CreateTempSubdirectory("mqttbridge-addon-lint-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(RepoPaths.File("addon")))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            Directory.CreateDirectory(Path.Combine(dir, "translations"));
            File.WriteAllText(Path.Combine(dir, "translations", "en.yaml"), "configuration: {}\n");
            File.WriteAllText(Path.Combine(dir, "config.yaml"), File.ReadAllText(RepoPaths.File("addon/config.yaml"))
                .Replace("  - amd64\n", "  - amd64\n  - armv7\nboot: auto\nwatchdog: tcp://[HOST]:[PORT:1883]\n", StringComparison.Ordinal));

            var (code, output) = Lint(dir);
            Assert.Equal(1, code);
            Assert.Contains("'boot' should be removed, it uses a default value", output, StringComparison.Ordinal);
            Assert.Contains("arch 'armv7' is deprecated", output, StringComparison.Ordinal);
            Assert.Contains("'watchdog' is obsolete", output, StringComparison.Ordinal);
            Assert.Contains("configuration.sites needs a name and a description", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Manifest_names_the_bridge_version_its_mqtt_service_and_an_unmapped_broker_port()
    {
        var version = XDocument.Load(RepoPaths.File("Directory.Build.props")).Descendants("Version").Single().Value;
        Assert.Equal(version, Scalar(Config, "version"));
        Assert.Equal("mqttbridge", Scalar(Config, "slug"));
        Assert.Equal(["aarch64", "amd64"], ((YamlSequenceNode)Config.Children[new YamlScalarNode("arch")]).Children.Select(n => ((YamlScalarNode)n).Value));
        Assert.Equal(["mqtt:want"], ((YamlSequenceNode)Config.Children[new YamlScalarNode("services")]).Children.Select(n => ((YamlScalarNode)n).Value));

        // Nothing exposed on the host unless the user maps it: the host port is null.
        var port = Assert.Single(Map(Config, "ports").Children);
        Assert.Equal("1883/tcp", ((YamlScalarNode)port.Key).Value);
        Assert.Equal("null", ((YamlScalarNode)port.Value).Value);

        // The add-on image builds the release tag of the same version.
        Assert.Contains($"\nARG BUILD_VERSION={version}\n", File.ReadAllText(RepoPaths.File("addon/Dockerfile")), StringComparison.Ordinal);

        // The discovery payload needs default_entity_id: the Supervisor refuses a Home Assistant too old for it.
        Assert.Equal("2025.10.0", Scalar(Config, "homeassistant"));
    }

    [Fact]
    public void Schema_options_are_exactly_what_the_bridge_maps()
    {
        var schema = Map(Config, "schema");
        Assert.Equal(AddonOptions.RootKeys.Order(), Keys(schema).Order());
        Assert.Equal(AddonOptions.MqttKeys.Order(), Keys(Map(schema, "mqtt")).Order());
        Assert.Equal(AddonOptions.BrokerKeys.Order(), Keys(Map(schema, "embedded_broker")).Order());
        var site = (YamlMappingNode)((YamlSequenceNode)schema.Children[new YamlScalarNode("sites")]).Children.Single();
        Assert.Equal(AddonOptions.AllSiteKeys.Order(), Keys(site).Order());

        // The choices offered in the form are exactly the catalog's modules: only what works in this version.
        Assert.Equal($"list({string.Join('|', TariffPresets.Names)})?", Scalar(site, "preset"));
        Assert.Equal($"list({string.Join('|', Catalog.TypesOf(SourceRole.Tariff))})?", Scalar(site, "tariff_type"));
        Assert.Equal($"list({string.Join('|', Catalog.TypesOf(SourceRole.Meter))})?", Scalar(site, "meter_type"));

        // Secrets are password fields: hidden in the form and in backups' UI. Which options are secrets, the modules say.
        var secretOptions = Catalog.Modules.SelectMany(m => m.Addon.Options.Where(o => m.SecretKeys.Contains(o.Value)).Select(o => o.Key)).Distinct().ToList();
        Assert.Equal(["api_key", "subscription_key", "token"], secretOptions.Order());
        foreach (var key in secretOptions)
        {
            Assert.Equal("password?", Scalar(site, key));
        }

        Assert.Equal("password?", Scalar(Map(schema, "mqtt"), "password"));
        Assert.Equal("password?", Scalar(Map(schema, "embedded_broker"), "password"));
    }

    [Fact]
    public void Icon_and_logo_are_pngs_of_the_store_sizes()
    {
        Assert.Equal((128, 128), PngSize("addon/icon.png"));
        var (width, height) = PngSize("addon/logo.png");
        Assert.InRange(width, 200, 300);
        Assert.InRange(height, 80, 120);
    }

    [Fact]
    public void Dockerfile_copies_files_that_exist_and_publishes_the_bridge()
    {
        var dockerfile = File.ReadAllText(RepoPaths.File("Dockerfile"));
        Assert.DoesNotContain("BUILD_FROM", dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("BUILD_FROM", File.ReadAllText(RepoPaths.File("addon/Dockerfile")), StringComparison.Ordinal);
        Assert.Equal(2, FromLine().Count(dockerfile));

        foreach (Match copy in CopyLine().Matches(dockerfile))
        {
            var sources = copy.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1];
            foreach (var source in sources.Where(s => !s.StartsWith("--", StringComparison.Ordinal)))
            {
                Assert.True(File.Exists(RepoPaths.File(source)) || Directory.Exists(RepoPaths.File(source)), $"COPY {source}: not in the repository");
            }
        }

        // The publish command (run here by hand: see README "Container") names the project and a NativeAOT build
        // whose binary is the one the image starts and health-checks.
        var publish = Assert.Single(PublishLine().Matches(dockerfile)).Groups["project"].Value;
        Assert.True(File.Exists(RepoPaths.File(publish)), publish);
        var assembly = XDocument.Load(RepoPaths.File(publish)).Descendants("AssemblyName").Single().Value;
        Assert.Contains($"ENTRYPOINT [\"/app/{assembly}\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"CMD [\"/app/{assembly}\", \"health\"", dockerfile, StringComparison.Ordinal);
        Assert.Contains("-p:PublishAot=true", dockerfile, StringComparison.Ordinal);

        Assert.Matches(@"\nUSER \$APP_UID\n", dockerfile);
        Assert.Contains("VOLUME [\"/config\", \"/data\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("CMD [\"--config\", \"/config/mqttbridge.yaml\"]", dockerfile, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Dockerfile")]
    [InlineData("addon/Dockerfile")]
    public void Dockerfile_syntax_stages_and_build_arguments_hold_together(string relative)
    {
        var problems = DockerfileCheck.Problems(File.ReadAllText(RepoPaths.File(relative)), Path.GetDirectoryName(RepoPaths.File(relative))!);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Dockerfile_check_finds_what_docker_build_would_refuse()
    {
        var problems = DockerfileCheck.Problems(
            "FROM x AS build\nRUN echo ${UNDECLARED}\nCOPY --from=builder /a /b\nCOPY missing.txt /x\nRUNN echo\nCMD [\"a\", ]\n",
            RepoPaths.File("addon"));

        Assert.Equal(
            [
                "line 2: ${UNDECLARED} is not an ARG of this stage",
                "line 3: COPY --from=builder names no earlier stage",
                "line 4: COPY missing.txt: not in the build context",
                "line 5: RUNN is not a Dockerfile instruction",
                "line 6: CMD's JSON form is not valid JSON",
            ],
            problems);
    }

    [Fact]
    public void Add_on_builds_this_repository_from_source_with_the_same_publish_command_as_the_image()
    {
        var addon = File.ReadAllText(RepoPaths.File("addon/Dockerfile"));
        var image = File.ReadAllText(RepoPaths.File("Dockerfile"));

        // The same NativeAOT publish (eng/check-addon-build.sh runs it on the committed tree), on both architectures.
        Assert.Equal(Assert.Single(PublishLine().Matches(image)).Value, Assert.Single(PublishLine().Matches(addon)).Value);
        Assert.Contains("RUN git clone --depth 1 --branch \"v${BUILD_VERSION}\" \"${MQTTBRIDGE_REPOSITORY}\" /src", addon, StringComparison.Ordinal);

        // One repository URL: where users add the add-on repository from, what the manifest links, what the build clones.
        var repository = AddonTestKit.Yaml(RepoPaths.File("repository.yaml"));
        var url = Scalar(repository, "url");
        Assert.Equal(url, Scalar(Config, "url"));
        Assert.Contains($"\nARG MQTTBRIDGE_REPOSITORY={url}\n", addon, StringComparison.Ordinal);

        // The image the add-on starts is the binary the build stage produced, in add-on mode, health-checked.
        Assert.Contains("COPY --from=build /app/mqttbridge /app/mqttbridge", addon, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/app/mqttbridge\", \"--addon\"]", addon, StringComparison.Ordinal);
        Assert.Contains("CMD [\"/app/mqttbridge\", \"health\", \"--addon\"]", addon, StringComparison.Ordinal);
        Assert.True(File.Exists(RepoPaths.File("eng/check-addon-build.sh")));
    }

    [Fact]
    public void The_linter_answers_help_without_a_traceback()
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RepoPaths.File("eng/lint-addon.py"));
        info.ArgumentList.Add("--help");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Usage: eng/lint-addon.py [addon-folder]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", output, StringComparison.Ordinal);
    }

    private static (int Width, int Height) PngSize(string relative)
    {
        var bytes = File.ReadAllBytes(RepoPaths.File(relative));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a }, bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [GeneratedRegex(@"^FROM \S+", RegexOptions.Multiline)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"^COPY (?!--from)(?<args>.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();

    [GeneratedRegex(@"^RUN dotnet publish (?<project>\S+)", RegexOptions.Multiline)]
    private static partial Regex PublishLine();
}
