using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>
/// The event-line parser (<see cref="JsonLineCursor"/> over the bytes, unread values passed over by structure) reads
/// every log exactly as the token-by-token <see cref="Utf8JsonReader"/> parser it replaced (<see cref="ReferenceEventLineParser"/>):
/// Spark's fixture logs as written, and thousands of rewritten versions of them that are still valid JSON: whitespace
/// between every token, properties in another order, \u escapes in names and strings, numbers written as strings,
/// fractions and exponents, values replaced by null, booleans or strings, and unknown fields holding nested values with
/// quotes, backslashes and brackets inside strings. Both must give the same summary, or fail with the same kind of error.
/// </summary>
public class EventLineParserEquivalenceTests
{
    private static readonly string[] ParsedEvents =
    [
        "SparkListenerTaskEnd", "SparkListenerExecutorAdded", "SparkListenerExecutorRemoved", "SparkListenerStageCompleted",
        "SparkListenerJobStart", "SparkListenerJobEnd", "SparkListenerEnvironmentUpdate", "SparkListenerApplicationStart",
        "SparkListenerApplicationEnd", "SparkListenerLogStart",
    ];

    private const string NoiseCharacters = "ab\"\\{}[]:, \u00e9\n";

    public static TheoryData<string> Fixtures => [.. FixtureLogs().Select(p => Path.GetFileName(p))];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_fixture_log_as_written_reads_the_same(string fixture)
    {
        var lines = Lines(fixture);

        Outcome(lines, EventLineParser.Process).Should().Be(Outcome(lines, ReferenceEventLineParser.Process));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Rewritten_but_valid_logs_read_the_same(string fixture)
    {
        var lines = Lines(fixture);
        for (var seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed * 7919 + fixture.Length);
            var rewritten = lines.Select(line => IsParsed(line) && random.NextDouble() < 0.7 ? Rewrite(line, random) : line).ToList();

            var expected = Outcome(rewritten, ReferenceEventLineParser.Process);
            var actual = Outcome(rewritten, EventLineParser.Process);

            actual.Should().Be(expected, $"seed {seed} of {fixture} reads the same with both parsers");
        }
    }

    [Fact]
    public void The_rewrites_do_reach_every_rule()
    {
        var random = new Random(1);
        var line = Lines("app-20161116163331-0000").First(l => Encoding.UTF8.GetString(l).Contains("SparkListenerTaskEnd", StringComparison.Ordinal));
        var texts = Enumerable.Range(0, 400).Select(_ => Encoding.UTF8.GetString(Rewrite(line, random))).ToList();

        texts.Should().Contain(t => t.Contains("\\u00", StringComparison.Ordinal), "names and strings are escaped");
        texts.Should().Contain(t => t.Contains("\t", StringComparison.Ordinal) || t.Contains("  ", StringComparison.Ordinal), "whitespace goes between tokens");
        texts.Should().Contain(t => t.Contains("e+", StringComparison.Ordinal) || t.Contains("E", StringComparison.Ordinal), "numbers get exponents");
        texts.Should().Contain(t => t.Contains("\"x-unknown", StringComparison.Ordinal), "unknown fields are added");
        texts.Should().Contain(t => !t.StartsWith("{\"Event\"", StringComparison.Ordinal), "the event name is not always first");
    }

    private delegate bool Parser(ReadOnlySpan<byte> line, ApplicationAccumulator app);

    /// <summary>The summary as JSON, or the kind of error, after every line went through <paramref name="parse"/>.</summary>
    private static string Outcome(IReadOnlyList<byte[]> lines, Parser parse)
    {
        var app = new ApplicationAccumulator("app");
        try
        {
            foreach (var line in lines)
            {
                parse(line, app);
            }

            return JsonSerializer.Serialize(app.Build(markedInProgress: false));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or OverflowException)
        {
            return ex.GetType().Name;
        }
    }

