using System.Text.Json.Nodes;

namespace SparkK8s.Core.Validation.Security;

/// <summary>What to export: the policy's name, the Kyverno action for error rules, the environment and an optional release.</summary>
/// <param name="Name">metadata.name of the ClusterPolicy.</param>
/// <param name="FailureAction">Enforce (reject) or Audit (report) for rules whose validate severity is error; warnings are always Audit.</param>
/// <param name="Environment">With "prod", the prod-only pod rules (SEC006 image digests) are exported too.</param>
/// <param name="Release">Limit the policy to one release's pods (label app.kubernetes.io/instance); null: every pod of the chart.</param>
public sealed record KyvernoExportOptions(string Name = KyvernoPolicy.DefaultName, string FailureAction = "Enforce", string? Environment = null, string? Release = null);

/// <summary>One exported rule: the SEC rule, the Kyverno rule name and its failure action.</summary>
public sealed record KyvernoRule(string Id, string Name, string FailureAction, string Title);

/// <summary>
/// The pod-level SEC rules as a Kyverno <c>kyverno.io/v1</c> ClusterPolicy, so admission control enforces what
/// <c>spark-k8s validate</c> checks in CI. Each rule is a <c>validate.cel</c> rule on Pods (Kyverno generates the matching
/// rules for Deployments, StatefulSets, Jobs and CronJobs itself) with a per-rule <c>failureAction</c>; the policy matches
/// the chart's pods by <c>app.kubernetes.io/part-of: spark-k8s</c>, which Spark's executor pods get from their template.
/// Rules that compare several objects (SEC001-SEC004, SEC014) or the render's Spark configuration (SEC007) stay in validate.
/// </summary>
public static class KyvernoPolicy
{
    public const string DefaultName = "spark-k8s-pod-security";
    public const string PartOfLabel = "app.kubernetes.io/part-of";
    public const string InstanceLabel = "app.kubernetes.io/instance";

    /// <summary>A container check for every container list of a pod (containers, initContainers, ephemeralContainers).</summary>
    private static string EveryContainer(string check) =>
        string.Join(" && ", new[] { "containers", "initContainers", "ephemeralContainers" }.Select(list =>
            list == "containers" ? $"object.spec.containers.all(c, {check})" : $"(!has(object.spec.{list}) || object.spec.{list}.all(c, {check}))"));

    private static readonly string SecretEnvCheck =
        "!has(c.env) || c.env.all(e, !has(e.value) || e.value == '' || e.value.startsWith('/') || e.value.matches(r'^[$][(][A-Za-z_][A-Za-z0-9_]*[)]$') "
        + $"|| (!e.name.matches(r'(?i){SecretLiteralRule.SecretNamePattern}') || e.name.matches(r'(?i){SecretLiteralRule.PointerNamePattern}')) "
        + $"&& !e.value.matches(r'{SecretLiteralRule.AwsKeyIdPattern}'))";

    /// <summary>The Kyverno rule of each exported SEC rule: its name, CEL expression (object is the Pod) and whether it needs the prod environment.</summary>
    public static IReadOnlyDictionary<string, (string Name, string Expression, bool ProdOnly)> Expressions { get; } =
        new Dictionary<string, (string, string, bool)>(StringComparer.Ordinal)
        {
            ["SEC005"] = ("sec005-no-credential-literals", EveryContainer(SecretEnvCheck), false),
            ["SEC006"] = ("sec006-image-digests", EveryContainer("c.image.matches(r'@sha256:[0-9a-f]{64}$')"), true),
            ["SEC008"] = ("sec008-versioned-image-tags", EveryContainer("c.image.matches(r'@sha256:[0-9a-f]{64}$') || c.image.matches(r':[^/:@]*[0-9][^/:@]*$')"), false),
            ["SEC009"] = ("sec009-read-only-root-filesystem",
                EveryContainer("has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true"), false),
            ["SEC010"] = ("sec010-no-host-path", "!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))", false),
            ["SEC011"] = ("sec011-no-host-namespaces", string.Join(" && ", HostNamespaceRule.Fields.Select(f => $"(!has(object.spec.{f}) || object.spec.{f} == false)")), false),
            ["SEC012"] = ("sec012-no-privilege-escalation", EveryContainer("has(c.securityContext) && (!has(c.securityContext.privileged) || c.securityContext.privileged == false) "
                + "&& has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false"), false),
            ["SEC013"] = ("sec013-no-added-capabilities", EveryContainer("!has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) "
                + "|| size(c.securityContext.capabilities.add) == 0"), false),
        };

