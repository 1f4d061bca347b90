using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Validation.Schema;

namespace SparkK8s.Core.Rendering;

/// <summary>
/// The work on one rendered document that depends only on its text, done once for every render of one
/// <c>validate --all</c> run that prints the same document: its parse, and its schema violations. Most objects of the
/// preset matrix come out identically in several renders (1,292 documents, 338 distinct, on 1 December 2026), so this
/// parses and schema-checks only the distinct ones. The text is the key (helm's <c># Source:</c> line included), so a
/// changed chart, values file or helm gives other text and is parsed afresh; the cache lives for one run only, against
/// one schema store and one set of skipped kinds. The parsed objects are shared and read-only: no check changes them.
/// </summary>
internal sealed class RenderedDocumentCache
{
    private readonly ConcurrentDictionary<string, JsonObject?> _bodies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<SchemaViolation>> _violations = new(StringComparer.Ordinal);

    /// <summary>How many distinct documents were parsed.</summary>
    public int Parsed => _bodies.Count;

    /// <summary>The document's object (null when it holds none), parsed the first time its text is seen.</summary>
    public JsonObject? Body(string text, string sourceName) =>
        _bodies.GetOrAdd(text, static (yaml, source) => ManifestParser.ParseYaml(yaml, source) is JsonObject body && body.Count > 0 ? body : null, sourceName);

    /// <summary>The schema violations of the document's object, checked the first time its text is seen.</summary>
    public IReadOnlyList<SchemaViolation> Violations(string text, Func<IReadOnlyList<SchemaViolation>> validate) =>
        _violations.GetOrAdd(text, static (_, check) => check(), validate);
}
