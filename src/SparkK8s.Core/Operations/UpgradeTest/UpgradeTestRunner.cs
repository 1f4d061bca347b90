using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.Up;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Upgrade;

namespace SparkK8s.Core.Operations.UpgradeTest;

/// <summary>What upgrade-test installs: the release, the preset options for both charts, the previous chart and helm.</summary>
public sealed record UpgradeTestRequest(ReleaseTarget Target, RenderOptions Current, string PreviousChart, string From, TimeSpan Timeout);

/// <summary>Each step of the upgrade test, in order; a failed step stops the ones after it.</summary>
public sealed record UpgradeTestReport(string From, string Namespace, string Release, IReadOnlyList<CheckResult> Steps, IReadOnlyList<Finding> ImmutableFields)
{
    public bool Passed => Steps.Count > 0 && Steps.All(s => s.Outcome == CheckOutcome.Passed);
}

/// <summary>
/// `upgrade-test`: offline first, the immutable-field comparison of `validate --upgrade-from` between the previous and
/// the current render (a refusal stops the test before the cluster is touched); then the previous chart is installed
/// with the preset, smoke runs (its DDL check creates, fills, counts and drops a table in the metastore on S3), the
/// release's Secrets are fingerprinted, the current chart is installed over it, helm's answer is checked for an
/// immutable-field refusal, the Secrets must hold the same data, and smoke must pass again.
/// </summary>
public sealed partial class UpgradeTestRunner(KubeApi api, HelmClient helm, ISmokeRunner smoke)
{
    public async Task<UpgradeTestReport> RunAsync(UpgradeTestRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var target = request.Target;
        var steps = new List<CheckResult>();
        var previousOptions = request.Current with { ChartDirectory = request.PreviousChart };
        UpgradeTestReport Report(IReadOnlyList<Finding>? immutable = null) => new(request.From, target.Namespace, target.Release, steps, immutable ?? []);

        await api.RequireNamespaceOrMissingAsync(target.Namespace, cancellationToken).ConfigureAwait(false);
        if ((await api.ListSecretsAsync(target.Namespace, $"owner=helm,name={target.Release}", cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            throw new UserInputException(
                $"--release: release '{target.Release}' already exists in namespace '{target.Namespace}'; upgrade-test installs an older chart, so give it a release of its own "
                + "(e.g. --release upgrade-test, or -n with a scratch namespace). Nothing was changed.");
        }

        progress?.Report("UPG001 comparing the previous and current renders offline");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var renderer = new ChartRenderer(helm);
        RenderedManifest previous;
        try
        {
            previous = await renderer.RenderAsync(previousOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (UserInputException ex)
        {
            throw new UserInputException($"{PreviousChart.Flag} {request.From}: the previous chart cannot render this preset ({ex.Message})", ex);
        }

        var current = await renderer.RenderAsync(request.Current, cancellationToken).ConfigureAwait(false);
        var immutable = ImmutableFieldCheck.Run(previous.Objects, current.Objects);
        var refused = immutable.Where(f => f.Severity == Severity.Error).ToList();
        steps.Add(new CheckResult("UPG001", "no immutable-field change (offline)", refused.Count == 0 ? CheckOutcome.Passed : CheckOutcome.Failed, clock.Elapsed,
            refused.Count == 0
                ? $"{current.Documents.Count.ToString(CultureInfo.InvariantCulture)} objects compared"
                : $"{refused.Count.ToString(CultureInfo.InvariantCulture)} change(s) Kubernetes refuses: {string.Join("; ", refused.Select(f => $"{f.Id} {f.Object} {f.Field}"))}; see docs/en/runbooks/immutable-fields.md"));
        if (refused.Count > 0)
        {
            return Report(immutable);
        }

        if (!await InstallAsync(steps, "UPG002", $"install the previous chart ({request.From})", HelmInstall.Build(helm.ExecutablePath, previousOptions, target, request.Timeout), progress, cancellationToken).ConfigureAwait(false)
            || !await SmokeAsync(steps, "UPG003", "smoke on the previous chart", target, progress, cancellationToken).ConfigureAwait(false))
        {
            return Report(immutable);
        }

        var before = await FingerprintAsync(target, cancellationToken).ConfigureAwait(false);
        if (!await InstallAsync(steps, "UPG004", "upgrade to the current chart", HelmInstall.Build(helm.ExecutablePath, request.Current, target, request.Timeout), progress, cancellationToken).ConfigureAwait(false))
        {
            return Report(immutable);
        }

        clock.Restart();
        var after = await FingerprintAsync(target, cancellationToken).ConfigureAwait(false);
        var lost = before.Keys.Where(name => !after.ContainsKey(name)).ToList();
        var changed = before.Where(p => after.TryGetValue(p.Key, out var now) && now != p.Value).Select(p => p.Key).ToList();
        var kept = lost.Count == 0 && changed.Count == 0;
        steps.Add(new CheckResult("UPG005", "Secrets kept", kept ? CheckOutcome.Passed : CheckOutcome.Failed, clock.Elapsed,
            kept
                ? $"{before.Count.ToString(CultureInfo.InvariantCulture)} Secret(s) hold the same data"
                : string.Join("; ", new[] { lost.Count > 0 ? "deleted: " + string.Join(", ", lost) : null, changed.Count > 0 ? "data changed: " + string.Join(", ", changed) : null }.OfType<string>())
                  + " (generated passwords must survive upgrades, or the databases lock their users out)"));
        if (!kept)
        {
            return Report(immutable);
        }

        await SmokeAsync(steps, "UPG006", "smoke on the current chart", target, progress, cancellationToken).ConfigureAwait(false);
        return Report(immutable);
    }

    private static async Task<bool> InstallAsync(List<CheckResult> steps, string id, string name, HelmInstall install, IProgress<string>? progress, CancellationToken ct)
    {
        progress?.Report($"{id} {name}: {install.CommandLine}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await install.RunAsync(ct).ConfigureAwait(false);
        var error = result.StandardError.Trim();
        var immutable = ImmutableRefusal().Match(error);
        steps.Add(new CheckResult(id, name, result.Succeeded ? CheckOutcome.Passed : CheckOutcome.Failed, clock.Elapsed,
            result.Succeeded ? "helm upgrade --install --wait succeeded"
            : immutable.Success ? $"Kubernetes refused an immutable field: {FirstLine(error)}; see docs/en/runbooks/immutable-fields.md"
            : $"helm failed (exit {result.ExitCode.ToString(CultureInfo.InvariantCulture)}): {FirstLine(error)}; run 'spark-k8s doctor' for the release"));
        return result.Succeeded;
    }

    private async Task<bool> SmokeAsync(List<CheckResult> steps, string id, string name, ReleaseTarget target, IProgress<string>? progress, CancellationToken ct)
    {
        progress?.Report($"{id} {name}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = await smoke.RunAsync(target, null, ct).ConfigureAwait(false);
        var failed = report.Checks.Where(c => c.Outcome == CheckOutcome.Failed).ToList();
        steps.Add(new CheckResult(id, name, report.Passed ? CheckOutcome.Passed : CheckOutcome.Failed, clock.Elapsed,
            report.Passed
                ? $"{report.Checks.Count(c => c.Outcome == CheckOutcome.Passed).ToString(CultureInfo.InvariantCulture)} check(s) passed against {report.Endpoint}"
                : string.Join("; ", failed.Select(c => $"{c.Id} {c.Name}: {c.Detail}"))));
        return report.Passed;
    }

    /// <summary>Name → SHA-256 of each Secret's data (keys and values, sorted); values are never reported.</summary>
    private async Task<Dictionary<string, string>> FingerprintAsync(ReleaseTarget target, CancellationToken ct)
    {
        var secrets = await api.ListSecretsAsync(target.Namespace, $"app.kubernetes.io/instance={target.Release}", ct).ConfigureAwait(false);
        return secrets.Where(s => s.Type != "helm.sh/release.v1").ToDictionary(
            s => s.Metadata.Name,
            s =>
            {
                var text = new StringBuilder();
                foreach (var (key, value) in (s.Data ?? new Dictionary<string, byte[]>()).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(key).Append('=').Append(Convert.ToBase64String(value)).Append('\n');
                }

                return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
            },
            StringComparer.Ordinal);
    }

    private static string FirstLine(string text) => text.Length == 0 ? "no error text" : text.Split('\n')[0].Trim();

    /// <summary>How the API server words an immutable-field refusal (field is immutable; StatefulSet spec Forbidden).</summary>
    [GeneratedRegex(@"field is immutable|Forbidden: updates to statefulset spec|may not change once set|spec\.selector.*immutable", RegexOptions.IgnoreCase)]
    private static partial Regex ImmutableRefusal();
}
