using MqttBridge.Configuration;
using static MqttBridge.Tests.Configuration.ConfigTestKit;

namespace MqttBridge.Tests.Configuration;

public sealed class ConfigReportTests
{
    [Fact]
    public void Report_lists_every_problem_under_a_heading()
    {
        var result = Parse("mqtt:\n  port: abc\n  password: [hunter2]\nsites: []\n");

        var report = ConfigReport.Render("config/mqttbridge.yaml", result.Problems);

        Assert.Equal(
            """
            Configuration config/mqttbridge.yaml has 3 problems:
              - mqtt.port (line 2): 'abc' is not a whole number
              - mqtt.password (line 3): the value is not valid: expected a single value, not a list
              - sites (line 4): at least one site is required (each with an id, a name and a tariff or a meter)

            """.ReplaceLineEndings("\n"),
            report);
        Assert.DoesNotContain("hunter2", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_of_one_problem_says_problem()
    {
        var report = ConfigReport.Render("x.yaml", [new ConfigProblem("mqtt.port", 3, "70000 is out of range; use 1 to 65535")]);

        Assert.Equal("Configuration x.yaml has 1 problem:\n  - mqtt.port (line 3): 70000 is out of range; use 1 to 65535\n", report);
    }

    [Theory]
    [InlineData("sites[0].tariff.type", 14, null, "sites[0].tariff.type (line 14): unknown tariff type 'digim'; did you mean 'digin'?")]
    [InlineData("mqtt.port", null, "MQTTBRIDGE__MQTT__PORT", "mqtt.port (from MQTTBRIDGE__MQTT__PORT): unknown tariff type 'digim'; did you mean 'digin'?")]
    [InlineData("", 7, null, "line 7: unknown tariff type 'digim'; did you mean 'digin'?")]
    [InlineData("", null, null, "unknown tariff type 'digim'; did you mean 'digin'?")]
    public void Problem_reads_path_source_line_then_message(string path, int? line, string? variable, string expected)
    {
        var problem = new ConfigProblem(path, line, "unknown tariff type 'digim'; did you mean 'digin'?") { Variable = variable };

        Assert.Equal(expected, problem.ToString());
    }
}
