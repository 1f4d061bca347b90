using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SparkK8s.Core.Rendering;

namespace SparkK8s.Core.Validation.Lint;

/// <summary>
/// The checks <c>helm lint --strict</c> makes on each rendered document, done here on the output of the
/// <c>helm template</c> run that validation needs anyway, so a render is not rendered a second time by lint.
/// They follow helm's pkg/chart/v2/lint/rules/template.go and deprecations.go (helm/helm v4.1, the same rules as
/// pkg/lint/rules in v3.18): the object name must suit its kind, workload controllers need a label selector, a List
/// must not carry helm.sh/resource-policy on its items, a document must not start indented, and no deprecated
/// built-in API. Under --strict helm fails on warnings too, so each finding is an error, as a failed lint is today.
/// Findings read like helm's: "[WARNING] templates/x.yaml: message".
/// </summary>
public static partial class RenderedLintChecks
{
    public static IEnumerable<Finding> Run(RenderedManifest manifest)
    {
        // helm lint checks each template's whole output: the selector test looks for the words anywhere in it, the
        // List test reads only its first document, and the indent test only its first line.
        // Templates in path order, as helm's chart loader lists them (helm template prints them sorted by kind instead).
        foreach (var template in manifest.Documents.GroupBy(d => ChartRelative(d.Object.SourceTemplate)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var documents = template.ToList();
            var content = string.Concat(documents.Select(d => d.Yaml));
            var problems = new List<(string Level, string Message)>();
            if (IndentedStart(documents[0].Yaml) is { } line)
            {
                problems.Add(("WARNING", $"document starts with an illegal indent: \"{line}\", which may cause parsing problems"));
            }

            foreach (var document in documents)
            {
                var obj = document.Object;
                if (NameProblem(obj.Kind, obj.Body["metadata"]?["name"]) is { } name)
                {
                    problems.Add(("WARNING", name));
                }

                if (DeprecatedApis.Find(obj.ApiVersion, obj.Kind) is { } deprecated)
                {
                    problems.Add(("WARNING", deprecated));
                }

                if (obj.Kind is "Deployment" or "ReplicaSet" or "DaemonSet" or "StatefulSet"
                    && !content.Contains("matchLabels", StringComparison.Ordinal)
                    && !content.Contains("matchExpressions", StringComparison.Ordinal))
                {
                    problems.Add(("ERROR", $"a {obj.Kind} must contain matchLabels or matchExpressions, and \"{obj.Name}\" does not"));
                }
            }

            if (documents[0].Object.Kind == "List" && ListItemWithResourcePolicy(documents[0].Object.Body))
            {
                problems.Add(("ERROR", "annotation 'helm.sh/resource-policy' within List objects are ignored"));
            }

            foreach (var (level, message) in problems)
            {
                yield return new Finding(ValidationStage.Lint, "HELM001", Severity.Error, template.Key, string.Empty, $"[{level}] {message}", ChartLint.Hint);
            }
        }
    }

    /// <summary>"spark-k8s/templates/x.yaml" (as helm template prints it) to "templates/x.yaml" (as helm lint names it).</summary>
    private static string ChartRelative(string? source)
    {
        if (string.IsNullOrEmpty(source))
        {
            return "templates/";
        }

        var slash = source.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && source[(slash + 1)..].StartsWith("templates/", StringComparison.Ordinal) ? source[(slash + 1)..] : source;
    }

    /// <summary>The first content line when it is indented (comments such as "# Source:" included, as helm sees them).</summary>
    private static string? IndentedStart(string yaml)
    {
        foreach (var raw in yaml.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.StartsWith("# Source: ", StringComparison.Ordinal) || line == "---")
            {
                continue;
            }

            return line.StartsWith(' ') || line.StartsWith('\t') ? line : null;
        }

        return null;
    }

    /// <summary>Kubernetes' naming rule for the kind, as helm's validateMetadataNameFunc picks it.</summary>
    internal static string? NameProblem(string kind, JsonNode? nameNode)
    {
        var name = nameNode is JsonValue value && value.TryGetValue<string>(out var text) ? text : nameNode?.ToJsonString() ?? string.Empty;
        string? problem = kind.ToLowerInvariant() switch
        {
            "service" => Dns1035Label(name),
            "namespace" => Dns1123Label(name),
            "certificatesigningrequest" => null,
            "role" or "clusterrole" or "rolebinding" or "clusterrolebinding" => PathSegment(name),
            _ => Dns1123Subdomain(name),
        };
        return problem is null ? null : $"object name does not conform to Kubernetes naming requirements: \"{name}\": metadata.name: Invalid value: \"{name}\": {problem}";
    }

    private static string? Dns1123Subdomain(string name) =>
        name.Length > 253 ? "must be no more than 253 characters"
        : Dns1123SubdomainPattern().IsMatch(name) ? null
        : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private static string? Dns1123Label(string name) =>
        name.Length > 63 ? "must be no more than 63 characters"
        : Dns1123LabelPattern().IsMatch(name) ? null
        : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private static string? Dns1035Label(string name) =>
        name.Length > 63 ? "must be no more than 63 characters"
        : Dns1035LabelPattern().IsMatch(name) ? null
        : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private static string? PathSegment(string name) =>
        name is "." or ".." ? $"may not be '{name}'"
        : name.Contains('/', StringComparison.Ordinal) ? "may not contain '/'"
        : name.Contains('%', StringComparison.Ordinal) ? "may not contain '%'"
        : null;

    private static bool ListItemWithResourcePolicy(JsonObject body) =>
        body["items"] is JsonArray items
        && items.OfType<JsonObject>().Any(item => item["metadata"]?["annotations"] is JsonObject annotations && annotations.ContainsKey("helm.sh/resource-policy"));

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123SubdomainPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123LabelPattern();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035LabelPattern();
}
