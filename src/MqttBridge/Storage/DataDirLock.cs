namespace MqttBridge.Storage;

/// <summary>
/// This process's claim on <c>data_dir</c>: an exclusive lock on <c>data_dir/mqttbridge.lock</c>, held until
/// disposed (the OS drops it when the process dies, so a crash never leaves a stale claim). Two bridges on one
/// data_dir would overwrite each other's caches, discovery record and client id and spend API calls twice.
/// </summary>
internal sealed class DataDirLock : IDisposable
{
    /// <summary>The lock file's name inside data_dir.</summary>
    public const string FileName = "mqttbridge.lock";

    private readonly FileStream? _file;

    private DataDirLock(FileStream? file, string? problem, bool inUse)
    {
        _file = file;
        Problem = problem;
        InUse = inUse;
    }

    /// <summary>True when another process holds data_dir: this one must not run.</summary>
    public bool InUse { get; }

    /// <summary>Why data_dir could not be claimed (in use, not a folder, not writable), or null when it is held.</summary>
    public string? Problem { get; }

    /// <summary>
    /// Creates data_dir when missing and takes its lock. Never throws for file-system faults: a data_dir that cannot
    /// be written is reported in <see cref="Problem"/> (the bridge then runs without keeping data, as before).
    /// </summary>
    public static DataDirLock Acquire(string dataDir)
    {
        var full = Path.GetFullPath(dataDir);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new DataDirLock(null, $"data_dir {full} cannot be used as a folder ({ex.Message})", inUse: false);
        }

        var path = Path.Combine(full, FileName);
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Linux, checked by every other MqttBridge.
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true))
            {
                writer.WriteLine(Environment.ProcessId);
            }

            file.Flush();
            return new DataDirLock(file, null, inUse: false);
        }
        catch (UnauthorizedAccessException ex)
        {
            return new DataDirLock(null, $"data_dir {full} is not writable ({ex.Message})", inUse: false);
        }
        catch (IOException ex)
        {
            return new DataDirLock(
                null,
                $"data_dir {full} is in use by another MqttBridge ({path} is locked: {ex.Message}); two bridges on one data_dir would overwrite each other's cached answers and spend API calls twice. Stop the other one, or give each its own data_dir",
                inUse: true);
        }
    }

    public void Dispose() => _file?.Dispose();
}
