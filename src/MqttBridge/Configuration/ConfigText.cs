using System.Text;

namespace MqttBridge.Configuration;

/// <summary>
/// Reads a configuration file as UTF-8 (a byte order mark is fine). Anything else — a Latin-1 file saved by an old
/// editor, UTF-16 from Notepad — is a problem naming the file and the first line that is not UTF-8, never text with
/// replacement characters that would end up in Home Assistant's device names.
/// </summary>
internal static class ConfigText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text, or null with the problem added (missing, a directory, unreadable, not UTF-8).</summary>
    /// <param name="hint">Said when the file is missing, e.g. "pass another with --config PATH".</param>
    public static string? Read(string path, string hint, List<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (Directory.Exists(path))
        {
            problems.Add(new ConfigProblem(string.Empty, null, $"'{path}' is a directory, not a configuration file; name the file itself, e.g. {Path.Combine(path, "mqttbridge.yaml")}"));
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            problems.Add(new ConfigProblem(string.Empty, null, $"'{path}' was not found; {hint}"));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new ConfigProblem(string.Empty, null, $"'{path}' cannot be read: {e.Message}"));
            return null;
        }

        return Decode(bytes, path, problems);
    }

    /// <summary>UTF-8 text without its byte order mark, or null with a problem naming the first bad line.</summary>
    public static string? Decode(ReadOnlySpan<byte> bytes, string path, List<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        else if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            problems.Add(new ConfigProblem(string.Empty, 1, $"{path} is UTF-16 text; the file must be UTF-8 (save it as UTF-8; a byte order mark is fine)"));
            return null;
        }

        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // '\n' never occurs inside a UTF-8 sequence, so lines can be checked one by one to find the first bad one.
            var line = 1;
            var rest = bytes;
            while (true)
            {
                var end = rest.IndexOf((byte)'\n');
                var current = end < 0 ? rest : rest[..end];
                if (!System.Text.Unicode.Utf8.IsValid(current))
                {
                    break;
                }

                if (end < 0)
                {
                    break;
                }

                rest = rest[(end + 1)..];
                line++;
            }

            problems.Add(new ConfigProblem(string.Empty, line, $"{path} is not UTF-8 text ({FirstBadByte(rest)}); the file must be UTF-8: save it as UTF-8 (a byte order mark is fine)"));
            return null;
        }
    }

    /// <summary>"'ø' is a single byte, as in Latin-1", naming the first byte of <paramref name="line"/> that is not UTF-8.</summary>
    private static string FirstBadByte(ReadOnlySpan<byte> line)
    {
        Span<char> sink = stackalloc char[256];
        var offset = 0;
        while (offset < line.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(line[offset..], sink, out var read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status != System.Buffers.OperationStatus.DestinationTooSmall)
            {
                break;
            }
        }

        if (offset >= line.Length)
        {
            return "a character is cut off at the end of the line";
        }

        var b = line[offset];
        return b >= 0xA0 ? $"here '{(char)b}' is a single byte, as in Latin-1" : $"here byte 0x{b:X2} is not UTF-8";
    }
}
