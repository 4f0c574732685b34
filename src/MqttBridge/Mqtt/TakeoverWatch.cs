namespace MqttBridge.Mqtt;

/// <summary>
/// Spots a connection that keeps being taken over: a broker closes a client's connection when another client connects
/// with the same client id, and two bridges sharing one id throw each other off every few seconds, for ever. Fed the
/// length of each connection that ended; says so once after <see cref="ShortInARow"/> short ones in a row, and again
/// only after a connection has lasted.
/// </summary>
internal sealed class TakeoverWatch
{
    /// <summary>A connection that ends sooner than this after connecting counts as thrown off.</summary>
    public static readonly TimeSpan ShortConnection = TimeSpan.FromSeconds(30);

    public const int ShortInARow = 3;

    private int _short;
    private bool _told;

    /// <summary>How many short connections in a row so far.</summary>
    public int ShortCount => _short;

    /// <summary>Records a connection that lasted <paramref name="lasted"/>; true exactly when it is time to say so.</summary>
    public bool Ended(TimeSpan lasted)
    {
        if (lasted >= ShortConnection)
        {
            _short = 0;
            _told = false;
            return false;
        }

        _short++;
        if (_short < ShortInARow || _told)
        {
            return false;
        }

        _told = true;
        return true;
    }
}
