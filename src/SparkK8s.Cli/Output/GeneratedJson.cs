using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SparkK8s.Core.Cost;

namespace SparkK8s.Cli.Output;

/// <summary>
/// Source-generated JSON metadata for the cost report, so a cost run does not first build the serializer's metadata by
/// reflection (emitting and compiling a getter for each of the report's ~60 properties: about 20 ms of every run,
/// docs/en/performance.md). The options are <see cref="OutputOptions.Json"/>'s (the report has no enums, so its
/// enum converter is not needed), so the bytes are the same; GeneratedJsonTests compare the two. Written through
/// the metadata, not the generated fast path, which System.Text.Json allows only without a custom encoder; the
/// entry of each application, the bulk of a report, by <see cref="AppCostJsonConverter"/>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(CostReport))]
public sealed partial class GeneratedJson : JsonSerializerContext
{
    /// <summary>The context with <see cref="OutputOptions.Json"/>'s settings, its encoder included (non-ASCII text as UTF-8).</summary>
    public static GeneratedJson Output { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new AppCostJsonConverter() },
    });
}
