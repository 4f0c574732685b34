using System.Globalization;
using System.Text.RegularExpressions;
using MqttBridge.Domain;

namespace MqttBridge.Sources.Fluvius;

/// <summary>
/// One EAN's energy as the bridge uses it: offtake and injection in kWh (electricity), gas in m³ and in kWh where the
/// API converts it, each per slice (quarter-hour, hour or local day), <see cref="MeterReading.Verified"/> false for
/// estimated (EST) and not-validated (NVAL) values. <see cref="Level"/> says which level was read (for logs).
/// A dual-tariff meter's day and night registers are also kept apart (<see cref="OfftakeDay"/> …), empty otherwise.
/// </summary>
internal sealed record FluviusEnergy(
    string? Ean,
    string EnergyType,
    ConsumptionSeries Offtake,
    ConsumptionSeries Injection,
    ConsumptionSeries GasM3,
    ConsumptionSeries GasKwh,
    bool HadInjection,
    string Level)
{
    public bool IsGas => EnergyType == "G";

    /// <summary>The offtake's day register (v3 <c>offtake.day</c>, v2 <c>offtakeDayValue</c>), kWh.</summary>
    public ConsumptionSeries OfftakeDay { get; init; } = new([]);

    /// <summary>The offtake's night register (v3 <c>offtake.night</c>, v2 <c>offtakeNightValue</c>), kWh.</summary>
    public ConsumptionSeries OfftakeNight { get; init; } = new([]);

    /// <summary>The injection's day register, kWh.</summary>
    public ConsumptionSeries InjectionDay { get; init; } = new([]);

    /// <summary>The injection's night register, kWh.</summary>
    public ConsumptionSeries InjectionNight { get; init; } = new([]);
}

/// <summary>
/// Fluvius' GET Mandate/energy answers (v2 and v3) to Domain data. Pure: no I/O, no clock.
/// <list type="bullet">
/// <item>Level (v3): the headpoint's own slices for <c>metering-on-headpoint</c> and <c>metering-on-headpoint-and-meter</c>;
/// the physical meters' (summed per slice) only for <c>metering-on-meter</c>. Never both levels; sub-headpoints (PV,
/// battery) never. v2 has meters only: summed per slice.</item>
/// <item>Resolution: the finest list the level has (quarter-hour, hour, day), never two mixed.</item>
/// <item>Units: only kWh counts as energy (m³ for gas); reactive registers and kVA are left out.</item>
/// <item>Registers: the energy is <c>total</c> where given, else day + night; the day and night registers are also kept
/// apart (for the attributes), whether or not a total came with them.</item>
/// <item>A daily slice is the local (Europe/Brussels) day its middle falls in, whether Fluvius cut it at local or UTC midnight.</item>
/// </list>
/// A shape it cannot read is a <see cref="SourceException"/> naming the field, so the last good data is kept.
/// </summary>
internal static partial class FluviusMapper
{
    public const string Api = "Fluvius energy-service API";

    /// <summary>The answer of GET Mandate/energy (either version) for the local days of <paramref name="zone"/>.</summary>
    public static FluviusEnergy MapEnergy(EnergyResponse response, TimeZoneInfo zone)
    {
        var data = response.Data ?? throw Malformed("'data' is missing");
        if (data.Headpoint is { } headpoint)
        {
            return MapV3(headpoint, zone);
        }

        if (data.ElectricityMeters is not null || data.GasMeters is not null)
        {
            return MapV2(data, zone);
        }

        throw Malformed("'data' holds neither 'headpoint' (v3) nor 'electricityMeters'/'gasMeters' (v2)");
    }

    private static FluviusEnergy MapV3(V3Headpoint headpoint, TimeZoneInfo zone)
    {
        var gas = string.Equals(headpoint.EnergyType, "G", StringComparison.OrdinalIgnoreCase);
        var onMeter = string.Equals(headpoint.Kind, "metering-on-meter", StringComparison.OrdinalIgnoreCase);
        var headSlices = Finest(headpoint.QuarterHourlyEnergy, headpoint.HourlyEnergy, headpoint.DailyEnergy);

        // Headpoint data wherever the headpoint has it; physical meters only where metering is on the meter (or the
        // headpoint level is empty): "-and-meter" repeats the same energy per meter, so adding both would count it twice.
        var useMeters = onMeter || headSlices.Slices.Count == 0;
        var sums = new Sums(zone);
        string level;
        if (useMeters)
        {
            level = "physical meters";
            var meters = headpoint.PhysicalMeters ?? [];
            for (var m = 0; m < meters.Count; m++)
            {
                var (slices, name) = Finest(meters[m].QuarterHourlyEnergy, meters[m].HourlyEnergy, meters[m].DailyEnergy);
                AddV3(sums, slices, $"headpoint.physicalMeters[{m}].{name}", gas);
            }
        }
        else
        {
            level = "headpoint";
            AddV3(sums, headSlices.Slices, $"headpoint.{headSlices.Name}", gas);
        }

        return sums.Result(headpoint.Ean, gas, level);
    }

