using MqttBridge.Domain;

namespace MqttBridge.Sensors;

/// <summary>One Home Assistant entity of a site. Classes and units follow Home Assistant's sensor tables.</summary>
internal sealed record SensorDefinition(string Key, string Name)
{
    public string Platform { get; init; } = "sensor";

    public string? DeviceClass { get; init; }

    public string? Unit { get; init; }

    public string? StateClass { get; init; }

    public IReadOnlyList<string>? Options { get; init; }

    public int? Precision { get; init; }

    public bool HasAttributes { get; init; }

    public string? EntityCategory { get; init; }

    public string? Icon { get; init; }
}

/// <summary>Which entities a site has: those its sources can feed (keys are a published contract).</summary>
internal static class SensorCatalog
{
    public const string GridPrice = "grid_price";
    public const string PriceLevel = "price_level";
    public const string NextHourPrice = "next_hour_price";
    public const string TodayMinPrice = "today_min_price";
    public const string TodayMaxPrice = "today_max_price";
    public const string TodayAveragePrice = "today_average_price";
    public const string TomorrowAvailable = "tomorrow_available";
    public const string TariffProblem = "tariff_problem";
    public const string MonthMaxHour = "month_max_hour";
    public const string YesterdayConsumption = "yesterday_consumption";
    public const string MeterProblem = "meter_problem";
    public const string CapacityStep = "capacity_step";
    public const string CapacityMonthlyPrice = "capacity_monthly_price";
    public const string FixedPricePerHour = "fixed_price_per_hour";
    public const string PowerPrice = "power_price";

    public const string LastMonthMaxHour = "last_month_max_hour";
    public const string TodayConsumption = "today_consumption";
    public const string MonthConsumption = "month_consumption";
    public const string YesterdayProduction = "yesterday_production";
    public const string TodayProduction = "today_production";
    public const string MonthProduction = "month_production";
    public const string CapacityNextStepKw = "capacity_next_step_kw";
    public const string SubscribedPower = "subscribed_power";
    public const string LastMonthConsumption = "last_month_consumption";
    public const string SubscriptionMonthlyPrice = "subscription_monthly_price";
    public const string YesterdayGas = "yesterday_gas";
    public const string MonthGas = "month_gas";
    public const string YesterdayGasEnergy = "yesterday_gas_energy";
    public const string MonthGasEnergy = "month_gas_energy";

    /// <summary>
    /// The site's entities, in a stable order: price sensors when the tariff produces a price curve, the fixed prices
    /// the tariff states, the meter's sensors by what it produces, each source's problem sensor and declared diagnostics.
    /// </summary>
    public static IReadOnlyList<SensorDefinition> For(SiteView site)
    {
        var list = new List<SensorDefinition>();
        var currency = site.Currency;
        if (site.Tariff is { } tariff)
        {
            if (tariff.Can(SourceCapabilities.PriceCurve))
            {
                var perKwh = $"{currency}/kWh";
                list.Add(new(GridPrice, "Grid price")
                {
                    Unit = perKwh, StateClass = "measurement", Precision = 3, HasAttributes = true, Icon = "mdi:transmission-tower",
                });
                list.Add(new(PriceLevel, "Price level") { DeviceClass = "enum", Options = PriceLevels.Options, Icon = "mdi:stairs" });

                // A forecast is not a measurement: no state class, as Home Assistant's own Nord Pool "next price".
                list.Add(new(NextHourPrice, "Next hour price") { Unit = perKwh, Precision = 3, HasAttributes = true, Icon = "mdi:clock-end" });
                list.Add(new(TodayMinPrice, "Lowest price today") { Unit = perKwh, Precision = 3, Icon = "mdi:arrow-collapse-down" });
                list.Add(new(TodayMaxPrice, "Highest price today") { Unit = perKwh, Precision = 3, Icon = "mdi:arrow-collapse-up" });
                list.Add(new(TodayAveragePrice, "Average price today") { Unit = perKwh, Precision = 3, Icon = "mdi:approximately-equal" });
                list.Add(new(TomorrowAvailable, "Prices known for tomorrow") { Platform = "binary_sensor", Icon = "mdi:calendar-check" });
            }

            list.Add(Problem(TariffProblem, "Tariff source problem"));
            if (tariff.Can(SourceCapabilities.FixedPrices))
            {
                var fixedPrice = tariff.TariffData?.Fixed;
                list.AddRange(FixedPriceSensors(fixedPrice?.Currency ?? currency, fixedPrice?.Power is not null, stepFromMeter: site.MeterOwnsCapacity));
            }

            // Per month, not per kWh (Danish net subscriptions): never part of grid_price. Not a monetary total either.
            if (tariff.Can(SourceCapabilities.SubscriptionPrice))
            {
                list.Add(new(SubscriptionMonthlyPrice, "Subscription per month") { Unit = $"{currency}/month", Precision = 2, Icon = "mdi:cash-sync" });
            }

            list.AddRange(tariff.Diagnostics.Select(Diagnostic));
        }

        if (site.Meter is { } meter)
        {
            if (meter.Can(SourceCapabilities.MonthMax))
            {
                list.Add(new(MonthMaxHour, "Month max hour") { DeviceClass = "power", Unit = "kW", StateClass = "measurement", Precision = 2, HasAttributes = true });
            }

            // Replaced once a day, not a running total: no state class (a daily "reset" would fool statistics).
            if (meter.Can(SourceCapabilities.Consumption))
            {
                list.Add(Energy(YesterdayConsumption, "Consumption yesterday"));
            }

            list.Add(Problem(MeterProblem, "Meter source problem"));
            list.AddRange(MeterSensors.Definitions(site, currency));
            // A diagnostic both sources declare (one login's token_expires) is one entity.
            list.AddRange(meter.Diagnostics.Where(d => site.Tariff?.Diagnostics.Any(t => t.Key == d.Key) != true).Select(Diagnostic));
        }

        return list;
    }

