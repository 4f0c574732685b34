using System.Globalization;
using System.Text;
using System.Text.Json;
using MqttBridge.Domain;

namespace MqttBridge.Sources.Eloverblik;

/// <summary>A metering point's series as the API delivered them: consumption (business type A04/A64) and production (A01).</summary>
internal sealed record MeterSeries(ConsumptionSeries Consumption, ConsumptionSeries Production);

/// <summary>How often a tariff's price changes: per clock hour (positions 1–24), per clock quarter-hour (1–96), or one price a day.</summary>
internal enum ChargeResolution
{
    Day,
    Hour,
    Quarter,
}

/// <summary>A per-kWh tariff from <c>getcharges</c> (DKK/kWh before VAT) valid in [ValidFrom, ValidTo); ValidTo null = open.</summary>
internal sealed record TariffCharge(string Name, string? Owner, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo, ChargeResolution Resolution, IReadOnlyDictionary<int, decimal> Prices)
{
    public bool ValidAt(DateTimeOffset instant) => ValidFrom <= instant && (ValidTo is not { } to || instant < to);
}

/// <summary>A subscription from <c>getcharges</c>: DKK per month before VAT (price × quantity), valid in [ValidFrom, ValidTo).</summary>
internal sealed record MonthlyCharge(string Name, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo, decimal PerMonth)
{
    public bool ValidAt(DateTimeOffset instant) => ValidFrom <= instant && (ValidTo is not { } to || instant < to);
}

/// <summary>A metering point's charges: its tariffs (per kWh) and subscriptions (per month), as valid now or later.</summary>
internal sealed record Charges(IReadOnlyList<TariffCharge> Tariffs, IReadOnlyList<MonthlyCharge> Subscriptions)
{
    /// <summary>Every instant at which a charge starts or ends: the curve is rebuilt when one passes.</summary>
    public IEnumerable<DateTimeOffset> Boundaries =>
        Tariffs.SelectMany(t => new[] { (DateTimeOffset?)t.ValidFrom, t.ValidTo })
            .Concat(Subscriptions.SelectMany(s => new[] { (DateTimeOffset?)s.ValidFrom, s.ValidTo }))
            .Where(b => b is not null)
            .Select(b => b!.Value);
}

/// <summary>A metering point as <c>mqttbridge eloverblik meteringpoints</c> lists it: no names, addresses or CPR/CVR.</summary>
internal sealed record MeteringPointInfo(string Id, string Type, string? GridOperator, string? Resolution)
{
    /// <summary>E17 consumption, E18 production; child types (D01…) as sent.</summary>
    public bool IsConsumption => Type == "E17";

    public bool IsProduction => Type == "E18";

    public string TypeText => Type switch { "E17" => "consumption", "E18" => "production", "E20" => "exchange", _ => Type };
}

/// <summary>
/// Eloverblik answers to Domain data. Pure: no I/O, no clock. A shape it cannot read is a <see cref="SourceException"/>
/// naming the field; a per-item <c>success: false</c> is one naming the error code. Metering point ids in messages are
/// masked (personal data).
/// </summary>
internal static class EloverblikMapper
{
    public const string Api = "Eloverblik";

    /// <summary>The 10000-series "no error" code.</summary>
    public const int NoError = 10000;

    /// <summary>30007 NoMeteringPointDataAvailable: not a fault, only nothing (yet) in the asked period.</summary>
    public const int NoData = 30007;

