namespace MqttBridge.TestSupport;

/// <summary>Files of the checkout the tests read (the default config, examples, golden files). Linked into both test projects.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "MqttBridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MqttBridge.sln not found above " + AppContext.BaseDirectory);
    }
}
