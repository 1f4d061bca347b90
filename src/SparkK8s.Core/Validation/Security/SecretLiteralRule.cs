using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.Validation.Security;

/// <summary>
/// SEC005: a credential written into the pod spec: an env var whose name says it holds a secret (PASSWORD, SECRET, TOKEN,
/// KEY as a word of the name) with a literal value, or an argument, command word or env value that looks like one (an AWS
/// access key id, a password in a URL, <c>password=</c>/<c>token=</c>/<c>secret=</c> assignments, <c>-D...password=</c>).
/// Literals end up in the Deployment, in <c>kubectl describe</c>, in Helm's release Secret and on the process command line.
/// References are not literals: <c>$(VAR)</c> (Kubernetes expands it from another env var), <c>${VAR}</c>/<c>$VAR</c>
/// (a shell expands it), file paths and empty values.
/// </summary>
public sealed partial class SecretLiteralRule() : SecurityRule(
    "SEC005",
    Severity.Error,
    "A credential is written as a literal in a container's env, command or arguments",
    "Passwords, tokens and keys in env values or arguments are stored in the workload object, shown by kubectl describe and visible on the "
    + "process command line. They belong in a Secret, referenced through secretKeyRef or a mounted file.",
    "Put the value in a Secret and reference it (env valueFrom.secretKeyRef, or a secret volume and a *_FILE setting)",
    podLevel: true)
{
    /// <summary>Env var names that say they hold a secret: PASSWORD, PASSWD, SECRET, TOKEN, KEY or CREDENTIAL(S) as a word (AWS_SECRET_ACCESS_KEY, API_KEY, PGPASSWORD).</summary>
    [GeneratedRegex(SecretNamePattern, RegexOptions.IgnoreCase)]
    public static partial Regex SecretName();

    /// <summary>The patterns of <see cref="SecretName"/> and <see cref="PointerName"/>, shared with the Kyverno export (RE2 accepts them too).</summary>
    public const string SecretNamePattern = @"(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIALS?|APIKEY)(_|$)|PASSWORD|PASSWD";
    public const string PointerNamePattern = @"(_FILE|_PATH|_DIR|_NAME|_KEY_NAME|_SECRET_NAME|_REF)$";
    public const string AwsKeyIdPattern = @"\b(AKIA|ASIA)[0-9A-Z]{16}\b";

    /// <summary>Names that only point at a secret (a file, a path, a Secret's name or key, an id that is not secret).</summary>
    [GeneratedRegex(PointerNamePattern, RegexOptions.IgnoreCase)]
    private static partial Regex PointerName();

    [GeneratedRegex(@"^\s*(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*)\s*$")]
    private static partial Regex Reference();

    /// <summary>Values that look like credentials wherever they appear.</summary>
    [GeneratedRegex(
        @"(?<aws>\b(AKIA|ASIA)[0-9A-Z]{16}\b)"
        + @"|(?<url>[a-z][a-z0-9+.-]*://[^:@/\s]+:(?<pw>[^@/\s$][^@/\s]*)@)"
        + @"|(?<assign>(?<kw>password|passwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key)\s*[=:]\s*(?<value>[^\s;&""'$][^\s;&""']*))",
        RegexOptions.IgnoreCase)]
    private static partial Regex CredentialLike();

    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        foreach (var pod in RenderedPods.All(context.Model))
        {
            foreach (var (field, container) in pod.Containers())
            {
                var name = (string?)container["name"] ?? "?";
                foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var envName = (string?)env["name"] ?? string.Empty;
                    if (env["value"] is not JsonValue literal || literal.ToString() is not { Length: > 0 } value)
                    {
                        continue;
                    }

                    if (IsSecretName(envName) && !IsReference(value))
                    {
                        yield return Found(pod.Object, $"{field}.env[{envName}].value", $"container {name} sets {envName}, a credential by its name, to a literal value");
                    }
                    else if (LooksLikeCredential(value) is { } kind)
                    {
                        yield return Found(pod.Object, $"{field}.env[{envName}].value", $"container {name} sets {envName} to a value holding {kind}");
                    }
                }

                foreach (var list in new[] { "command", "args" })
                {
                    var words = container[list] as JsonArray ?? [];
                    for (var i = 0; i < words.Count; i++)
                    {
                        if (LooksLikeCredential(words[i]?.ToString() ?? string.Empty) is { } kind)
                        {
                            yield return Found(pod.Object, $"{field}.{list}[{i}]", $"container {name} has {kind} in its {list}");
                        }
                    }
                }
            }
        }
    }

    public static bool IsSecretName(string name) => SecretName().IsMatch(name) && !PointerName().IsMatch(name);

    public static bool IsReference(string value) =>
        Reference().IsMatch(value) || value.StartsWith('/') || value is "true" or "false";

    /// <summary>What kind of credential a text holds ("an AWS access key id", "a password in a URL", "a password= assignment"), or null.</summary>
    public static string? LooksLikeCredential(string text)
    {
        foreach (Match match in CredentialLike().Matches(text))
        {
            if (match.Groups["aws"].Success)
            {
                return "an AWS access key id";
            }

            if (match.Groups["url"].Success)
            {
                return "a password in a URL";
            }

            if (match.Groups["assign"].Success && !IsReference(match.Groups["value"].Value) && !IsPlaceholder(match.Groups["value"].Value))
            {
                return $"a literal {match.Groups["kw"].Value.ToLowerInvariant()}= value";
            }
        }

        return null;
    }

    /// <summary>Values after "password=" that are not credentials: a reference or a shell/template expression.</summary>
    private static bool IsPlaceholder(string value) =>
        value.StartsWith('$') || value.StartsWith('%') || value.StartsWith('{') || value.StartsWith('<') || value.StartsWith(':');
}