    private static readonly Dictionary<int, string> CodeNames = new()
    {
        [10000] = "NoError", [10001] = "WrongNumberOfArguments", [10002] = "ToManyRequestItems", [10003] = "InternalServerError",
        [10004] = "MaximumNumberOfMeteringPointsExceeded", [10007] = "NoCprConsent",
        [20000] = "WrongMeteringPointIdOrWebAccessCode", [20001] = "MeteringPointBlocked", [20002] = "MeteringPointRelationAlreadyExist",
        [20003] = "MeteringPointIdNot18CharsLong", [20004] = "MeteringpointIdContainsNonDigits", [20005] = "MeteringPointAliasTooLong",
        [20006] = "WebAccessCodeNot8CharsLong", [20007] = "WebAccessCodeContainsIllegalChars", [20008] = "MeteringPointNotFound",
        [20009] = "MeteringPointIsChild", [20010] = "RelationNotFound", [20011] = "UnknownError", [20012] = "Unauthorized",
        [20013] = "NoValidMeteringPointsInList",
        [30000] = "FromDateIsGreaterThanToday", [30001] = "FromDateIsGreaterThanToDate", [30002] = "ToDateCanNotBeEqualToFromDate",
        [30003] = "ToDateIsGreaterThanToday", [30004] = "InvalidDateFormat", [30005] = "InvalidRequestParameters",
        [30006] = "AccessToMeteringPointDenied", [30007] = "NoMeteringPointDataAvailable", [30008] = "RequestedAggregationUnavailable",
        [30009] = "InvalidMeteringpointId", [30010] = "DateNotCoveredByAuthorization", [30011] = "AggregationNotValid",
        [30012] = "RequestToHuge",
        [50000] = "WrongTokenType", [50001] = "TokenNotValid", [50002] = "ErrorCreatingToken", [50003] = "TokenRegistrationFailed",
        [50004] = "TokenAlreadyActive", [50005] = "TokenAlreadyDeactivated", [50006] = "TokenMissingTokenId",
        [60000] = "ThirdPartyNotFound",
    };

    /// <summary>"30003 ToDateIsGreaterThanToday": the code with its name (codes are renumbered between versions; the text is logged too).</summary>
    public static string CodeName(int code) => CodeNames.TryGetValue(code, out var name) ? $"{code} {name}" : code.ToString(CultureInfo.InvariantCulture);

    /// <summary>The item's <c>errorCode</c> as a number, whether sent as a number or a string; null when absent or unreadable.</summary>
    public static int? Code(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var n) => n,
        { ValueKind: JsonValueKind.String } e when int.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>
    /// The envelope item of metering point <paramref name="id"/>. Throws <see cref="SourceException"/> when the answer
    /// has no item for it or the item failed (<c>success: false</c> or a code other than 10000), naming the code; 30007 (no
    /// data for the period) returns an item whose payload is null.
    /// </summary>
    public static EnvelopeItem<T>? Item<T>(Envelope<T> envelope, string id, string endpoint)
    {
        var items = envelope.Result ?? [];
        var item = items.FirstOrDefault(i => i.Id == id) ?? (items.Count == 1 && items[0].Id is null ? items[0] : null);
        if (item is null)
        {
            throw new SourceException($"{Api} left metering point {MeteringPoint.Masked(id)} out of its {endpoint} answer; keeping the last good data");
        }

        var code = Code(item.ErrorCode);
        if (code == NoData)
        {
            return item with { Result = default, MarketDocument = default };
        }

        if (item.Success == false || (code is { } c && c != NoError))
        {
            var name = code is { } known ? CodeName(known) : "no error code";
            var advice = code switch
            {
                20008 or 20010 or 30006 or 20000 => "; check metering_point_id and that the metering point is linked to your Eloverblik login (mqttbridge eloverblik meteringpoints lists them)",
                _ => string.Empty,
            };
            throw new SourceException($"{Api} answered {endpoint} for metering point {MeteringPoint.Masked(id)} with error {name}{Text(item.ErrorText)}{advice}");
        }

        return item;

        static string Text(string? text) => text is { Length: > 0 } t && !t.Equals("NoError", StringComparison.OrdinalIgnoreCase) ? $" ({Short(t)})" : string.Empty;
    }

