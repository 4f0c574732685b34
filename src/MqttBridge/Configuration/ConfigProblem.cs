namespace MqttBridge.Configuration;

/// <summary>
/// One thing wrong with the configuration, as the user sees it:
/// <c>sites[0].tariff.type (line 14): unknown tariff type 'digim'; did you mean 'digin'?</c>.
/// </summary>
/// <param name="Path">Dotted key path with list indices (<c>mqtt.port</c>, <c>sites[0].tariff.bands[1].hours</c>); empty for the file as a whole.</param>
/// <param name="Line">1-based line in the YAML file, or null when the value came from elsewhere (an environment variable, a default).</param>
/// <param name="Message">What is wrong, without echoing secret values.</param>
internal sealed record ConfigProblem(string Path, int? Line, string Message)
{
    /// <summary>The environment variable that supplied the offending key or value, if any.</summary>
    public string? Variable { get; init; }

    public override string ToString()
    {
        var where = Path;
        if (Variable is not null)
        {
            where += $" (from {Variable})";
        }

        if (Line is { } line)
        {
            where += where.Length == 0 ? $"line {line}" : $" (line {line})";
        }

        return where.Length == 0 ? Message : $"{where.TrimStart()}: {Message}";
    }
}

/// <summary>The outcome of loading a configuration: options when valid, otherwise every problem found.</summary>
internal sealed record ConfigResult(BridgeOptions? Options, IReadOnlyList<ConfigProblem> Problems)
{
    public bool IsValid => Options is not null && Problems.Count == 0;

    /// <summary>What validates but looks unintended (an example's placeholder key); reported, never fatal.</summary>
    public IReadOnlyList<ConfigProblem> Warnings { get; init; } = [];
}
