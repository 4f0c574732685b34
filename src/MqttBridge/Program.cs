using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using MqttBridge.Addon;
using MqttBridge.Cli;
using MqttBridge.Configuration;
using MqttBridge.Mqtt;
using MqttBridge.Scheduling;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Storage;

// Composition root only: parse the command line, validate the configuration, wire the layers, run.
// Exit codes (contract): 0 done, 1 could not run (e.g. the embedded broker's port is taken), 2 bad command line or configuration.
var version = typeof(BridgeService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
var cli = CommandLine.Parse(args);
switch (cli)
{
    case { IsValid: false }:
        await Console.Error.WriteLineAsync($"mqttbridge: {cli.Error}\n\n{CommandLine.Usage}");
        return 2;
    case { Command: CliCommand.Help }:
        Console.WriteLine(CommandLine.Usage);
        return 0;
    case { Command: CliCommand.Version }:
        Console.WriteLine($"mqttbridge {version}");
        return 0;
}

if (cli.Command == CliCommand.Tariffs)
{
    using var cliLoggers = LoggerFactory.Create(PlainConsole);
    return await TariffsCommand.RunAsync(cli, Console.Out, Console.Error, TimeProvider.System, cliLoggers, CancellationToken.None);
}

var environment = ConfigLoader.ProcessEnvironment();
if (cli.Command == CliCommand.Health)
{
    // Only the data folder is needed: in add-on mode it is known without asking the Supervisor.
    var dataDir = AddonSettings.IsOn(cli.Addon, environment)
        ? environment.GetValueOrDefault(EnvironmentOverrides.Prefix + "DATA_DIR") is { Length: > 0 } d ? d : AddonSettings.DataDir
        : ConfigLoader.Load(cli.ConfigPath, environment).Options?.DataDir;
    if (dataDir is null)
    {
        await Console.Error.WriteLineAsync($"unhealthy: configuration {cli.ConfigPath} is not valid (run check-config)");
        return 1;
    }

    var healthy = HealthFile.IsFresh(dataDir, TimeProvider.System.GetUtcNow(), out var detail);
    Console.WriteLine($"{(healthy ? "healthy" : "unhealthy")}: {detail}");
    return healthy ? 0 : 1;
}

using var loggers = LoggerFactory.Create(PlainConsole);
var log = loggers.CreateLogger("MqttBridge");
var configSource = cli.ConfigPath;
ConfigResult config;
AddonConfigResult? addon = null;
if (AddonSettings.IsOn(cli.Addon, environment))
{
    // Add-on mode: options.json instead of the YAML file, and the broker from the Supervisor when it has one.
    var settings = AddonSettings.FromEnvironment(environment);
    using var http = new HttpClient { BaseAddress = settings.SupervisorUrl, Timeout = SupervisorClient.Timeout };
    addon = await AddonConfigLoader.LoadAsync(settings, environment, new SupervisorClient(http, settings.Token), CancellationToken.None);
    config = addon.Config;
    configSource = addon.Source;
    if (addon.ConfigFileNote is not null)
    {
        log.LogInformation("{Note}", addon.ConfigFileNote);
    }

    if (addon.NoServiceReason is not null)
    {
        log.LogWarning("No MQTT service from the Supervisor ({Reason}); using the embedded broker", addon.NoServiceReason);
    }
}
else
{
    config = ConfigLoader.Load(cli.ConfigPath, environment);
}

if (!config.IsValid || config.Options is null)
{
    loggers.Dispose(); // flush the add-on's lines before the report
    await Console.Error.WriteLineAsync(ConfigReport.Render(configSource, config.Problems));
    return 2;
}

var options = config.Options;
if (cli.Command == CliCommand.CheckConfig)
{
    var sites = string.Join(", ", options.Sites.Select(s => $"{s.Id} ({string.Join(" + ", new[] { s.Tariff?.Type + " tariff", s.Meter?.Type + " meter" }.Where(x => !x.StartsWith(' ')))})"));
    loggers.Dispose();
    Console.WriteLine($"Configuration {configSource} is valid: {options.Sites.Count} site(s): {sites}.");
    return 0;
}

var time = TimeProvider.System;
var topics = new Topics(options.Mqtt.BaseTopic, options.Mqtt.DiscoveryPrefix);
using var sources = new SourceFactory(options, time, loggers);
var runtimes = options.Sites.Select(site =>
{
    var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
    return new SiteRuntime(site, zone, sources.CreateTariff(site, zone), sources.CreateMeter(site, zone));
}).ToList();
log.LogInformation(
    "MqttBridge {Version} starting with {Config}: {Sites} site(s), broker {Broker}",
    version,
    configSource,
    runtimes.Count,
    options.Mqtt.UsesEmbeddedBroker ? $"embedded on {options.EmbeddedBroker.Bind}:{options.EmbeddedBroker.Port}" : $"{options.Mqtt.Host}:{options.Mqtt.Port}");

// The embedded broker lives outside the host: it listens before the client connects, a busy port ends the
// process with one clear line (exit 1), and it outlives the connection's final "offline".
await using var broker = options.Mqtt.UsesEmbeddedBroker ? new EmbeddedBroker(options.EmbeddedBroker, loggers.CreateLogger<EmbeddedBroker>()) : null;
try
{
    if (broker is not null)
    {
        await broker.StartAsync(CancellationToken.None);
    }
}
catch (BrokerStartException ex)
{
    log.LogCritical("{Reason}", ex.Message);
    return 1;
}

if (addon?.Broker == AddonBroker.Embedded && broker is not null)
{
    // Home Assistant reaches the add-on by its host name on the Supervisor's network; no host port is needed.
    log.LogInformation(
        "Home Assistant: add the MQTT integration (Settings > Devices & services > Add integration > MQTT) with broker {Host} and port {Port}{Credentials}",
        System.Net.Dns.GetHostName(),
        broker.Port,
        string.IsNullOrEmpty(options.EmbeddedBroker.Username) ? " (no username or password)" : ", and the embedded_broker username and password");
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
PlainConsole(builder.Logging);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
builder.Services.AddSingleton(time);
builder.Services.AddSingleton(sp => new MqttConnection(options.Mqtt with { ClientId = ClientIdentity.Resolve(options.Mqtt, options.DataDir, log) }, options.EmbeddedBroker, time, sp.GetRequiredService<ILogger<MqttConnection>>(), broker));
builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
builder.Services.AddHostedService(sp => new HealthFile(sp.GetRequiredService<MqttConnection>(), options.DataDir, time, sp.GetRequiredService<ILogger<HealthFile>>()));
builder.Services.AddHostedService(sp => new BridgeService(
    runtimes, sp.GetRequiredService<MqttConnection>(), topics, time, sp.GetRequiredService<ILogger<BridgeService>>(), version, new DiscoveryRecord(options.DataDir, log)));

using (var host = builder.Build())
{
    // Hosted services stop in reverse order: the bridge loop first, then the connection publishes "offline".
    await host.RunAsync();
}

if (broker is not null)
{
    await broker.StopAsync(CancellationToken.None);
}

return 0;

// Plain single lines: the add-on log tab, journald and docker logs show them as they are.
static void PlainConsole(ILoggingBuilder logging) => logging.ClearProviders()
    .AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        o.ColorBehavior = LoggerColorBehavior.Disabled;
    })
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("Microsoft", LogLevel.Warning);