    private static void AddV3(Sums sums, IReadOnlyList<V3Slice> slices, string field, bool gas)
    {
        for (var i = 0; i < slices.Count; i++)
        {
            var slice = slices[i];
            var (start, end) = sums.Interval(slice.Start, slice.End, $"{field}[{i}]");
            foreach (var measurement in slice.Measurements ?? [])
            {
                if (measurement.Offtake is { } offtake)
                {
                    foreach (var (value, unit, verified) in Registers(offtake))
                    {
                        sums.Add(gas ? GasTarget(unit) : Target.Offtake, start, end, value, verified, unit);
                    }

                    if (!gas)
                    {
                        AddDayNight(sums, offtake, Target.OfftakeDay, Target.OfftakeNight, start, end);
                    }
                }

                if (!gas && measurement.Injection is { } injection)
                {
                    foreach (var (value, unit, verified) in Registers(injection))
                    {
                        sums.Add(Target.Injection, start, end, value, verified, unit);
                    }

                    AddDayNight(sums, injection, Target.InjectionDay, Target.InjectionNight, start, end);
                }
            }
        }
    }

    /// <summary>A reading's energy: <c>total</c>, else the <c>day</c> and <c>night</c> registers (never reactive ones).</summary>
    private static IEnumerable<(decimal Value, string? Unit, bool Verified)> Registers(V3Reading reading)
    {
        if (reading.Total is { Value: { } total } t)
        {
            yield return (total, t.Unit, IsVerified(t.ValidationState));
            yield break;
        }

        foreach (var register in new[] { reading.Day, reading.Night })
        {
            if (register is { Value: { } value })
            {
                yield return (value, register.Unit, IsVerified(register.ValidationState));
            }
        }
    }

    /// <summary>A reading's day and night registers, each into its own series (kWh only).</summary>
    private static void AddDayNight(Sums sums, V3Reading reading, Target day, Target night, DateTimeOffset start, DateTimeOffset end)
    {
        if (reading.Day is { Value: { } d } dayRegister)
        {
            sums.Add(day, start, end, d, IsVerified(dayRegister.ValidationState), dayRegister.Unit);
        }

        if (reading.Night is { Value: { } n } nightRegister)
        {
            sums.Add(night, start, end, n, IsVerified(nightRegister.ValidationState), nightRegister.Unit);
        }
    }

    private static FluviusEnergy MapV2(EnergyData data, TimeZoneInfo zone)
    {
        var gasMeters = data.GasMeters ?? [];
        var gas = gasMeters.Count > 0 && (data.ElectricityMeters ?? []).Count == 0;
        var meters = gas ? gasMeters : data.ElectricityMeters ?? [];
        var root = gas ? "gasMeters" : "electricityMeters";
        var sums = new Sums(zone);
        for (var m = 0; m < meters.Count; m++)
        {
            var (slices, name) = Finest(meters[m].QuarterHourlyEnergy, meters[m].HourlyEnergy, meters[m].DailyEnergy);
            for (var i = 0; i < slices.Count; i++)
            {
                var slice = slices[i];
                var (start, end) = sums.Interval(slice.TimestampStart, slice.TimestampEnd, $"data.{root}[{m}].{name}[{i}]");
                foreach (var x in slice.Measurement ?? [])
                {
                    if (gas)
                    {
                        Add(GasTarget(x.Unit), x.OfftakeValue, x.OfftakeValidationState);
                        continue;
                    }

                    // As in v3: the total where given, else day + night; the registers also apart.
                    if (x.OfftakeValue is not null)
                    {
                        Add(Target.Offtake, x.OfftakeValue, x.OfftakeValidationState);
                    }
                    else
                    {
                        Add(Target.Offtake, x.OfftakeDayValue, x.OfftakeDayValidationState);
                        Add(Target.Offtake, x.OfftakeNightValue, x.OfftakeNightValidationState);
                    }

                    if (x.InjectionValue is not null)
                    {
                        Add(Target.Injection, x.InjectionValue, x.InjectionValidationState);
                    }
                    else
                    {
                        Add(Target.Injection, x.InjectionDayValue, x.InjectionDayValidationState);
                        Add(Target.Injection, x.InjectionNightValue, x.InjectionNightValidationState);
                    }

                    Add(Target.OfftakeDay, x.OfftakeDayValue, x.OfftakeDayValidationState);
                    Add(Target.OfftakeNight, x.OfftakeNightValue, x.OfftakeNightValidationState);
                    Add(Target.InjectionDay, x.InjectionDayValue, x.InjectionDayValidationState);
                    Add(Target.InjectionNight, x.InjectionNightValue, x.InjectionNightValidationState);

                    void Add(Target target, decimal? value, string? state)
                    {
                        if (value is { } v)
                        {
                            sums.Add(target, start, end, v, IsVerified(state), x.Unit);
                        }
                    }
                }
            }
        }

        return sums.Result(null, gas, "meters (v2)");
    }

