using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MqttBridge.Configuration;
using MqttBridge.Domain;
using MqttBridge.IntegrationTests.Support;
using MqttBridge.Scheduling;
using MqttBridge.Sensors;
using MqttBridge.Sources;
using static MqttBridge.TestSupport.FluviusAnswers;

namespace MqttBridge.IntegrationTests.Fluvius;

/// <summary>
/// The Fluvius meter against a fake Fluvius and token endpoint on 127.0.0.1, on a fake clock: consent states, the calls
/// it spends over days and across a restart, the exact request shapes of v3 and v2, and its faults.
/// </summary>
public sealed class FluviusSourceTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("mqttbridge-fluvius-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static DateTimeOffset Local(int y, int mo, int d, int h, int mi = 0)
    {
        var local = new DateTime(y, mo, d, h, mi, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Brussels.GetUtcOffset(local));
    }

    private sealed class Process : IDisposable
    {
        private readonly SourceContext _context;

        public Process(string yaml, string dataDir, TimeProvider time)
        {
            var result = ConfigLoader.Parse(yaml, "test.yaml", new Dictionary<string, string?>());
            Assert.True(result.IsValid, string.Join("\n", result.Problems));
            _context = new SourceContext(dataDir, time, NullLoggerFactory.Instance);
            Site = SiteRuntime.Create(result.Options!.Sites[0], _context);
        }

        public SiteRuntime Site { get; }

        public SourceRunner Meter => Site.Meter!;

        public SourceReport Report => Meter.Report;

        public async Task RefreshIfDueAsync(DateTimeOffset now)
        {
            if (Meter.Due <= now)
            {
                await Meter.RefreshAsync("thuis", now, Brussels, NullLogger.Instance, CancellationToken.None);
            }
        }

        public void Dispose() => _context.Dispose();
    }

    private string Yaml(FakeFluvius fake, string version = "v3", string extra = "") => Yaml(fake.BaseUrl, fake.TokenUrl, version, extra);

    private string Yaml(string baseUrl, string tokenUrl, string version = "v3", string extra = "") => $"""
        data_dir: {_dataDir}
        sites:
          - id: thuis
            name: Thuis
            meter:
        {FakeFluvius.MeterKeys(baseUrl, tokenUrl, Reference)}
              api_version: {version}
        {extra}
        """;

    private static async Task RunUntilAsync(Process process, FakeTimeProvider time, DateTimeOffset until)
    {
        for (var guard = 0; guard < 2000; guard++)
        {
            await process.RefreshIfDueAsync(time.GetUtcNow());
            var next = process.Meter.Due;
            if (next > until)
            {
                time.SetUtcNow(until);
                return;
            }

            time.SetUtcNow(next > time.GetUtcNow() ? next : time.GetUtcNow());
        }

        Assert.Fail("the source kept asking to be refreshed at once");
    }

    private static decimal? Yesterday(Process p, DateTimeOffset now) => p.Report.MeterData?.Consumption.SumOf(LocalDay.Of(now, Brussels).Previous)?.Kwh;

    [Fact]
    public async Task Energy_is_asked_for_only_once_the_mandate_is_approved_then_once_a_day_with_the_exact_v3_request()
    {
        var time = new FakeTimeProvider(Local(2026, 3, 20, 9));
        using var fake = new FakeFluvius(time.GetUtcNow);
        fake.MandateList.Clear();
        using var process = new Process(Yaml(fake), _dataDir, time);

        // No mandate yet: 'none', asked about hourly, no energy call, no energy sensor offered.
        await RunUntilAsync(process, time, Local(2026, 3, 20, 11, 30));
        Assert.Equal("none", process.Report.Diagnostic("mandate_status")?.Text);
        Assert.Equal(3, fake.MandateCalls.Count());
        Assert.Empty(fake.Energy);
        Assert.False(process.Report.Can(SourceCapabilities.Consumption));

        // A data period from the first of last month: nothing before the window to read back (FluviusBackfillTests).
        fake.MandateList.Add(new("Requested", From: "2026-01-31T23:00:00Z"));
        await RunUntilAsync(process, time, Local(2026, 3, 20, 12, 30));
        Assert.Equal("requested", process.Report.Diagnostic("mandate_status")?.Text);
        Assert.Empty(fake.Energy);

        // Approved: energy at the next hourly check, for the window "first of last month … today 00:00" in UTC.
        fake.MandateList[0] = fake.MandateList[0] with { Status = "Approved", Renewal = "ToBeRenewed" };
        await RunUntilAsync(process, time, Local(2026, 3, 20, 14));
        var status = process.Report.Diagnostic("mandate_status")!;
        Assert.Equal(("approved", "to_be_renewed", "VH_kwartier_uur", "2026-02-01T00:00:00+01:00", null), (status.Text, status.Attributes!["renewal"], status.Attributes["data_service"], status.Attributes["data_period_from"], status.Attributes["data_period_to"]));
        var first = Assert.Single(fake.Energy);
        Assert.Equal(
            $"?referenceNumber={Reference}&ean={Ean}&DataServiceType=VH_kwartier_uur&PeriodType=readTime&from=2026-01-31T23%3A00%3A00Z&to=2026-03-19T23%3A00%3A00Z",
            first.Query);
        Assert.Equal(FakeFluvius.SubscriptionKey, first.Header("Ocp-Apim-Subscription-Key"));
        Assert.StartsWith("Bearer token-", first.Header("Authorization"), StringComparison.Ordinal);
        Assert.True(process.Report.Can(SourceCapabilities.Consumption | SourceCapabilities.MonthMax));
        Assert.False(process.Report.Can(SourceCapabilities.Production));

        // A 96-quarter day of 0.1, 0.15, 0.2, 0.25 per hour: 24 × 0.7 = 16.8 kWh; the peak quarter 0.25 kWh = 1 kW.
        Assert.Equal(16.8m, Yesterday(process, time.GetUtcNow()));
        Assert.Equal(1m, process.Report.MeterData!.MonthMax!.Kw);

        // Five more days: one energy and one mandate call each morning; only yesterday is asked again.
        var energyBefore = fake.Energy.Count();
        await RunUntilAsync(process, time, Local(2026, 3, 25, 20));
        Assert.Equal(5, fake.Energy.Count() - energyBefore);
        var last = fake.Energy.Last();
        Assert.Equal("2026-03-23T23:00:00Z", last.QueryValue("from"));
        Assert.Equal("2026-03-24T23:00:00Z", last.QueryValue("to"));
        Assert.All(fake.Calls.Where(c => c.Request.Path.EndsWith("/Mandate/energy", StringComparison.Ordinal)).Skip(1), c => Assert.Equal(7, TimeZoneInfo.ConvertTime(c.At, Brussels).Hour));
        Assert.Empty(fake.Violations);
        Assert.Null(process.Report.LastError);
    }

    [Fact]
    public async Task Estimated_days_are_asked_again_until_read_and_the_spring_forward_day_has_92_quarters()
    {
        var time = new FakeTimeProvider(Local(2026, 3, 30, 8));
        using var fake = new FakeFluvius(time.GetUtcNow) { Kwh = _ => 0.25m };
        fake.State = t => t >= Local(2026, 3, 29, 0) ? "EST" : "READ";
        using var process = new Process(Yaml(fake), _dataDir, time);

        await RunUntilAsync(process, time, Local(2026, 3, 30, 9));
        var sum = process.Report.MeterData!.Consumption.SumOf(new LocalDay(new DateOnly(2026, 3, 29), Brussels))!;
        Assert.Equal((92, 23m, false), (sum.Intervals, sum.Kwh, sum.AllVerified));

        // Next morning the 29th is asked for again (still estimated) together with the 30th.
        await RunUntilAsync(process, time, Local(2026, 3, 31, 9));
        Assert.Equal("2026-03-28T23:00:00Z", fake.Energy.Last().QueryValue("from"));

        // Once read, the window starts after the last settled day.
        fake.State = _ => "READ";
        await RunUntilAsync(process, time, Local(2026, 4, 2, 9));
        Assert.Equal("2026-03-31T22:00:00Z", fake.Energy.Last().QueryValue("from"));
        Assert.True(process.Report.MeterData!.Consumption.SumOf(new LocalDay(new DateOnly(2026, 3, 29), Brussels))!.AllVerified);
    }

    [Fact]
    public async Task A_restart_spends_no_call_before_one_is_due_and_serves_what_it_knew()
    {
        var time = new FakeTimeProvider(Local(2026, 6, 10, 8));
        using var fake = new FakeFluvius(time.GetUtcNow) { Injection = _ => 0.05m };
        fake.MandateList[0] = new("Approved", From: "2026-04-30T22:00:00Z");
        using (var first = new Process(Yaml(fake), _dataDir, time))
        {
            await RunUntilAsync(first, time, Local(2026, 6, 10, 12));
        }

        var calls = fake.Calls.Count;
        using var second = new Process(Yaml(fake), _dataDir, time);
        await second.RefreshIfDueAsync(time.GetUtcNow());
        Assert.Equal(calls, fake.Calls.Count);
        Assert.Equal(16.8m, Yesterday(second, time.GetUtcNow()));
        Assert.Equal(4.8m, second.Report.MeterData!.Production!.SumOf(LocalDay.Of(time.GetUtcNow(), Brussels).Previous)!.Kwh);
        Assert.True(second.Report.Can(SourceCapabilities.Production));
        Assert.Equal("approved", second.Report.Diagnostic("mandate_status")?.Text);

        // The next morning: one token, one mandate, one energy call.
        await RunUntilAsync(second, time, Local(2026, 6, 11, 8));
        Assert.Equal(calls + 3, fake.Calls.Count);
    }

    [Fact]
    public async Task A_token_is_kept_until_shortly_before_expiry_and_fetched_again_once_on_a_401()
    {
        var time = new FakeTimeProvider(Local(2026, 6, 10, 8));
        using var fake = new FakeFluvius(time.GetUtcNow) { TokenLifetime = TimeSpan.FromHours(2) };
        fake.MandateList[0] = new("Requested");
        using var process = new Process(Yaml(fake), _dataDir, time);

        // Hourly mandate checks: a 2-hour token serves the first two (renewed 5 minutes before it ends).
        await RunUntilAsync(process, time, Local(2026, 6, 10, 10, 30));
        Assert.Equal(3, fake.MandateCalls.Count());
        Assert.Equal(2, fake.TokenCalls);

        // Fluvius revokes the held token: one 401, one new token, the call succeeds.
        fake.OnlyNewestToken = true;
        fake.Tokens.Add("issued-elsewhere");
        await RunUntilAsync(process, time, Local(2026, 6, 10, 11, 30));
        Assert.Equal(3, fake.TokenCalls);
        Assert.Null(process.Report.LastError);
        Assert.Empty(fake.Violations);
    }

    [Fact]
    public async Task Faults_say_what_fluvius_said_back_off_and_a_rejected_mandate_stops_energy()
    {
        var time = new FakeTimeProvider(Local(2026, 6, 10, 8));
        using var fake = new FakeFluvius(time.GetUtcNow);
        using var process = new Process(Yaml(fake, extra: $"      metering_point_id: \"{GasEan}\""), _dataDir, time);
        fake.MandateList.Add(new("Approved", Ean: GasEan, EnergyType: "G", Service: "VH_dag", Reference: "someoneElse"));
        fake.MandateList.Add(new("Approved", Ean: GasEan, EnergyType: "G", Service: "VH_dag"));

        // 400: Fluvius' validation messages, with the EAN masked.
        fake.Override = r => r.Path.EndsWith("/energy", StringComparison.Ordinal)
            ? FakeResponse.Json("{\"type\": \"validation\", \"code\": \"400\", \"message\": \"Validation failed\", \"validationErrorMessages\": [\"From must be before To\", \"EanNumber 541441000000000456 unknown\", \"no mandate for reference " + Reference.ToUpperInvariant() + " of enterprise 0123456789\"]}", 400)
            : null;
        await process.RefreshIfDueAsync(time.GetUtcNow());
        Assert.Equal("Fluvius energy-service API answered 400 for Mandate/energy: Validation failed; From must be before To; EanNumber …0456 unknown; no mandate for reference …er42 of enterprise …6789", process.Report.LastError);

        // 503 with a long Retry-After: not hammered, asked again then.
        fake.Override = r => r.Path.EndsWith("/energy", StringComparison.Ordinal) ? new FakeResponse(503, [], "text/plain") { Headers = new Dictionary<string, string> { ["Retry-After"] = "1800" } } : null;
        time.SetUtcNow(process.Meter.Due);
        await process.RefreshIfDueAsync(time.GetUtcNow());
        Assert.Contains("answered 503 and asks to wait 30 min", process.Report.LastError, StringComparison.Ordinal);
        Assert.Equal(time.GetUtcNow().AddMinutes(30), process.Meter.Due);

        // 403: the certificate or key, said plainly; the client secret and key never appear.
        fake.Override = r => r.Path.EndsWith("/energy", StringComparison.Ordinal) ? FakeResponse.Plain(403) : null;
        time.SetUtcNow(process.Meter.Due);
        await process.RefreshIfDueAsync(time.GetUtcNow());
        Assert.Contains("(HTTP 403): check subscription_key and that the client certificate is the one allow-listed at onboarding (none is configured)", process.Report.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeFluvius.SubscriptionKey, process.Report.LastError, StringComparison.Ordinal);

        // Rejected: shown as such, and no energy asked while it lasts.
        fake.Override = null;
        await RunUntilAsync(process, time, time.GetUtcNow().AddHours(3));
        Assert.Null(process.Report.LastError);
        fake.MandateList[^1] = fake.MandateList[^1] with { Status = "Rejected" };
        var energyCalls = fake.Energy.Count();
        await RunUntilAsync(process, time, time.GetUtcNow().AddDays(2));
        Assert.Equal("rejected", process.Report.Diagnostic("mandate_status")?.Text);
        Assert.Equal(energyCalls, fake.Energy.Count());
        Assert.True(process.Report.Can(SourceCapabilities.Gas));
        Assert.False(process.Report.Can(SourceCapabilities.Consumption));
    }

    [Fact]
    public async Task A_first_call_that_fails_at_start_is_tried_again_after_one_two_four_minutes_not_an_hour()
    {
        var time = new FakeTimeProvider(Local(2026, 6, 10, 8));
        using var fake = new FakeFluvius(time.GetUtcNow);
        int? tokenStatus = 408;
        var answer = fake.Server.Handler;
        fake.Server.Handler = r => r.Path == "/token" && tokenStatus is { } status ? FakeResponse.Plain(status) : answer(r);
        fake.Override = _ => FakeResponse.Plain(502);
        using var process = new Process(Yaml(fake), _dataDir, time);

        // Each refresh's own quick retries run on the fake clock; the next attempt is counted from the refresh's start.
        async Task<TimeSpan> FailAsync()
        {
            var start = process.Meter.Due > time.GetUtcNow() ? process.Meter.Due : time.GetUtcNow();
            time.SetUtcNow(start);
            var refresh = process.RefreshIfDueAsync(start);
            while (!refresh.IsCompleted)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.WhenAny(refresh, Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System));
            }

            await refresh;
            Assert.NotNull(process.Report.LastError);
            return process.Meter.Due - start;
        }

        // The token endpoint's timeout and 5xx, then the API's: transient, so 1, 2, 4 … minutes, as every source backs
        // off; not the hour a refused credential waits.
        Assert.Equal(TimeSpan.FromMinutes(1), await FailAsync());
        Assert.Contains("token endpoint answered 408", process.Report.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", process.Report.LastError, StringComparison.Ordinal);
        tokenStatus = 503;
        Assert.Equal(TimeSpan.FromMinutes(2), await FailAsync());
        Assert.Contains("token endpoint answered 503", process.Report.LastError, StringComparison.Ordinal);
        tokenStatus = null;
        Assert.Equal(TimeSpan.FromMinutes(4), await FailAsync());
        Assert.Contains("answered 502", process.Report.LastError, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(8), await FailAsync());

        fake.Override = null;
        time.SetUtcNow(process.Meter.Due);
        await process.RefreshIfDueAsync(time.GetUtcNow());
        Assert.Null(process.Report.LastError);
        Assert.Equal("approved", process.Report.Diagnostic("mandate_status")?.Text);
    }

    [Fact]
    public async Task V2_spells_its_query_parameters_its_own_way_and_reads_its_own_shape()
    {
        var time = new FakeTimeProvider(Local(2026, 10, 26, 9));
        using var fake = new FakeFluvius(time.GetUtcNow) { V2 = true, Kwh = _ => 0.1m, Injection = _ => 0m };
        fake.MandateList[0] = new("Approved", From: "2026-08-31T22:00:00Z");
        using var process = new Process(Yaml(fake, "v2"), _dataDir, time);

        await RunUntilAsync(process, time, Local(2026, 10, 26, 10));

        var energy = Assert.Single(fake.Energy);
        Assert.Equal("/esco/api/v2.0/Mandate/energy", energy.Path);
        Assert.Equal(Ean, energy.QueryValue("EanNumber"));
        Assert.Equal("2026-08-31T22:00:00Z", energy.QueryValue("From")); // the first of last month
        Assert.Empty(fake.Violations);

        // The fall-back day: 100 quarters of 0.1 kWh.
        var sum = process.Report.MeterData!.Consumption.SumOf(new LocalDay(new DateOnly(2026, 10, 25), Brussels))!;
        Assert.Equal((100, 10m), (sum.Intervals, sum.Kwh));
        Assert.True(process.Report.Can(SourceCapabilities.Production));
    }

    [Theory]
    [InlineData("v3")]
    [InlineData("v2")]
    public async Task A_dual_tariff_meters_day_and_night_registers_are_in_the_consumption_and_production_attributes(string version)
    {
        var time = new FakeTimeProvider(Local(2026, 6, 10, 9));
        using var fake = new FakeFluvius(time.GetUtcNow) { V2 = version == "v2", Kwh = _ => 0.25m, Injection = _ => 0.05m };
        fake.Night = t => TimeZoneInfo.ConvertTime(t, Brussels).Hour is < 7 or >= 22;
        fake.MandateList[0] = new("Approved", From: "2026-04-30T22:00:00Z");
        using var process = new Process(Yaml(fake, version), _dataDir, time);

        await RunUntilAsync(process, time, Local(2026, 6, 10, 10));
        var messages = SiteSensors.Render(process.Site.View, time.GetUtcNow(), new Topics("mqttbridge", "homeassistant"), "test").ToDictionary(m => m.Key, m => m.Value);

        // Yesterday: 60 day quarters (07-22) and 36 night ones; the state is their sum.
        Assert.Equal("24", messages["mqttbridge/thuis/yesterday_consumption"]);
        Assert.Equal((15m, 9m), DayNight(messages["mqttbridge/thuis/yesterday_consumption/attributes"]));
        Assert.Equal((3m, 1.8m), DayNight(messages["mqttbridge/thuis/yesterday_production/attributes"]));

        // The month so far: 1 … 9 June.
        Assert.Equal("216", messages["mqttbridge/thuis/month_consumption"]);
        Assert.Equal((135m, 81m), DayNight(messages["mqttbridge/thuis/month_consumption/attributes"]));
        Assert.Equal((27m, 16.2m), DayNight(messages["mqttbridge/thuis/month_production/attributes"]));
        Assert.Empty(fake.Violations);

        // Kept across a restart with the readings.
        using var second = new Process(Yaml(fake, version), _dataDir, time);
        await second.RefreshIfDueAsync(time.GetUtcNow());
        var again = SiteSensors.Render(second.Site.View, time.GetUtcNow(), new Topics("mqttbridge", "homeassistant"), "test").ToDictionary(m => m.Key, m => m.Value);
        Assert.Equal(messages["mqttbridge/thuis/month_consumption/attributes"], again["mqttbridge/thuis/month_consumption/attributes"]);

        static (decimal Day, decimal Night) DayNight(string json)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return (doc.RootElement.GetProperty("day_kwh").GetDecimal(), doc.RootElement.GetProperty("night_kwh").GetDecimal());
        }
    }

    [Fact]
    public async Task A_single_register_meter_has_no_day_or_night_attributes()
    {
        var time = new FakeTimeProvider(Local(2026, 6, 10, 9));
        using var fake = new FakeFluvius(time.GetUtcNow);
        fake.MandateList[0] = new("Approved", From: "2026-04-30T22:00:00Z");
        using var process = new Process(Yaml(fake), _dataDir, time);

        await RunUntilAsync(process, time, Local(2026, 6, 10, 10));
        var messages = SiteSensors.Render(process.Site.View, time.GetUtcNow(), new Topics("mqttbridge", "homeassistant"), "test").ToDictionary(m => m.Key, m => m.Value);

        Assert.Equal("16.8", messages["mqttbridge/thuis/yesterday_consumption"]);
        Assert.DoesNotContain("_kwh", messages["mqttbridge/thuis/yesterday_consumption/attributes"], StringComparison.Ordinal);
        Assert.DoesNotContain("_kwh", messages["mqttbridge/thuis/month_consumption/attributes"], StringComparison.Ordinal);
    }

    [Fact]
    public void Consent_body_defaults_are_the_contract_reference_quarter_hours_and_days_from_twelve_months_back()
    {
        var options = (MqttBridge.Sources.Fluvius.FluviusOptions)ConfigLoader.Parse(Yaml("http://127.0.0.1:9/esco", "http://127.0.0.1:9/token"), "t.yaml", new Dictionary<string, string?>()).Options!.Sites[0].Meter!;
        var body = MqttBridge.Sources.Fluvius.FluviusConsentCommand.Request(options, new Dictionary<string, string>(), Local(2026, 11, 30, 10), Brussels);

        Assert.Equal(("DTC42", Reference, "B2C", 1, null), (body.DataAccessContractNumber, body.ReferenceNumber, body.Flow, body.NumberOfEans, body.EnterpriseNumber));
        Assert.Equal(["VH_kwartier_uur", "VH_dag"], body.DataServices.Select(s => s.DataServiceType));
        Assert.All(body.DataServices, s => Assert.Equal(("2025-10-31T23:00:00Z", null), (s.DataPeriodFrom, s.DataPeriodTo)));
        Assert.Equal(("https://www.fluvius.be/", "https://www.fluvius.be/"), (body.ReturnUrlSuccess, body.ReturnUrlFailed));
    }
}

