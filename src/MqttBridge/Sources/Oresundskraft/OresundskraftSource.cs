using MqttBridge.Domain;

namespace MqttBridge.Sources.Oresundskraft;

/// <summary>
/// <c>meter.type: oresundskraft</c> for one site: its metering point from the customer's shared
/// <see cref="OresundskraftFeed"/>. The API states no month max: the snapshot carries the hours and the rule
/// (<see cref="CapacityBasis.MonthlyMaxHour"/>, unless the site's tariff bills by another), and says what the answers
/// held, so a sensor whose data never came is not offered.
/// </summary>
internal sealed class OresundskraftSource(OresundskraftFeed feed, string? meteringPointId) : IMeterSource
{
    private readonly RestartGrace _grace = new();

    public Task<MeterSnapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _grace.FetchAsync(
            async () => Snapshot(await feed.GetAsync(now, cancellationToken)),
            () => feed.Known is not null,
            () => Snapshot(feed.Known!) with { NextRefresh = now });

    /// <summary>
    /// What a site's sensors read of one metering point: its hours with the month max rule (the API states no max), what
    /// the answers held, the subscribed power and the monthly readings.
    /// </summary>
    internal static MeterSnapshot SnapshotOf(OresundskraftPoint point, DateTimeOffset fetchedAt, DateTimeOffset due) =>
        new(point.Hours, null, fetchedAt, due)
        {
            MonthMaxBasis = CapacityBasis.MonthlyMaxHour,
            Holds = point.Holds,
            SubscribedPowerKw = point.SubscribedKw,
            Months = point.Months,
        };

    private MeterSnapshot Snapshot(CustomerData data) => SnapshotOf(Pick(data.Points), data.FetchedAt, data.Due);

    /// <summary>The configured metering point, or the answer's only one; otherwise a message listing the masked ids found.</summary>
    private OresundskraftPoint Pick(IReadOnlyList<OresundskraftPoint> points)
    {
        if (meteringPointId is null)
        {
            return points.Count == 1
                ? points[0]
                : throw new SourceException(
                    $"{OresundskraftMapper.Api}: the customer has {points.Count} metering points ({OresundskraftMapper.MaskedIds(points)}); set meter.metering_point_id to the one this site is for");
        }

        return points.FirstOrDefault(p => p.Id == meteringPointId)
            ?? throw new SourceException(
                $"{OresundskraftMapper.Api}: the answer has no metering point {MeteringPoint.Masked(meteringPointId)} (it has {OresundskraftMapper.MaskedIds(points)}); check meter.metering_point_id");
    }
}
