namespace MqttBridge.Domain;

/// <summary>
/// A sorted run of half-open price slots of any resolution (60 and 15 minutes both occur, and may mix).
/// Gaps are allowed: an instant in a gap has no price.
/// </summary>
internal sealed class PriceCurve
{
    private static readonly Lock PoolGate = new();

    // Curves handed out by Shared, by content hash; weak, so a curve no site holds any more is collected.
    private static readonly Dictionary<int, List<WeakReference<PriceCurve>>> Pool = [];
    private static int _sweepAt = 64;

    private readonly PriceSlot[] _slots;

    public PriceCurve(string currency, IEnumerable<PriceSlot> slots)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        Currency = currency;
        _slots = [.. slots.OrderBy(s => s.Start)];
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].End <= _slots[i].Start)
            {
                throw new ArgumentException($"Slot {_slots[i].Start:O} ends before it starts.", nameof(slots));
            }

            if (i > 0 && _slots[i].Start < _slots[i - 1].End)
            {
                throw new ArgumentException($"Slots overlap at {_slots[i].Start:O}.", nameof(slots));
            }
        }
    }

    public static PriceCurve Empty(string currency) => new(currency, []);

    /// <summary>
    /// The one instance of a curve with <paramref name="curve"/>'s content (currency and every slot: start, end, price,
    /// level) that is in use: sites on the same tariff then hold one curve, not a copy each, and what is rendered from it
    /// (<c>Sensors.TariffParts</c>) is rendered once. Thread-safe; returns <paramref name="curve"/> itself when it is the first.
    /// </summary>
    public static PriceCurve Shared(PriceCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var key = curve.ContentHash();
        lock (PoolGate)
        {
            if (Pool.TryGetValue(key, out var same))
            {
                foreach (var weak in same)
                {
                    if (weak.TryGetTarget(out var known) && known.SameContent(curve))
                    {
                        return known;
                    }
                }

                same.RemoveAll(w => !w.TryGetTarget(out _));
            }
            else
            {
                Pool[key] = same = [];
            }

            same.Add(new WeakReference<PriceCurve>(curve));
            if (Pool.Count >= _sweepAt)
            {
                // Curves of days gone by are collected; drop their entries once the pool has doubled.
                foreach (var (hash, list) in Pool.ToList())
                {
                    if (list.RemoveAll(w => !w.TryGetTarget(out _)) > 0 && list.Count == 0)
                    {
                        Pool.Remove(hash);
                    }
                }

                _sweepAt = Math.Max(64, Pool.Count * 2);
            }

            return curve;
        }
    }

    public string Currency { get; }

    public IReadOnlyList<PriceSlot> Slots => _slots;

    public bool IsEmpty => _slots.Length == 0;

    public DateTimeOffset? Start => _slots.Length == 0 ? null : _slots[0].Start;

    public DateTimeOffset? End => _slots.Length == 0 ? null : _slots[^1].End;

    /// <summary>The slot holding <paramref name="instant"/>, or null in a gap or outside the curve.</summary>
    public PriceSlot? At(DateTimeOffset instant)
    {
        var lo = 0;
        var hi = _slots.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var slot = _slots[mid];
            if (instant < slot.Start)
            {
                hi = mid - 1;
            }
            else if (instant >= slot.End)
            {
                lo = mid + 1;
            }
            else
            {
                return slot;
            }
        }

        return null;
    }

    /// <summary>Slots that overlap [from, to).</summary>
    public IEnumerable<PriceSlot> Between(DateTimeOffset from, DateTimeOffset to) =>
        _slots.Where(s => s.End > from && s.Start < to);

    /// <summary>
    /// Time-weighted mean price over [from, to), or null unless slots cover the whole interval.
    /// This is how a next hour made of four quarter-hours gets one price.
    /// </summary>
    public decimal? MeanOver(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return null;
        }

        decimal weighted = 0;
        var covered = TimeSpan.Zero;
        foreach (var slot in Between(from, to))
        {
            var start = slot.Start > from ? slot.Start : from;
            var end = slot.End < to ? slot.End : to;
            var part = end - start;
            weighted += slot.Price * (decimal)part.TotalSeconds;
            covered += part;
        }

        return covered == to - from ? weighted / (decimal)covered.TotalSeconds : null;
    }

    /// <summary>The first slot boundary strictly after <paramref name="instant"/>: when the published price may change.</summary>
    /// <summary>
    /// The level of <paramref name="slot"/>: its own (the API's or the tariff band's) where it has one, else the documented
    /// ratio rule (<see cref="PriceLevels.FromRatio"/>) against the time-weighted mean of the known slots of its local day
    /// in <paramref name="zone"/>. The one place the rule is applied.
    /// </summary>
    public PriceLevel LevelOf(PriceSlot slot, TimeZoneInfo zone)
    {
        if (slot.Level is { } own)
        {
            return own;
        }

        var day = LocalDay.Of(slot.Start, zone);
        var seconds = 0m;
        var weighted = 0m;
        foreach (var known in Between(day.Start, day.End))
        {
            var length = (decimal)(known.End - known.Start).TotalSeconds;
            seconds += length;
            weighted += known.Price * length;
        }

        return PriceLevels.FromRatio(slot.Price, seconds > 0 ? weighted / seconds : slot.Price);
    }

    /// <summary>The same curve with every slot's level set: its own, or by <see cref="LevelOf"/>.</summary>
    public PriceCurve WithLevels(TimeZoneInfo zone) =>
        new(Currency, _slots.Select(s => s.Level is null ? s with { Level = LevelOf(s, zone) } : s));

    public DateTimeOffset? NextBoundaryAfter(DateTimeOffset instant)
    {
        foreach (var slot in _slots)
        {
            if (slot.Start > instant)
            {
                return slot.Start;
            }

            if (slot.End > instant)
            {
                return slot.End;
            }
        }

        return null;
    }

    /// <summary>
    /// This curve with <paramref name="newer"/> laid over it: a slot of the newer answer replaces every known slot it
    /// overlaps; a known slot the newer answer does not cover stays. So a thin answer never erases a known price.
    /// The currency is the newer one's (unless it has no slots).
    /// </summary>
    public PriceCurve Merge(PriceCurve newer)
    {
        if (newer.IsEmpty)
        {
            return this;
        }

        if (IsEmpty)
        {
            return newer;
        }

        var kept = _slots.Where(s => newer.Between(s.Start, s.End).FirstOrDefault() is null);
        return new PriceCurve(newer.Currency, kept.Concat(newer.Slots));
    }

    private int ContentHash()
    {
        var hash = new HashCode();
        hash.Add(Currency, StringComparer.Ordinal);
        foreach (var slot in _slots)
        {
            hash.Add(slot);
        }

        return hash.ToHashCode();
    }

    private bool SameContent(PriceCurve other) =>
        string.Equals(Currency, other.Currency, StringComparison.Ordinal) && _slots.AsSpan().SequenceEqual(other._slots);

    /// <summary>Drops slots that ended before <paramref name="instant"/>, so a long-running bridge does not grow.</summary>
    public PriceCurve TrimBefore(DateTimeOffset instant) =>
        _slots.Length == 0 || _slots[0].End > instant ? this : new PriceCurve(Currency, _slots.Where(s => s.End > instant));
}
