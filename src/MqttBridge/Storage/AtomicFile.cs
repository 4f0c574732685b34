using System.Text;

namespace MqttBridge.Storage;

/// <summary>
/// How everything under data_dir is written: to a temporary file beside the target, then renamed over it, so a crash
/// or a full disk mid-write leaves the previous file whole, never half of a new one.
/// </summary>
internal static class AtomicFile
{
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes <paramref name="text"/> (UTF-8, no byte order mark) to <paramref name="path"/>, creating its folder.
    /// With <paramref name="ownerOnly"/> (secrets such as an access token) the folder is 0700 and the file 0600 on
    /// Unix, from the moment it exists. Returns null when written, else the reason it was not (an I/O or permission
    /// fault; never thrown, since the caller keeps serving from memory and logs this in its own words).
    /// </summary>
    public static string? TryWrite(string path, string text, bool ownerOnly = false) =>
        TryWrite(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            writer.Write(text);
        }, ownerOnly);

    /// <summary>
    /// As <see cref="TryWrite(string, string, bool)"/>, with the content streamed by <paramref name="write"/>: for
    /// large files (the discovery record of 10,000 sites is some 50 MB) that should never be one string in memory.
    /// </summary>
    public static string? TryWrite(string path, Action<Stream> write, bool ownerOnly = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = path + ".tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (ownerOnly && !OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder, OwnerFolder);
                File.SetUnixFileMode(folder, OwnerFolder);
                options.UnixCreateMode = OwnerFile;
            }
            else
            {
                Directory.CreateDirectory(folder);
            }

            using (var stream = new FileStream(temp, options))
            {
                write(stream);
            }

            if (ownerOnly && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, OwnerFile);
            }

            File.Move(temp, path, overwrite: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }
}