    /// <summary>The rules an export with <paramref name="options"/> contains, in id order.</summary>
    public static IReadOnlyList<KyvernoRule> Rules(KyvernoExportOptions options)
    {
        var prod = string.Equals(options.Environment, SecurityCheckContext.Production, StringComparison.OrdinalIgnoreCase);
        return SecurityRules.All
            .Where(r => r.PodLevel && Expressions.TryGetValue(r.Id, out var e) && (!e.ProdOnly || prod))
            .Select(r => new KyvernoRule(r.Id, Expressions[r.Id].Name, r.Severity == Severity.Error ? options.FailureAction : "Audit", r.Title))
            .ToList();
    }

    public static JsonObject Build(KyvernoExportOptions options)
    {
        var selector = new JsonObject { [PartOfLabel] = "spark-k8s" };
        if (options.Release is not null)
        {
            selector[InstanceLabel] = options.Release;
        }

        var rules = new JsonArray();
        foreach (var rule in Rules(options))
        {
            var security = SecurityRules.Find(rule.Id)!;
            rules.Add(new JsonObject
            {
                ["name"] = rule.Name,
                ["match"] = new JsonObject
                {
                    ["any"] = new JsonArray(new JsonObject
                    {
                        ["resources"] = new JsonObject
                        {
                            ["kinds"] = new JsonArray("Pod"),
                            ["selector"] = new JsonObject { ["matchLabels"] = selector.DeepClone() },
                        },
                    }),
                },
                ["validate"] = new JsonObject
                {
                    ["failureAction"] = rule.FailureAction,
                    ["cel"] = new JsonObject
                    {
                        ["expressions"] = new JsonArray(new JsonObject
                        {
                            ["expression"] = Expressions[rule.Id].Expression,
                            ["message"] = $"{rule.Id}: {security.Title}. Fix: {security.Fix} ({security.HelpUri})",
                        }),
                    },
                },
            });
        }

        return new JsonObject
        {
            ["apiVersion"] = "kyverno.io/v1",
            ["kind"] = "ClusterPolicy",
            ["metadata"] = new JsonObject
            {
                ["name"] = options.Name,
                ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "spark-k8s" },
                ["annotations"] = new JsonObject
                {
                    ["policies.kyverno.io/title"] = "spark-k8s pod security (SEC rules)",
                    ["policies.kyverno.io/category"] = "Pod Security",
                    ["policies.kyverno.io/subject"] = "Pod",
                    ["policies.kyverno.io/description"] =
                        "The pod-level rules of spark-k8s validate (SEC0xx), enforced at admission. Generated by spark-k8s policy export --format kyverno.",
                },
            },
            ["spec"] = new JsonObject
            {
                ["background"] = true,
                ["rules"] = rules,
            },
        };
    }
}

/// <summary>JSON objects as YAML (block style, keys in their order), for manifests the CLI writes.</summary>
public static class YamlText
{
    public static string From(JsonNode node)
    {
        var serializer = new YamlDotNet.Serialization.SerializerBuilder()
            .WithIndentedSequences()
            .Build();
        return serializer.Serialize(Plain(node));
    }

    private static object? Plain(JsonNode? node) => node switch
    {
        JsonObject obj => obj.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray array => array.Select(Plain).ToList(),
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<long>(out var number) => number,
        JsonValue value => value.ToString(),
        _ => null,
    };
}