    /// <summary>A gas volume in m³ (Home Assistant's gas device class). No state class, as <see cref="Energy"/>.</summary>
    internal static SensorDefinition GasVolume(string key, string name) =>
        new(key, name) { DeviceClass = "gas", Unit = "m³", Precision = 3, HasAttributes = true };

    /// <summary>An energy sensor in kWh. No state class: see <see cref="MeterSensors"/>.</summary>
    internal static SensorDefinition Energy(string key, string name) =>
        new(key, name) { DeviceClass = "energy", Unit = "kWh", Precision = 2, HasAttributes = true };

    private static SensorDefinition Problem(string key, string name) => new(key, name)
    {
        Platform = "binary_sensor", DeviceClass = "problem", EntityCategory = "diagnostic", HasAttributes = true,
    };

    /// <summary>A source's declared diagnostic as a diagnostic sensor: timestamps and enums get Home Assistant's device classes.</summary>
    private static SensorDefinition Diagnostic(DiagnosticDefinition d) => new(d.Key, d.Name)
    {
        EntityCategory = "diagnostic",
        DeviceClass = d.Kind switch
        {
            DiagnosticKind.Timestamp => "timestamp",
            DiagnosticKind.Enum => "enum",
            _ => null,
        },
        Options = d.Kind == DiagnosticKind.Enum ? d.Options : null,
        Unit = d.Unit,
        Icon = d.Icon,
        HasAttributes = d.HasAttributes,
    };

    /// <summary>
    /// The fixed part a tariff API states (DIGIN's fixedPrices and powerPrices): the capacity step now (its number, lowest = 1; range in attributes), its
    /// monthly price, the fixed price per hour, and the power price of LSDN/HSDN tariffs. Money per month or hour is not
    /// a Home Assistant monetary total: plain units, no device or state class.
    /// </summary>
    /// With a meter on the site the step comes from its own month max-hour instead (see <see cref="MeterSensors"/>): one
    /// owner per sensor key.
    private static IEnumerable<SensorDefinition> FixedPriceSensors(string currency, bool hasPowerPrice, bool stepFromMeter)
    {
        if (!stepFromMeter)
        {
            yield return new(CapacityStep, "Capacity step") { HasAttributes = true, Icon = "mdi:stairs-up" };
            yield return new(CapacityMonthlyPrice, "Capacity price per month") { Unit = $"{currency}/month", Precision = 2, Icon = "mdi:cash" };
        }

        yield return new(FixedPricePerHour, "Fixed price per hour") { Unit = $"{currency}/h", Precision = 4, Icon = "mdi:cash-clock" };
        if (hasPowerPrice)
        {
            yield return new(PowerPrice, "Power price") { Unit = $"{currency}/kW/month", Precision = 2, HasAttributes = true, Icon = "mdi:flash" };
        }
    }
}
