using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MqttBridge.Addon;
using MqttBridge.Cli;
using MqttBridge.Configuration;
using MqttBridge.Mqtt;
using MqttBridge.Hosting;
using MqttBridge.Scheduling;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using MqttBridge.Statistics;
using MqttBridge.Storage;

// Composition root only: parse the command line, dispatch to a command (Cli/), or validate the configuration, wire
// the layers and run.
// Exit codes (contract): 0 done, 1 could not run (e.g. the embedded broker's port is taken), 2 bad command line or configuration.
var version = typeof(BridgeService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
var cli = CommandLine.Parse(args);
switch (cli)
{
    case { IsValid: false }:
        await Console.Error.WriteLineAsync($"mqttbridge: {cli.Error}\n\n{CommandLine.UsageFor(cli)}");
        return 2;
    case { Command: CliCommand.Help }:
        Console.WriteLine(CommandLine.HelpFor(cli.HelpTopic));
        return 0;
    case { Command: CliCommand.Version }:
        Console.WriteLine($"mqttbridge {version}");
        return 0;
}

var time = TimeProvider.System;
if (cli is { Command: CliCommand.Source, SourceCommand: { } sourceCommand })
{
    using var cliLoggers = LoggerFactory.Create(l => l.UsePlainLog(Console.Out, time));
    return await sourceCommand.RunAsync(new SourceCommandContext(cli, Console.Out, Console.Error, time, cliLoggers), CancellationToken.None);
}

var environment = ConfigLoader.ProcessEnvironment();
switch (cli.Command)
{
    case CliCommand.Health:
        return await HealthCommand.RunAsync(cli, environment, Console.Out, Console.Error, time);
    case CliCommand.CheckConfig:
        return await CheckConfigCommand.RunAsync(cli, environment, Console.Out, Console.Error, CancellationToken.None);
}

var loaded = await StartupConfig.LoadAsync(cli, environment, askSupervisor: true, CancellationToken.None);
var (config, configSource, addon) = (loaded.Config, loaded.Source, loaded.Addon);
if (!config.IsValid || config.Options is null)
{
    await Console.Error.WriteLineAsync(ConfigReport.Render(configSource, config.Problems));
    return 2;
}

using var loggers = LoggerFactory.Create(l => l.UsePlainLog(Console.Out, time));
var log = loggers.CreateLogger("MqttBridge");
loaded.LogNotes(log);
var options = config.Options;

using var dataDirLock = DataDirLock.Acquire(options.DataDir);
if (dataDirLock.InUse)
{
    log.LogCritical("{Reason}", dataDirLock.Problem);
    return 1;
}

if (dataDirLock.Problem is { } dataDirProblem)
{
    log.LogWarning("{Reason}; running without keeping data across restarts", dataDirProblem);
}

var topics = new Topics(options.Mqtt.BaseTopic, options.Mqtt.DiscoveryPrefix);
using var sources = new SourceContext(options.DataDir, time, loggers);
var runtimes = options.Sites.Select(site => SiteRuntime.Create(site, sources)).ToList();
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
builder.Logging.UsePlainLog(Console.Out, time);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
builder.Services.AddSingleton(time);
builder.Services.AddSingleton(sp => new MqttConnection(options.Mqtt with { ClientId = ClientIdentity.Resolve(options.Mqtt, options.DataDir, log) }, options.EmbeddedBroker, time, sp.GetRequiredService<ILogger<MqttConnection>>(), broker));
builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
builder.Services.AddHostedService(sp => new HealthFile(sp.GetRequiredService<MqttConnection>(), options.DataDir, time, sp.GetRequiredService<ILogger<HealthFile>>()));
var statistics = options.HomeAssistant is { } homeAssistant
    ? new StatisticsImporter(homeAssistant, options.Sites.Where(s => s.Statistics && s.Meter is not null).Select(s => s.Id).ToHashSet(StringComparer.Ordinal), options.DataDir, time, loggers.CreateLogger<StatisticsImporter>())
    : null;
if (statistics is not null)
{
    builder.Services.AddHostedService(_ => statistics);
}

builder.Services.AddHostedService(sp => new BridgeService(
    runtimes, sp.GetRequiredService<MqttConnection>(), topics, time, sp.GetRequiredService<ILogger<BridgeService>>(), version, new DiscoveryRecord(options.DataDir, log), statistics));

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