/// <summary>The client certificate files the options name become the certificate on the client's TLS handler.</summary>
public sealed class FluviusCertificateTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mqttbridge-fluvius-cert-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Pem_pair_and_pfx_load_with_their_private_key_and_a_wrong_password_is_a_clear_fault()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=esco.example", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var made = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
        var cert = Path.Combine(_dir.FullName, "c.crt");
        var key = Path.Combine(_dir.FullName, "c.key");
        var pfx = Path.Combine(_dir.FullName, "c.pfx");
        File.WriteAllText(cert, made.ExportCertificatePem());
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(pfx, made.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx-pass"));
        var baseOptions = new MqttBridge.Sources.Fluvius.FluviusOptions
        {
            ClientId = "c", ClientSecret = "s", Scope = "x", SubscriptionKey = "k", ContractNumber = "1", ReferenceNumber = "r", TokenUrl = "http://127.0.0.1:9/token",
        };

        using var fromPem = MqttBridge.Sources.Fluvius.FluviusClient.LoadCertificate(baseOptions with { ClientCertFile = cert, ClientKeyFile = key })!;
        using var fromPfx = MqttBridge.Sources.Fluvius.FluviusClient.LoadCertificate(baseOptions with { ClientPfxFile = pfx, ClientPfxPassword = "pfx-pass" })!;
        Assert.Equal((made.Thumbprint, true), (fromPem.Thumbprint, fromPem.HasPrivateKey));
        Assert.Equal((made.Thumbprint, true), (fromPfx.Thumbprint, fromPfx.HasPrivateKey));
        Assert.Null(MqttBridge.Sources.Fluvius.FluviusClient.LoadCertificate(baseOptions));

        // In the client: loaded onto the handler; a wrong password is said with every call, never echoed.
        using var client = new MqttBridge.Sources.Fluvius.FluviusClient(baseOptions with { ClientCertFile = cert, ClientKeyFile = key }, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Equal(made.Thumbprint, client.Certificate!.Thumbprint);
        using var wrong = new MqttBridge.Sources.Fluvius.FluviusClient(baseOptions with { ClientPfxFile = pfx, ClientPfxPassword = "not-it" }, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var fault = await Assert.ThrowsAsync<SourceException>(() => wrong.MandatesAsync("r", CancellationToken.None));
        Assert.Contains("the client certificate could not be read", fault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-it", fault.Message, StringComparison.Ordinal);
    }
}
