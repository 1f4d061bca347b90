using SparkK8s.Core.Validation.Spark;

namespace SparkK8s.Core.Validation.Security;

/// <summary>
/// What a security rule gets: the render, the environment overlay it was rendered with (<c>--env</c>; null without one)
/// and whether the chart has NetworkPolicy templates at all (SEC001 is an error only then).
/// </summary>
public sealed record SecurityCheckContext(SparkRenderModel Model, string? Environment, bool ChartHasNetworkPolicies = true)
{
    /// <summary>The environment whose renders must pin images and download nothing at start (SEC006, SEC007).</summary>
    public const string Production = "prod";

    public bool IsProduction => string.Equals(Environment, Production, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// One rule of the security rule set: a stable id (SEC0xx), a default severity, a one-line title, a longer description
/// (SARIF fullDescription, the docs table), the fix, and whether it judges single pods (exported to Kyverno).
/// </summary>
public abstract class SecurityRule(string id, Severity severity, string title, string description, string fix, bool podLevel = false)
{
    public string Id { get; } = id;
    public Severity Severity { get; } = severity;
    public string Title { get; } = title;
    public string Description { get; } = description;
    public string Fix { get; } = fix;

    /// <summary>True when the rule looks at one pod at a time, so an admission controller can enforce it (policy export).</summary>
    public bool PodLevel { get; } = podLevel;

    /// <summary>The rule's section of docs/en/security/policy.md (its heading anchor is the lowercase id).</summary>
    public string HelpUri => $"{SecurityRules.DocsUri}#{Id.ToLowerInvariant()}";

    public abstract IEnumerable<Finding> Run(SecurityCheckContext context);

    protected Finding Found(string obj, string field, string message, string? fix = null, Severity? severity = null) =>
        new(ValidationStage.Security, Id, severity ?? Severity, obj, field, message, fix ?? Fix);
}

/// <summary>Every security rule, in id order (docs/{en,ru}/security/policy.md lists them; a test keeps the table in step).</summary>
public static class SecurityRules
{
    /// <summary>
    /// Where the rules are documented, for SARIF helpUri. The repository's public address is not in the checkout; this is the
    /// one place to change when it moves.
    /// </summary>
    public const string DocsUri = "https://github.com/spark-k8s/spark-k8s/blob/main/docs/en/security/policy.md";

    public static IReadOnlyList<SecurityRule> All { get; } =
    [
        new NetworkPolicyRule(),
        new ConnectExposureRule(),
        new PrivilegedCredentialRule(),
        new SuperuserDatabaseRoleRule(),
        new SecretLiteralRule(),
        new ImageDigestRule(),
        new RuntimeDownloadRule(),
        new FloatingTagRule(),
        new ReadOnlyRootFilesystemRule(),
        new HostPathRule(),
        new HostNamespaceRule(),
        new PrivilegedContainerRule(),
        new AddedCapabilitiesRule(),
        new BroadRbacRule(),
    ];

    public static SecurityRule? Find(string id) => All.FirstOrDefault(r => r.Id == id);

    public static IReadOnlyList<Finding> Run(SecurityCheckContext context) =>
        All.SelectMany(rule => rule.Run(context)).ToList();
}