    /// <summary>
    /// A time series document's readings: each Period's points placed by position (start + (position − 1) × resolution,
    /// in absolute time, so a DST day has 23 or 25 hours, 92 or 100 quarters). Quality A01 adjusted and A04 measured are
    /// verified; A03 estimated and A05 incomplete are not (asked again later); A02 not available, and a point without a
    /// quantity, is a gap, never a zero. A01 series are production, A04/A64 consumption.
    /// </summary>
    public static MeterSeries MapDocument(MarketDocument? document, TimeZoneInfo zone)
    {
        var consumption = new Dictionary<DateTimeOffset, MeterReading>();
        var production = new Dictionary<DateTimeOffset, MeterReading>();
        var series = document?.TimeSeries ?? [];
        for (var s = 0; s < series.Count; s++)
        {
            var target = series[s].BusinessType switch
            {
                "A01" => production,
                "A04" or "A64" or null => consumption,
                var other => throw Malformed($"TimeSeries[{s}].businessType '{other}' is neither consumption (A04, A64) nor production (A01)"),
            };
            var periods = series[s].Period ?? [];
            for (var p = 0; p < periods.Count; p++)
            {
                foreach (var reading in Readings(periods[p], $"TimeSeries[{s}].Period[{p}]", zone))
                {
                    target[reading.Start] = reading;
                }
            }
        }

        return new MeterSeries(new ConsumptionSeries(consumption.Values), new ConsumptionSeries(production.Values));
    }

    private static IEnumerable<MeterReading> Readings(PeriodDto period, string field, TimeZoneInfo zone)
    {
        var start = Instant(period.TimeInterval?.Start, field + ".timeInterval.start");
        var end = Instant(period.TimeInterval?.End, field + ".timeInterval.end");
        var step = period.Resolution switch
        {
            "PT15M" => TimeSpan.FromMinutes(15),
            "PT1H" => TimeSpan.FromHours(1),
            "PT1D" or "P1D" => (TimeSpan?)null,
            var other => throw Malformed($"{field}.resolution '{other}' is not one the bridge reads (PT15M, PT1H, PT1D)"),
        };
        var points = period.Point ?? [];
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            if (point.Quality == "A02" || string.IsNullOrWhiteSpace(point.Quantity))
            {
                continue;
            }

            if (!int.TryParse(point.Position, NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position < 1)
            {
                throw Malformed($"{field}.Point[{i}].position '{point.Position}' is not a position (1, 2, …)");
            }

            if (!decimal.TryParse(point.Quantity, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var kwh))
            {
                throw Malformed($"{field}.Point[{i}].out_Quantity.quantity '{point.Quantity}' is not a number");
            }

            DateTimeOffset from, to;
            if (step is { } length)
            {
                from = start + (length * (position - 1));
                to = from + length;
            }
            else
            {
                var day = LocalDay.Of(start, zone).Date.AddDays(position - 1);
                (from, to) = (LocalDay.StartOf(day, zone), LocalDay.StartOf(day.AddDays(1), zone));
            }

            if (to > end)
            {
                throw Malformed($"{field}.Point[{i}] position {position} lies beyond the period's end ({period.TimeInterval?.End})");
            }

            yield return new MeterReading(from, to, kwh, point.Quality is "A01" or "A04");
        }
    }