    private static IEnumerable<string> FixtureLogs() =>
        Directory.EnumerateFileSystemEntries(RepoPaths.SparkEventLogs).Where(p => !p.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    private static List<byte[]> Lines(string fixture)
    {
        var path = Path.Combine(RepoPaths.SparkEventLogs, fixture);
        var files = Directory.Exists(path) ? Directory.GetFiles(path).Order(StringComparer.Ordinal).ToArray() : [path];
        return [.. files.SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(Encoding.UTF8.GetBytes)];
    }

    private static bool IsParsed(byte[] line)
    {
        var name = Encoding.UTF8.GetString(EventLineParser.EventName(line));
        return ParsedEvents.Contains(name);
    }

    private static byte[] Rewrite(byte[] line, Random random)
    {
        var node = JsonNode.Parse(line)!;
        var builder = new StringBuilder();
        Write(Mutate(node, random, depth: 0), builder, random, top: true);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>A copy of <paramref name="node"/> with some values changed in ways both parsers must read alike.</summary>
    private static JsonNode? Mutate(JsonNode? node, Random random, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
                var members = obj.Select(p => (p.Key, Value: Mutate(p.Value, random, depth + 1))).ToList();
                if (random.NextDouble() < 0.15)
                {
                    members.Insert(random.Next(members.Count + 1), ("x-unknown-" + random.Next(1000), NestedNoise(random, 3)));
                }

                if (random.NextDouble() < 0.1)
                {
                    members = [.. members.OrderBy(_ => random.Next())];
                }

                var copy = new JsonObject();
                foreach (var (key, value) in members)
                {
                    copy[key] = value;
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(e => Mutate(e, random, depth + 1))]);
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && random.NextDouble() < 0.12:
                var number = value.GetValue<decimal>();
                return random.Next(5) switch
                {
                    0 => JsonValue.Create(number.ToString(CultureInfo.InvariantCulture)),
                    1 => JsonNode.Parse(number.ToString(CultureInfo.InvariantCulture) + ".0"),
                    2 => JsonNode.Parse(((double)number).ToString("E3", CultureInfo.InvariantCulture)),
                    3 => JsonNode.Parse((-number).ToString(CultureInfo.InvariantCulture)),
                    _ => null,
                };
            case JsonValue value when value.GetValueKind() == JsonValueKind.String && random.NextDouble() < 0.05:
                return random.Next(3) switch
                {
                    0 => null,
                    1 => JsonValue.Create(random.Next(2) == 0),
                    _ => JsonValue.Create(random.Next(100)),
                };
            case null when random.NextDouble() < 0.5:
                return JsonValue.Create("x");
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>A value no parser reads: nested objects and arrays whose strings hold quotes, backslashes and brackets.</summary>
    private static JsonNode? NestedNoise(Random random, int depth)
    {
        var pick = depth == 0 ? random.Next(4) : random.Next(6);
        return pick switch
        {
            0 => JsonValue.Create(new string([.. Enumerable.Range(0, random.Next(90)).Select(_ => NoiseCharacters[random.Next(NoiseCharacters.Length)])])),
            1 => JsonValue.Create(random.Next() * (random.Next(2) == 0 ? 1 : -1)),
            2 => null,
            3 => JsonValue.Create(random.Next(2) == 0),
            4 => new JsonArray([.. Enumerable.Range(0, random.Next(6)).Select(_ => NestedNoise(random, depth - 1))]),
            _ => new JsonObject(Enumerable.Range(0, random.Next(6)).Select(i => KeyValuePair.Create("k" + i + "\"}]", NestedNoise(random, depth - 1)))),
        };
    }

    /// <summary>Writes JSON with random whitespace between tokens and random \u escapes in names and strings.</summary>
    private static void Write(JsonNode? node, StringBuilder output, Random random, bool top = false)
    {
        Space(output, random, top);
        switch (node)
        {
            case JsonObject obj:
                output.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first)
                    {
                        Space(output, random);
                        output.Append(',');
                    }

                    first = false;
                    Space(output, random);
                    WriteString(key, output, random);
                    Space(output, random);
                    output.Append(':');
                    Write(value, output, random);
                }

                Space(output, random);
                output.Append('}');
                break;
            case JsonArray array:
                output.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        Space(output, random);
                        output.Append(',');
                    }

                    Write(array[i], output, random);
                }

                Space(output, random);
                output.Append(']');
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                WriteString(value.GetValue<string>(), output, random);
                break;
            default:
                output.Append(node?.ToJsonString() ?? "null");
                break;
        }

        Space(output, random, top);
    }

    private static void WriteString(string text, StringBuilder output, Random random)
    {
        var escapeSome = random.NextDouble() < 0.1;
        output.Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\' || c < 0x20 || (escapeSome && random.NextDouble() < 0.3))
            {
                output.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\n' => "\\n",
                    _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                });
            }
            else
            {
                output.Append(c);
            }
        }

        output.Append('"');
    }

    private static void Space(StringBuilder output, Random random, bool top = false)
    {
        // The line's first bytes stay {"Event":" most of the time, as Spark writes them (the parser's fast path).
        if (random.NextDouble() < (top ? 0.1 : 0.04))
        {
            output.Append(" \t  \r "[..(1 + random.Next(5))]);
        }
    }
}
