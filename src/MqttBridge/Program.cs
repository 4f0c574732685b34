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

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
builder.Logging.ClearProviders()
    .AddSimpleConsole(o =>
    {
        // Plain single lines: the add-on log tab, journald and docker logs show them as they are.
        o.SingleLine = true;
        o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        o.ColorBehavior = LoggerColorBehavior.Disabled;
    })
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("Microsoft", LogLevel.Warning);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));

var time = TimeProvider.System;
var topics = new Topics(options.Mqtt.BaseTopic, options.Mqtt.DiscoveryPrefix);
var runtimes = options.Sites.Select(site =>
{
    var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
    return new SiteRuntime(site, zone, SourceFactory.CreateTariff(site, zone), SourceFactory.CreateMeter(site, zone));
}).ToList();

builder.Services.AddSingleton(time);
if (options.Mqtt.UsesEmbeddedBroker)
{
    // Registered first: hosted services start in order, so the broker listens before the client connects.
    builder.Services.AddSingleton(sp => new EmbeddedBroker(options.EmbeddedBroker, sp.GetRequiredService<ILogger<EmbeddedBroker>>()));
    builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
}

builder.Services.AddSingleton(sp => new MqttConnection(
    options.Mqtt,
    options.EmbeddedBroker,
    time,
    sp.GetRequiredService<ILogger<MqttConnection>>(),
    sp.GetService<EmbeddedBroker>()));
builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
builder.Services.AddHostedService(sp => new BridgeService(
    runtimes, sp.GetRequiredService<MqttConnection>(), topics, time, sp.GetRequiredService<ILogger<BridgeService>>(), version));

using var host = builder.Build();
var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MqttBridge");
log.LogInformation(
    "MqttBridge {Version} starting with {Config}: {Sites} site(s), broker {Broker}",
    version,
    cli.ConfigPath,
    runtimes.Count,
    options.Mqtt.UsesEmbeddedBroker ? $"embedded on {options.EmbeddedBroker.Bind}:{options.EmbeddedBroker.Port}" : $"{options.Mqtt.Host}:{options.Mqtt.Port}");
try
{
    await host.RunAsync();
    return 0;
}
catch (BrokerStartException ex)
{
    log.LogCritical("{Reason}", ex.Message);
    return 1;
}
