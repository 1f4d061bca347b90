using System.Text;
using FluentAssertions;
using SparkK8s.Cli.Output;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>JSON on the process's stdout is serialized straight into the byte stream: the same bytes, and stdout stays open.</summary>
[Collection(nameof(StandardOutputTests))]
public class StandardOutputTests
{
    private sealed record Report(string Name, double CostUsd, IReadOnlyList<string> Tags, Nested Inner);

    private sealed record Nested(bool Completed, string? Note);

    [Fact]
    public void Json_written_through_the_stream_is_the_json_written_as_text()
    {
        var report = new Report("nightly «trips» \"agg\" <b>", 0.0421, ["a", "b\nc", "ü€𝄞"], new Nested(true, null));
        using var viaText = new StringWriter();
        OutputOptions.WriteJson(viaText, report);

        using var stream = new MemoryStream();
        var writer = new StreamWriter(stream, new UTF8Encoding(false), 1024) { AutoFlush = true };
        StandardOutput.Use(writer, stream);
        try
        {
            writer.Write("before\n");
            OutputOptions.WriteJson(writer, report);
            writer.Write("after\n");
        }
        finally
        {
            StandardOutput.Use(TextWriter.Null, Stream.Null);
        }

        Encoding.UTF8.GetString(stream.ToArray()).Should().Be("before\n" + viaText + "after\n");
    }
}