    /// <summary>
    /// The tariffs and subscriptions of <c>getcharges</c>. <c>periodType</c> is read in both spellings (<c>PT1H</c>/<c>HOUR</c>,
    /// <c>P1D</c>/<c>DAY</c>, <c>PT15M</c>/<c>QUARTER</c>); fees are one-off charges and are not read.
    /// </summary>
    public static Charges MapCharges(ChargesDto? dto)
    {
        var tariffs = new List<TariffCharge>();
        var list = dto?.Tariffs ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var t = list[i];
            var field = $"tariffs[{i}] ({t.Name})";
            var resolution = t.PeriodType?.ToUpperInvariant() switch
            {
                "PT1H" or "HOUR" => ChargeResolution.Hour,
                "P1D" or "PT1D" or "DAY" => ChargeResolution.Day,
                "PT15M" or "QUARTER" => ChargeResolution.Quarter,
                var other => throw Malformed($"{field}.periodType '{other}' is not PT1H, P1D or PT15M"),
            };
            var prices = new Dictionary<int, decimal>();
            foreach (var price in t.Prices ?? [])
            {
                if (price.Price is not { } amount)
                {
                    continue;
                }

                var position = int.TryParse(price.Position, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 1;
                prices[position] = amount;
            }

            if (prices.Count == 0)
            {
                throw Malformed($"{field} has no prices");
            }

            tariffs.Add(new TariffCharge(t.Name ?? "?", t.Owner, Instant(t.ValidFromDate, field + ".validFromDate"), OpenEnd(t.ValidToDate, field + ".validToDate"), resolution, prices));
        }

        var subscriptions = (dto?.Subscriptions ?? [])
            .Select((s, i) => new MonthlyCharge(
                s.Name ?? "?",
                Instant(s.ValidFromDate, $"subscriptions[{i}].validFromDate"),
                OpenEnd(s.ValidToDate, $"subscriptions[{i}].validToDate"),
                (s.Price ?? 0m) * (s.Quantity is > 0 and var q ? q : 1)))
            .ToList();
        return new Charges(tariffs, subscriptions);
    }

    /// <summary>
    /// The grid price per slot over the local days [<paramref name="first"/>, first + <paramref name="days"/>), in DKK/kWh:
    /// every tariff valid at the slot's start, summed, VAT added (<see cref="PriceComposition"/>: daily tariffs as levies,
    /// hourly and quarter-hour ones as the energy part). Hourly tariffs are given per clock hour: position = local hour + 1,
    /// so on the 25-hour day both 02:00 hours take position 3, and on the 23-hour day position 3 is unused. Slots are
    /// quarter-hours when a valid tariff is, else hours. A slot no tariff prices, or whose position is missing, is a gap.
    /// </summary>
    public static PriceCurve Curve(Charges charges, LocalDay first, int days, decimal vat)
    {
        var slots = new List<PriceSlot>();
        for (var d = 0; d < days; d++)
        {
            var day = new LocalDay(first.Date.AddDays(d), first.Zone);
            var valid = charges.Tariffs.Where(t => t.ValidFrom < day.End && (t.ValidTo is not { } to || to > day.Start)).ToList();
            var step = valid.Any(t => t.Resolution == ChargeResolution.Quarter) ? TimeSpan.FromMinutes(15) : TimeSpan.FromHours(1);
            for (var start = day.Start; start < day.End; start += step)
            {
                var local = TimeZoneInfo.ConvertTime(start, first.Zone);
                var now = valid.Where(t => t.ValidAt(start)).ToList();
                if (now.Count == 0)
                {
                    continue;
                }

                decimal energy = 0;
                var levies = new List<Levy>();
                var complete = true;
                foreach (var tariff in now)
                {
                    var position = tariff.Resolution switch
                    {
                        ChargeResolution.Hour => local.Hour + 1,
                        ChargeResolution.Quarter => (local.Hour * 4) + (local.Minute / 15) + 1,
                        _ => 1,
                    };
                    if (!tariff.Prices.TryGetValue(position, out var price) && !(tariff.Prices.Count == 1 && tariff.Prices.TryGetValue(tariff.Prices.Keys.Single(), out price)))
                    {
                        complete = false;
                        break;
                    }

                    if (tariff.Resolution == ChargeResolution.Day)
                    {
                        levies.Add(new Levy(tariff.Name, price, new HashSet<int>()));
                    }
                    else
                    {
                        energy += price;
                    }
                }

                if (complete)
                {
                    slots.Add(new PriceSlot(start, start + step, new PriceComposition(levies, vat).Total(energy, local.Month)));
                }
            }
        }

        return new PriceCurve("DKK", slots);
    }

