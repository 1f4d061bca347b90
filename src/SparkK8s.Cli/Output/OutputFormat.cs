using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SparkK8s.Cli.Output;

/// <summary>How a command prints its result: a table for people, JSON (or CSV, or SARIF for validate) for machines.</summary>
public enum OutputFormat
{
    Table,
    Json,
    Csv,

    /// <summary>SARIF 2.1.0 (validate, for GitHub code scanning).</summary>
    Sarif,
}

public static class OutputOptions
{
    /// <summary>The shared <c>--output/-o</c> option, restricted to the formats a command supports.</summary>
    public static Option<OutputFormat> Create(params OutputFormat[] allowed) => Create(withShortAlias: true, allowed);

    /// <summary>The <c>--output</c> option; without the <c>-o</c> alias for a command whose <c>-o</c> names a file (<c>new</c>).</summary>
    public static Option<OutputFormat> Create(bool withShortAlias, params OutputFormat[] allowed)
    {
        var formats = allowed.Length == 0 ? [OutputFormat.Table, OutputFormat.Json] : allowed;
        var option = new Option<OutputFormat>("--output", withShortAlias ? ["-o"] : [])
        {
            Description = $"Output format: {string.Join(", ", formats.Select(f => f.ToString().ToLowerInvariant()))}.",
            // The formats this command takes, not every member of the enum (System.CommandLine's default help name).
            HelpName = string.Join("|", formats.Select(f => f.ToString().ToLowerInvariant())),
            DefaultValueFactory = _ => formats[0],
            CustomParser = result =>
            {
                var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                foreach (var format in formats)
                {
                    if (string.Equals(format.ToString(), token, StringComparison.OrdinalIgnoreCase))
                    {
                        return format;
                    }
                }

                result.AddError($"--output: '{token}' is not one of {string.Join(", ", formats.Select(f => f.ToString().ToLowerInvariant()))}.");
                return formats[0];
            },
        };
        return option;
    }

    /// <summary>JSON settings every command uses: camelCase, indented, enums as camelCase strings.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void WriteJson<T>(TextWriter writer, T value) =>
        WriteJson(writer, stream => JsonSerializer.Serialize(stream, value, Json), () => JsonSerializer.Serialize(value, Json));

    /// <summary>
    /// Writes <paramref name="value"/> with source-generated metadata (<see cref="GeneratedJson"/>): the same bytes as
    /// <see cref="WriteJson{T}(TextWriter, T)"/>, without building the serializer's metadata by reflection first.
    /// </summary>
    public static void WriteJson<T>(TextWriter writer, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        WriteJson(writer, stream => JsonSerializer.Serialize(stream, value, type), () => JsonSerializer.Serialize(value, type));

    private static void WriteJson(TextWriter writer, Action<Stream> serializeTo, Func<string> serialize)
    {
        // On the process's stdout the document goes out as UTF-8 in 64 KiB writes while it is serialized: the same bytes
        // as the string, without a string the size of the report (a cost report of 7,632 applications is 10 MB).
        if (StandardOutput.StreamUnder(writer) is { } stream)
        {
            // Not disposed: that would close stdout itself.
            var buffered = new BufferedStream(stream, 64 * 1024);
            serializeTo(buffered);
            buffered.Write(NewLine);
            buffered.Flush();
            return;
        }

        writer.WriteLine(serialize());
    }

    private static readonly byte[] NewLine = System.Text.Encoding.UTF8.GetBytes(Environment.NewLine);
}
