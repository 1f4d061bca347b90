using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Rendering;

/// <summary>One rendered document: its YAML as helm printed it and the parsed object.</summary>
public sealed record RenderedDocument(string Yaml, KubeObject Object)
{
    public const string ComponentLabel = "app.kubernetes.io/component";

    /// <summary>The app.kubernetes.io/component label, or "common" for objects without one.</summary>
    public string Component => Object.Labels.TryGetValue(ComponentLabel, out var c) && c.Length > 0 ? c : "common";
}

/// <summary>The result of rendering a preset: the full YAML stream and each document.</summary>
public sealed record RenderedManifest(string Yaml, IReadOnlyList<RenderedDocument> Documents, RenderOptions Options)
{
    public IReadOnlyList<KubeObject> Objects => Documents.Select(d => d.Object).ToList();

    public static RenderedManifest Parse(string yaml, RenderOptions options) => Parse(yaml, options, cache: null);

    /// <param name="cache">Null: parse every document. Otherwise documents already parsed in this run are shared.</param>
    internal static RenderedManifest Parse(string yaml, RenderOptions options, RenderedDocumentCache? cache)
    {
        var documents = new List<RenderedDocument>();
        foreach (var (text, source) in ManifestParser.SplitDocuments(yaml))
        {
            var parsed = cache is null ? ManifestParser.ParseYaml(text, source ?? "manifest") : cache.Body(text, source ?? "manifest");
            if (parsed is System.Text.Json.Nodes.JsonObject body && body.Count > 0)
            {
                documents.Add(new RenderedDocument(text.Trim('\n') + "\n", new KubeObject(body, source)));
            }
        }

        return new RenderedManifest(yaml, documents, options);
    }
}
