using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SparkK8s.Core.Validation.Security;
using SparkK8s.Core.Validation.Spark;

namespace SparkK8s.Core.Validation.Sarif;

/// <summary>
/// Validation runs as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format) for GitHub code scanning: one
/// run of the tool spark-k8s with a reportingDescriptor per rule (every SEC rule and Spark check, plus any other id that
/// was found), and one result per distinct finding. A finding found in several renders (preset × environment × Spark
/// version) is one result; its renders are listed in the result's properties. Each result points at the chart template
/// that rendered the object (helm's <c># Source:</c> comment), relative to <c>baseDirectory</c> (the repository root for
/// GitHub), and names the object and field as logical locations.
/// </summary>
public static class SarifLog
{
    public const string Version = "2.1.0";
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The docs page of the Spark-aware checks (SPK0xx) and of the other validation stages.</summary>
    public static readonly string CliDocsUri = SecurityRules.DocsUri.Replace("security/policy.md", "cli.md", StringComparison.Ordinal);

    public static JsonObject Build(IReadOnlyList<ValidationRun> runs, string chartDirectory, string baseDirectory)
    {
        var descriptors = Descriptors(runs);
        var index = descriptors.Select((d, i) => ((string)d["id"]!, i)).ToDictionary(p => p.Item1, p => p.i, StringComparer.Ordinal);
        var chart = RelativeUri(baseDirectory, chartDirectory);
        var results = new JsonArray();
        var groups = runs.SelectMany(r => r.Findings.Select(f => (Run: r, Finding: f with { Stage = default })))
            .GroupBy(x => x.Finding)
            .OrderBy(g => g.Key.Severity);
        foreach (var group in groups)
        {
            var finding = group.Key;
            var stage = group.First().Run.Findings.First(f => (f with { Stage = default }) == finding).Stage;
            var source = group.Select(x => x.Run.Sources.GetValueOrDefault(finding.Object)).FirstOrDefault(s => s is not null);
            results.Add(new JsonObject
            {
                ["ruleId"] = finding.Id,
                ["ruleIndex"] = index[finding.Id],
                ["level"] = Level(finding.Severity),
                ["message"] = new JsonObject { ["text"] = finding.Fix.Length > 0 ? $"{finding.Message}. Fix: {finding.Fix}" : finding.Message },
                ["locations"] = new JsonArray(Location(chart, source, finding)),
                ["partialFingerprints"] = new JsonObject { ["spark-k8s/v1"] = Fingerprint(finding) },
                ["properties"] = new JsonObject
                {
                    ["stage"] = stage.ToString().ToLowerInvariant(),
                    ["renders"] = new JsonArray(group.Select(x => x.Run).Distinct().Select(r => (JsonNode)new JsonObject
                    {
                        ["preset"] = r.Preset,
                        ["environment"] = r.Environment,
                        ["sparkVersion"] = r.SparkVersion,
                    }).ToArray()),
                },
            });
        }

        return new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = Version,
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "spark-k8s",
                        ["informationUri"] = CliDocsUri,
                        ["semanticVersion"] = ToolVersion(),
                        ["rules"] = new JsonArray(descriptors.ToArray<JsonNode>()),
                    },
                },
                ["columnKind"] = "unicodeCodePoints",
                ["results"] = results,
            }),
        };
    }

    private static string Level(Severity severity) => severity == Severity.Error ? "error" : "warning";

    /// <summary>Every SEC rule and Spark check, then the other ids found (lint, render, schema, upgrade), in id order.</summary>
    private static List<JsonObject> Descriptors(IReadOnlyList<ValidationRun> runs)
    {
        var descriptors = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var rule in SecurityRules.All)
        {
            descriptors[rule.Id] = Descriptor(rule.Id, rule.Title, rule.Description, rule.Fix, rule.HelpUri, rule.Severity, security: true);
        }

        foreach (var check in SparkChecks.All)
        {
            descriptors[check.Id] = Descriptor(check.Id, check.Title, check.Title, check.Fix, $"{CliDocsUri}#checks", check.Severity, security: false);
        }

        foreach (var finding in runs.SelectMany(r => r.Findings).Where(f => !descriptors.ContainsKey(f.Id)))
        {
            var title = finding.Stage switch
            {
                ValidationStage.Lint => "helm lint --strict reports a problem",
                ValidationStage.Render => "The chart does not render",
                ValidationStage.Schema => "A rendered object does not match its Kubernetes schema (strict)",
                ValidationStage.Upgrade => "An upgrade changes a field Kubernetes will not update in place",
                _ => "A validation check reports a problem",
            };
            descriptors[finding.Id] = Descriptor(finding.Id, title, title, finding.Fix, CliDocsUri, finding.Severity, security: false);
        }

        return descriptors.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList();
    }

    private static JsonObject Descriptor(string id, string title, string description, string fix, string helpUri, Severity severity, bool security)
    {
        var descriptor = new JsonObject
        {
            ["id"] = id,
            ["shortDescription"] = new JsonObject { ["text"] = title },
            ["fullDescription"] = new JsonObject { ["text"] = description },
            ["help"] = new JsonObject { ["text"] = fix.Length > 0 ? fix : title },
            ["helpUri"] = helpUri,
            ["defaultConfiguration"] = new JsonObject { ["level"] = Level(severity) },
        };
        if (security)
        {
            // GitHub ranks security alerts by properties.security-severity (a CVSS-like score: 7.0-8.9 high, 4.0-6.9 medium).
            descriptor["properties"] = new JsonObject
            {
                ["tags"] = new JsonArray("security", "kubernetes"),
                ["security-severity"] = severity == Severity.Error ? "8.0" : "5.0",
            };
        }

        return descriptor;
    }

    private static JsonObject Location(string chartUri, string? source, Finding finding)
    {
        // helm names a template "<chart name>/templates/...": the chart's own directory replaces the chart name.
        var uri = source is not null && source.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash
            ? $"{chartUri}{source[slash..]}"
            : $"{chartUri}/Chart.yaml";
        var logical = new JsonArray(new JsonObject
        {
            ["name"] = finding.Object,
            ["fullyQualifiedName"] = finding.Object,
            ["kind"] = "resource",
        });
        if (finding.Field.Length > 0)
        {
            logical.Add(new JsonObject
            {
                ["name"] = finding.Field,
                ["fullyQualifiedName"] = $"{finding.Object}:{finding.Field}",
                ["kind"] = "property",
            });
        }

        return new JsonObject
        {
            ["physicalLocation"] = new JsonObject
            {
                ["artifactLocation"] = new JsonObject { ["uri"] = uri },
                ["region"] = new JsonObject { ["startLine"] = 1 },
            },
            ["logicalLocations"] = logical,
        };
    }

    /// <summary>A path relative to <paramref name="baseDirectory"/> with forward slashes, or an absolute file URI when outside it.</summary>
    public static string RelativeUri(string baseDirectory, string path)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(baseDirectory), Path.GetFullPath(path)).Replace('\\', '/');
        if (relative == ".")
        {
            return ".";
        }

        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? new Uri(Path.GetFullPath(path)).AbsoluteUri
            : string.Join('/', relative.Split('/').Select(Uri.EscapeDataString));
    }

    private static string Fingerprint(Finding finding) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{finding.Id}\n{finding.Object}\n{finding.Field}")))[..32];

    private static string ToolVersion()
    {
        var version = typeof(SarifLog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
