using System.Text;
using System.Text.Json;
using FluentAssertions;
using SparkK8s.Core.EventLogs;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>
/// The structural skip ends every object and array exactly where <see cref="Utf8JsonReader"/> does, over values that
/// span many 64-byte blocks, with quotes, brackets and runs of backslashes inside strings at every offset of a block;
/// a value that is cut or closed by the wrong bracket does not end.
/// </summary>
public class JsonStructureTests
{
    private const string StringCharacters = "ab\"\\{}[]:,é\n\t";

    // Quotes and backslashes are written as \" and \\, non-ASCII as UTF-8 (the default would write \u0022 and \u00e9).
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void Random_values_end_where_the_json_reader_ends_them()
    {
        var random = new Random(20261201);
        for (var round = 0; round < 3000; round++)
        {
            var value = Value(random, depth: 1 + random.Next(5), container: true);
            var prefix = new string(' ', random.Next(70));
            // What follows the value is up to two blocks long, so values end in full 64-byte blocks as well as in the tail.
            var json = Encoding.UTF8.GetBytes(prefix + value + new string(']', random.Next(3)) + new string(' ', random.Next(130)) + "}]");

            JsonStructure.SkipContainer(json, prefix.Length).Should().Be(prefix.Length + ReaderEnd(Encoding.UTF8.GetBytes(value)), value);
        }
    }

    [Fact]
    public void A_cut_value_never_ends()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var json = Encoding.UTF8.GetBytes(Value(random, depth: 3, container: true));
            var cut = random.Next(1, json.Length);

            JsonStructure.SkipContainer(json.AsSpan(0, cut), 0).Should().Be(-1, Encoding.UTF8.GetString(json, 0, cut));
        }
    }

    [Theory]
    [InlineData("{\"a\":[1,2}")]
    [InlineData("[{\"a\":1]")]
    [InlineData("{\"a\":\"}\"")]
    [InlineData("[\"\\\"]\"")]
    [InlineData("{\"a\":\"\\\\\\\"}\"")]
    public void Wrong_or_missing_closing_brackets_do_not_end(string json)
    {
        JsonStructure.SkipContainer(Encoding.UTF8.GetBytes(json), 0).Should().Be(-1);
    }

    [Fact]
    public void Backslash_runs_across_block_boundaries_are_read_as_escapes()
    {
        for (var offset = 0; offset < 130; offset++)
        {
            for (var run = 1; run <= 5; run++)
            {
                // A string whose backslash run ends at every offset: an odd run escapes the quote after it, an even run does not.
                var content = new string('x', offset) + new string('\\', run) + (run % 2 == 1 ? "\"" : "") + "]\"";
                var value = "[\"" + content + ",[1]]";
                var bytes = Encoding.UTF8.GetBytes(value + new string(' ', offset % 70));

                JsonStructure.SkipContainer(bytes, 0).Should().Be(ReaderEnd(Encoding.UTF8.GetBytes(value)), value);
            }
        }
    }

    [Fact]
    public void The_prefix_xor_marks_the_bytes_between_quotes()
    {
        var random = new Random(3);
        for (var round = 0; round < 1000; round++)
        {
            var bits = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            ulong expected = 0;
            var parity = 0UL;
            for (var i = 0; i < 64; i++)
            {
                parity ^= bits >> i & 1;
                expected |= parity << i;
            }

            JsonStructure.PrefixXor(bits).Should().Be(expected);
        }
    }

    [Fact]
    public void A_string_ends_at_its_first_unescaped_quote()
    {
        var json = "\"a\\\"b\\\\\" tail"u8;

        JsonStructure.SkipString(json, 0, out var escaped).Should().Be(8);
        escaped.Should().BeTrue();
        JsonStructure.SkipString("\"abc"u8, 0, out _).Should().Be(-1);
        JsonStructure.SkipString("\"abc\\"u8, 0, out _).Should().Be(-1);
    }

    private static int ReaderEnd(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Skip();
        return (int)reader.BytesConsumed;
    }

    private static string Value(Random random, int depth, bool container = false)
    {
        var pick = container ? 4 + random.Next(2) : depth == 0 ? random.Next(4) : random.Next(6);
        switch (pick)
        {
            case 0:
                return JsonSerializer.Serialize(new string([.. Enumerable.Range(0, random.Next(100)).Select(_ => StringCharacters[random.Next(StringCharacters.Length)])]), Relaxed);
            case 1:
                return random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case 2:
                return "null";
            case 3:
                return random.Next(2) == 0 ? "true" : "false";
            case 4:
                return "[" + string.Join(Spaces(random) + "," + Spaces(random), Enumerable.Range(0, random.Next(8)).Select(_ => Value(random, Math.Max(0, depth - 1)))) + Spaces(random) + "]";
            default:
                return "{" + string.Join(",", Enumerable.Range(0, random.Next(8)).Select(i => Spaces(random) + JsonSerializer.Serialize("k" + i + "\"]}", Relaxed) + ":" + Spaces(random) + Value(random, Math.Max(0, depth - 1)))) + "}";
        }
    }

    private static string Spaces(Random random) => random.Next(4) == 0 ? new string(' ', random.Next(1, 4)) : "";
}
