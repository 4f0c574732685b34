using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using MqttBridge.Cli;
using MqttBridge.Configuration;
using MqttBridge.Mqtt;
using MqttBridge.Scheduling;
using MqttBridge.Sensors;
using MqttBridge.Sources;

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
    case { Addon: true }:
        await Console.Error.WriteLineAsync("mqttbridge: add-on mode (--addon) is not available in this version; run with a YAML configuration.");
        return 2;
}

if (cli.Command == CliCommand.Tariffs)
{
    using var cliLoggers = LoggerFactory.Create(PlainConsole);
    return await TariffsCommand.RunAsync(cli, Console.Out, Console.Error, TimeProvider.System, cliLoggers, CancellationToken.None);
}

var config = ConfigLoader.Load(cli.ConfigPath, ConfigLoader.ProcessEnvironment());
if (!config.IsValid || config.Options is null)
{
    await Console.Error.WriteLineAsync(ConfigReport.Render(cli.ConfigPath, config.Problems));
    return 2;
}

var options = config.Options;
if (cli.Command == CliCommand.CheckConfig)
{
    var sites = string.Join(", ", options.Sites.Select(s => $"{s.Id} ({string.Join(" + ", new[] { s.Tariff?.Type + " tariff", s.Meter?.Type + " meter" }.Where(x => !x.StartsWith(' ')))})"));
    Console.WriteLine($"Configuration {cli.ConfigPath} is valid: {options.Sites.Count} site(s): {sites}.");
    return 0;
}

using var loggers = LoggerFactory.Create(PlainConsole);
var log = loggers.CreateLogger("MqttBridge");
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
    cli.ConfigPath,
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

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
PlainConsole(builder.Logging);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
builder.Services.AddSingleton(time);
builder.Services.AddSingleton(sp => new MqttConnection(options.Mqtt, options.EmbeddedBroker, time, sp.GetRequiredService<ILogger<MqttConnection>>(), broker));
builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
builder.Services.AddHostedService(sp => new BridgeService(
    runtimes, sp.GetRequiredService<MqttConnection>(), topics, time, sp.GetRequiredService<ILogger<BridgeService>>(), version));

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
