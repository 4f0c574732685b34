using System.Text.RegularExpressions;
using MqttBridge.Configuration;
using MqttBridge.Domain;

namespace MqttBridge.Sources.Static;

/// <summary>
/// <c>tariff.type: static</c>: time-of-use rules written in YAML (bands, taxes, VAT, capacity ladder); no account, no
/// network, no failure mode. Produces a price curve (levels from the bands or the documented ratio rule) and, with
/// <c>capacity</c>, a capacity ladder a meter's month max is placed on.
/// </summary>
internal sealed partial class StaticTariffModule : ISourceModule
{
    public const string TypeName = "static";

    public static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "workday", "weekend", "holiday"];
    public static readonly string[] Levels = ["very_cheap", "cheap", "normal", "expensive", "very_expensive"];
    public static readonly string[] Holidays = ["NO", "DK", "SE", "BE", "none"];
    public static readonly string[] CapacityBases = ["three_daily_max_hours", "monthly_peak_quarter_hour", "monthly_max_hour"];
    public static readonly string[] ThresholdSides = ["step_above", "step_below"];

    private static readonly string[] Keys = ["type", "base_url", "currency", "vat", "resolution", "holidays", "extra_holidays", "taxes", "bands", "capacity"];
    private static readonly string[] TaxKeys = ["name", "per_kwh", "months"];
    private static readonly string[] BandKeys = ["name", "price", "hours", "days", "months", "level"];
    private static readonly string[] CapacityKeys = ["basis", "prices_include_vat", "minimum_kw", "at_threshold", "steps", "average_months"];
    private static readonly string[] StepKeys = ["from_kw", "to_kw", "monthly_price", "per_kw_monthly"];

    public string Type => TypeName;

    public SourceRole Role => SourceRole.Tariff;

    public IReadOnlyList<string> SecretKeys => [];

    /// <summary>The add-on form's option that picks one of <see cref="TariffPresets"/>: the form cannot hold bands.</summary>
    public const string PresetOption = "preset";

    /// <summary>The form picks a preset instead of holding bands; a preset alone means a static tariff.</summary>
    public AddonForm Addon { get; } = new(new Dictionary<string, string>())
    {
        Extra = [PresetOption],
        ChosenBy = PresetOption,
        Fill = FromPreset,
    };

    public SourceOptions? Bind(ConfigSection section, string? baseUrl) => ReadStatic(section);

    /// <summary>The preset's tariff section; a missing or unknown preset is reported and stands in as the first one, so one problem is enough.</summary>
    private static ConfigMap FromPreset(ConfigSection form)
    {
        var preset = form.Text(PresetOption)?.Trim();
        var names = string.Join(", ", TariffPresets.Names);
        if (preset is null)
        {
            form.ReportMissing(PresetOption, $"tariff_type {TypeName} takes its bands from a preset ({names}); for your own bands write a YAML file and set config_file");
        }
        else if (TariffPresets.Load(preset) is { } tariff)
        {
            return tariff;
        }
        else
        {
            var hint = KeyHints.Closest(preset, TariffPresets.Names);
            form.Report(PresetOption, hint is not null ? $"'{preset}' is not a known preset; did you mean '{hint}'?" : $"'{preset}' is not a known preset; use {names}");
        }

        return TariffPresets.Load(TariffPresets.Names[0])!;
    }

    public SourceRunner Create(SourceOptions options, SiteContext site, SourceContext context)
    {
        var tariff = new StaticTariff((StaticTariffOptions)options, site.Zone);
        var capabilities = SourceCapabilities.PriceCurve | (tariff.Capacity is null ? SourceCapabilities.None : SourceCapabilities.CapacityLadder);
        var descriptor = new SourceReport(SourceRole.Tariff, TypeName, capabilities) { Currency = tariff.Currency };
        return SourceRunner.For(descriptor, new StaticTariffSource(tariff));
    }

    private static StaticTariffOptions ReadStatic(ConfigSection s)
    {
        s.AllowOnly(Keys);
        var currency = s.NonEmptyText("currency", "NOK").Trim();
        if (!CurrencyPattern().IsMatch(currency))
        {
            s.Report("currency", $"'{currency}' is not a currency code; use three upper-case letters such as NOK, DKK, SEK or EUR");
        }

        var vat = s.Decimal("vat") ?? 0m;
        if (vat is < 0m or > 1m)
        {
            s.Report("vat", $"{vat} is out of range; VAT is a fraction from 0 to 1 (0.25 for 25 %)");
        }

        var resolution = s.Int("resolution", 60, 1, 1440);
        if (resolution is not (15 or 60))
        {
            s.Report("resolution", $"{resolution} is not a supported resolution; use 15 or 60 (minutes)");
        }

        var holidays = s.OneOf("holidays", Holidays, "holiday calendar") ?? "none";

        return new StaticTariffOptions
        {
            Currency = currency,
            Vat = vat,
            Resolution = resolution,
            Holidays = holidays,
            ExtraHolidays = ReadExtraHolidays(s),
            Taxes = ReadTaxes(s),
            Bands = ReadBands(s),
            Capacity = s.Section("capacity") is { } c ? ReadCapacity(c) : null,
        };
    }

    /// <summary><c>extra_holidays</c>: the company's own low-price days, "MM-DD" every year or "YYYY-MM-DD" once.</summary>
    private static List<string> ReadExtraHolidays(ConfigSection s)
    {
        var days = new List<string>();
        foreach (var (path, node) in s.Items("extra_holidays", allowSingle: true))
        {
            if (s.Scalar(path, node, "extra_holidays")?.Value is not { } text)
            {
                continue;
            }

            if (ExtraHoliday.TryParse(text, out _, out var error))
            {
                days.Add(text.Trim());
            }
            else
            {
                s.Report(path, node, error);
            }
        }

        return days;
    }

    /// <summary><c>capacity.at_threshold</c>: step_above (default: "from 2 kW") or step_below ("up to and including 2 kW").</summary>
    private static bool ThresholdInLowerStep(ConfigSection s) => s.OneOf("at_threshold", ThresholdSides, "threshold side") == "step_below";

    private static List<TaxOptions> ReadTaxes(ConfigSection s)
    {
        var taxes = new List<TaxOptions>();
        foreach (var item in s.Items("taxes"))
        {
            if (s.ItemSection(item, "name and per_kwh") is not { } tax)
            {
                continue;
            }

            tax.AllowOnly(TaxKeys);
            var name = tax.RequiredText("name");
            var perKwh = tax.RequiredDecimal("per_kwh");
            var months = tax.Months();
            if (name is not null && perKwh is not null)
            {
                taxes.Add(new TaxOptions { Name = name, PerKwh = perKwh.Value, Months = months });
            }
        }

        return taxes;
    }

    private static List<BandOptions> ReadBands(ConfigSection s)
    {
        var items = s.Items("bands");
        if (items.Count == 0)
        {
            if (s.Get("bands") is null or ConfigList)
            {
                s.Report("bands", "at least one band is required; the last band, without hours, days or months, sets the price at all other times");
            }

            return [];
        }

        var bands = new List<BandOptions>();
        for (var i = 0; i < items.Count; i++)
        {
            if (s.ItemSection(items[i], "name and price") is not { } band)
            {
                continue;
            }

            band.AllowOnly(BandKeys);
            var name = band.RequiredText("name");
            var price = band.RequiredDecimal("price");
            var hours = band.Text("hours")?.Trim();
            if (hours is not null && !HoursRange.TryParse(hours, out _, out var error))
            {
                band.Report("hours", error);
            }

            var days = ReadDays(band);
            var months = band.Months();
            var level = band.OneOf("level", Levels, "price level");

            // The first matching band wins, so a band without conditions must come last, and there must be one.
            var isFallback = hours is null && days.Count == 0 && months.Count == 0;
            var isLast = i == items.Count - 1;
            if (isLast && !isFallback)
            {
                band.ReportHere("the last band is the fallback and must have no hours, days or months; add a final band without conditions for all other times");
            }
            else if (!isLast && isFallback)
            {
                band.ReportHere("only the last band may have no hours, days or months; this band matches always, so the bands after it would never apply");
            }

            if (name is not null && price is not null)
            {
                bands.Add(new BandOptions { Name = name, Price = price.Value, Hours = hours, Days = days, Months = months, Level = level });
            }
        }

        return bands;
    }

    private static List<string> ReadDays(ConfigSection band)
    {
        var days = new List<string>();
        foreach (var (path, node) in band.Items("days", allowSingle: true))
        {
            var text = band.Scalar(path, node, "days")?.Value.Trim().ToLowerInvariant();
            if (text is null)
            {
                continue;
            }

            if (Days.Contains(text))
            {
                days.Add(text);
            }
            else
            {
                band.Report(path, node, $"'{text}' is not a day{ConfigRules.HintOrList(text, Days)}");
            }
        }

        return days;
    }

    private static CapacityOptions ReadCapacity(ConfigSection s)
    {
        s.AllowOnly(CapacityKeys);
        var basis = s.OneOf("basis", CapacityBases, "capacity basis") ?? "three_daily_max_hours";
        var includesVat = s.Bool("prices_include_vat", false);
        var minimum = s.Decimal("minimum_kw") ?? 0m;
        if (minimum < 0m)
        {
            s.Report("minimum_kw", $"{minimum} is negative; use 0 or more");
        }

        // Flanders bills the average of the last 12 monthly peaks (each at least minimum_kw): the rule as data.
        var averaged = s.Int("average_months", 1, 1, 12);
        return new CapacityOptions { Basis = basis, PricesIncludeVat = includesVat, MinimumKw = minimum, AverageMonths = averaged, ThresholdInLowerStep = ThresholdInLowerStep(s), Steps = ReadSteps(s) };
    }

    private static List<CapacityStepOptions> ReadSteps(ConfigSection s)
    {
        var items = s.Items("steps");
        if (items.Count == 0)
        {
            if (s.Get("steps") is null or ConfigList)
            {
                s.Report("steps", "at least one capacity step is required");
            }

            return [];
        }

        var steps = new List<CapacityStepOptions>();
        decimal? previousTo = null;
        for (var i = 0; i < items.Count; i++)
        {
            if (s.ItemSection(items[i], "from_kw, to_kw and monthly_price") is not { } step)
            {
                previousTo = null;
                continue;
            }

            step.AllowOnly(StepKeys);
            var from = step.RequiredDecimal("from_kw");
            var to = step.Decimal("to_kw");
            var monthly = step.NonNegative("monthly_price");
            var perKw = step.NonNegative("per_kw_monthly");
            var isLast = i == items.Count - 1;

            if (from < 0m)
            {
                step.Report("from_kw", $"{from} is negative; steps start at 0 kW or more");
            }

            if (from is not null && to is not null && to <= from)
            {
                step.Report("to_kw", $"{to} must be greater than from_kw {from}");
            }

            if (!isLast && !step.Has("to_kw"))
            {
                step.ReportMissing("to_kw", "only the last step may leave out to_kw (it is open-ended)");
            }

            // Each step starts where the previous one ended, so every kW value falls in exactly one step.
            if (i > 0 && from is not null && previousTo is not null && from != previousTo)
            {
                var kind = from > previousTo ? "a gap" : "an overlap";
                step.Report("from_kw", $"{from} leaves {kind} after the previous step, which ends at to_kw {previousTo}; from_kw must equal the previous to_kw");
            }

            previousTo = to;
            if (from is not null)
            {
                steps.Add(new CapacityStepOptions { FromKw = from.Value, ToKw = to, MonthlyPrice = monthly, PerKwMonthly = perKw });
            }
        }

        return steps;
    }

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();
}