    /// <summary>READ (read from the meter) and VAL (validated) count as verified; EST, NVAL and a missing state do not.</summary>
    public static bool IsVerified(string? state) =>
        state is not null && (state.Equals("READ", StringComparison.OrdinalIgnoreCase) || state.Equals("VAL", StringComparison.OrdinalIgnoreCase));

    private static (IReadOnlyList<T> Slices, string Name) Finest<T>(IReadOnlyList<T>? quarter, IReadOnlyList<T>? hour, IReadOnlyList<T>? day) =>
        quarter is { Count: > 0 } ? (quarter, "quarterHourlyEnergy")
        : hour is { Count: > 0 } ? (hour, "hourlyEnergy")
        : (day ?? [], "dailyEnergy");

    private static Target GasTarget(string? unit) => IsUnit(unit, "kWh") ? Target.GasKwh : Target.GasM3;

    private static bool IsUnit(string? unit, string wanted) => string.Equals(unit?.Trim(), wanted, StringComparison.OrdinalIgnoreCase);

    /// <summary>Masks every run of 9 or more digits (an EAN, a meter id, a company number) to its last four, for messages shown to people.</summary>
    public static string MaskNumbers(string text) => LongNumber().Replace(text, m => MeteringPoint.Masked(m.Value));

    [GeneratedRegex(@"\d{9,}", RegexOptions.CultureInvariant)]
    private static partial Regex LongNumber();

    internal static DateTimeOffset Instant(string? text, string field) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime()
            : throw Malformed($"{field} '{text}' is not a date-time");

    private static SourceException Malformed(string detail) => new($"{Api} sent data it cannot read: {detail}; keeping the last good data");

    private enum Target
    {
        Offtake,
        Injection,
        GasM3,
        GasKwh,
        OfftakeDay,
        OfftakeNight,
        InjectionDay,
        InjectionNight,
    }

    /// <summary>Sums per slice and target: several meters (or registers) of one slice add up, verified only if all parts are.</summary>
    private sealed class Sums(TimeZoneInfo zone)
    {
        private readonly Dictionary<Target, Dictionary<DateTimeOffset, MeterReading>> _byTarget = [];
        private bool _hadInjection;

        public (DateTimeOffset Start, DateTimeOffset End) Interval(string? startText, string? endText, string field)
        {
            var start = Instant(startText, field + ".start");
            var end = Instant(endText, field + ".end");
            if (end <= start)
            {
                throw Malformed($"{field} ends ({endText}) before it starts ({startText})");
            }

            if (end - start < TimeSpan.FromHours(23))
            {
                return (start, end);
            }

            // A day: the local day its middle falls in (23, 24 or 25 hours long).
            var day = LocalDay.Of(start + ((end - start) / 2), zone);
            return (day.Start, day.End);
        }

        public void Add(Target target, DateTimeOffset start, DateTimeOffset end, decimal value, bool verified, string? unit)
        {
            var energy = target is Target.GasM3 ? IsUnit(unit, "m3") || IsUnit(unit, "m³") : IsUnit(unit, "kWh");
            if (!energy)
            {
                return;
            }

            _hadInjection |= target == Target.Injection;
            if (!_byTarget.TryGetValue(target, out var readings))
            {
                _byTarget[target] = readings = [];
            }

            readings[start] = readings.TryGetValue(start, out var known)
                ? known with { Kwh = known.Kwh + value, Verified = known.Verified && verified }
                : new MeterReading(start, end, value, verified);
        }

        public FluviusEnergy Result(string? ean, bool gas, string level) =>
            new(ean, gas ? "G" : "E", Series(Target.Offtake), Series(Target.Injection), Series(Target.GasM3), Series(Target.GasKwh), _hadInjection, level)
            {
                OfftakeDay = Series(Target.OfftakeDay),
                OfftakeNight = Series(Target.OfftakeNight),
                InjectionDay = Series(Target.InjectionDay),
                InjectionNight = Series(Target.InjectionNight),
            };

        private ConsumptionSeries Series(Target target) => new(_byTarget.TryGetValue(target, out var r) ? r.Values : []);
    }
}
