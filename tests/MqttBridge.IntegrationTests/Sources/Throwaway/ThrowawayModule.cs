using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.Sources;

namespace MqttBridge.IntegrationTests.Sources.Throwaway;

/// <summary>
/// A made-up meter API, written as a new module would be: its folder (this one), its options, keys, validation,
/// secret, add-on form and factory, and nothing else. The test adds it to the catalog with one line.
/// </summary>
internal sealed class ThrowawayModule : ISourceModule
{
    public const string TypeName = "throwaway";

    private static readonly string[] Keys = ["type", "base_url", "access_code", "daily_kwh", "consent"];

    public string Type => TypeName;

    public SourceRole Role => SourceRole.Meter;

    public IReadOnlyList<string> SecretKeys => ["access_code"];

    public AddonForm Addon { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["throwaway_code"] = "access_code",
        ["meter_base_url"] = "base_url",
    });

    public SourceOptions? Bind(ConfigSection section, string? baseUrl)
    {
        section.AllowOnly(Keys);
        var code = section.RequiredText("access_code", "the code from the throwaway portal");
        var daily = section.Decimal("daily_kwh") ?? 24m;
        if (daily < 0m)
        {
            section.Report("daily_kwh", $"{daily} is negative; a meter counts 0 kWh or more");
        }

        var consent = section.OneOf("consent", ["approved", "requested"], "consent state") ?? "approved";
        return code is null ? null : new ThrowawayOptions { AccessCode = code, DailyKwh = daily, Consent = consent };
    }

    public SourceRunner Create(SourceOptions options, SiteContext site, SourceContext context)
    {
        var descriptor = new SourceReport(SourceRole.Meter, TypeName, SourceCapabilities.Consumption | SourceCapabilities.Intraday | SourceCapabilities.MonthMax)
        {
            Diagnostics =
            [
                new DiagnosticDefinition("token_expires", "Token expires", DiagnosticKind.Timestamp),
                new DiagnosticDefinition("consent_state", "Consent", DiagnosticKind.Enum) { Options = ["approved", "requested"] },
            ],
        };
        return SourceRunner.For(descriptor, new ThrowawaySource((ThrowawayOptions)options, site.Zone));
    }
}

internal sealed record ThrowawayOptions : SourceOptions
{
    public override string Type => ThrowawayModule.TypeName;

    public required string AccessCode { get; init; }

    public decimal DailyKwh { get; init; }

    public string Consent { get; init; } = "approved";

    public override string ToString() => $"ThrowawayOptions {{ AccessCode = ***, DailyKwh = {DailyKwh}, Consent = {Consent} }}";
}

/// <summary>Yesterday at <see cref="ThrowawayOptions.DailyKwh"/> spread over its hours; the token expires in 30 days.</summary>
internal sealed class ThrowawaySource(ThrowawayOptions options, TimeZoneInfo zone) : IMeterSource
{
    public Task<MeterSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var yesterday = LocalDay.Of(now, zone).Previous;
        var hours = (int)Math.Round(yesterday.Length.TotalHours);
        var readings = Enumerable.Range(0, hours)
            .Select(h => new MeterReading(yesterday.Start.AddHours(h), yesterday.Start.AddHours(h + 1), options.DailyKwh / hours))
            .ToList();
        var peak = readings[0];
        var month = TimeZoneInfo.ConvertTime(peak.Start, zone);
        return Task.FromResult(new MeterSnapshot(new ConsumptionSeries(readings), new MonthMax(month.Year, month.Month, peak.Kwh, [peak]), now, now.AddHours(1))
        {
            Diagnostics = new Dictionary<string, DiagnosticValue>
            {
                ["token_expires"] = new(At: now.AddDays(30)),
                ["consent_state"] = new(Text: options.Consent),
            },
        });
    }
}
