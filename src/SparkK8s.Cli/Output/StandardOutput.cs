namespace SparkK8s.Cli.Output;

/// <summary>
/// The process's standard output as Program.cs sets it up: the text writer commands get, and the byte stream under it.
/// Large JSON reports are serialized straight into the stream as UTF-8 (no report-sized string, no transcoding).
/// </summary>
public static class StandardOutput
{
    private static TextWriter? s_writer;
    private static Stream? s_stream;

    /// <summary>Records that <paramref name="writer"/> writes UTF-8 to <paramref name="stream"/> and nothing else does.</summary>
    public static void Use(TextWriter writer, Stream stream)
    {
        s_writer = writer;
        s_stream = stream;
    }

    /// <summary>The byte stream under <paramref name="writer"/> once the writer is flushed, or null for any other writer.</summary>
    public static Stream? StreamUnder(TextWriter writer)
    {
        if (s_stream is null || !ReferenceEquals(writer, s_writer))
        {
            return null;
        }

        writer.Flush();
        return s_stream;
    }
}