    /// <summary>The subscriptions valid at <paramref name="instant"/>, summed, VAT added: DKK per month; null when there are none.</summary>
    public static decimal? MonthlyAt(Charges charges, DateTimeOffset instant, decimal vat)
    {
        var valid = charges.Subscriptions.Where(s => s.ValidAt(instant)).ToList();
        return valid.Count == 0 ? null : new PriceComposition([], vat).WithVat(valid.Sum(s => s.PerMonth));
    }

    /// <summary>The metering points of the list endpoint with the details that say who operates them and how they are read.</summary>
    public static IReadOnlyList<MeteringPointInfo> MapMeteringPoints(MeteringPointList list, IReadOnlyDictionary<string, MeteringPointDetailsDto>? details = null)
    {
        var result = new List<MeteringPointInfo>();
        foreach (var point in list.Result ?? [])
        {
            if (point.MeteringPointId is not { Length: > 0 } id)
            {
                continue;
            }

            var detail = details?.GetValueOrDefault(id);
            result.Add(new MeteringPointInfo(id, point.TypeOfMP ?? detail?.TypeOfMP ?? "?", detail?.GridOperatorName, point.MeterReadingOccurrence ?? detail?.MeterReadingOccurrence));
            foreach (var child in point.ChildMeteringPoints ?? [])
            {
                if (child.MeteringPointId is { Length: > 0 } childId)
                {
                    var childDetail = details?.GetValueOrDefault(childId);
                    result.Add(new MeteringPointInfo(childId, child.TypeOfMP ?? "?", childDetail?.GridOperatorName, child.MeterReadingOccurrence));
                }
            }
        }

        return result;
    }

    /// <summary>The data access token of <c>api/token</c>: <c>{"result":"jwt"}</c>, or the 2020 list-wrapped form.</summary>
    public static string? AccessToken(string body)
    {
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("result", out var result))
        {
            return null;
        }

        return result.ValueKind switch
        {
            JsonValueKind.String => result.GetString(),
            JsonValueKind.Array when result.GetArrayLength() > 0 && result[0].ValueKind == JsonValueKind.Object && result[0].TryGetProperty("result", out var inner) && inner.ValueKind == JsonValueKind.String => inner.GetString(),
            _ => null,
        };
    }

    /// <summary>A JWT's <c>exp</c> claim (UTC), read without checking the signature; null when the token is not a readable JWT.</summary>
    public static DateTimeOffset? ExpiresAt(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var document = JsonDocument.Parse(Convert.FromBase64String(payload));
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// An error body as one short line: a bare JSON string (<c>"[20010] Relation not found"</c>), an RFC 7807 problem
    /// document (its title and detail), or plain text, cut to 200 characters.
    /// </summary>
    public static string ErrorText(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body).Trim();
        if (text.Length == 0)
        {
            return "no details";
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                return Short(root.GetString() ?? string.Empty);
            }

            if (root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("title", out _) || root.TryGetProperty("detail", out _)))
            {
                var title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                return Short(string.Join(": ", new[] { title, detail }.Where(x => !string.IsNullOrWhiteSpace(x))));
            }
        }
        catch (JsonException)
        {
            // Not JSON: plain text below.
        }

        return Short(text);
    }

    private static string Short(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    /// <summary>ISO 8601 with Z as sent by the customer API; the third-party API's "12/31/2018 23:00:00" (UTC) is read too.</summary>
    internal static DateTimeOffset Instant(string? text, string field) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant
            : throw Malformed($"{field} '{text}' is not a date-time");

    private static DateTimeOffset? OpenEnd(string? text, string field) => string.IsNullOrWhiteSpace(text) ? null : Instant(text, field);

    private static SourceException Malformed(string detail) => new($"{Api} sent data the bridge cannot read: {detail}; keeping the last good data");
}
