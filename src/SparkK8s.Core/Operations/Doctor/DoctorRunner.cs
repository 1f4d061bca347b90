using SparkK8s.Core.Errors;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Planning;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation.Spark;

namespace SparkK8s.Core.Operations.Doctor;

/// <summary>What doctor looks at: the release, the chart (for its kubeVersion) and, when a preset was given, its render and plan.</summary>
public sealed record DoctorRequest(ReleaseTarget Target, string ChartDirectory, RenderedManifest? Render, DeploymentPlan? Plan)
{
    /// <summary>`up` installs with --create-namespace, so a missing namespace is a note rather than an error there.</summary>
    public bool NamespaceMayBeMissing { get; init; }
}

/// <summary>
/// Runs doctor: the cluster checks always, the preflight checks of the render when the release is not installed yet,
/// and the diagnosis of the release when it is (a Helm release Secret, labels owner=helm and name=RELEASE, exists).
/// </summary>
public sealed class DoctorRunner(KubeApi api, IReleaseProbe? probe)
{
    public const int ConnectPort = 15002;
    public const int HistoryPort = 18080;

    public async Task<DoctorReport> RunAsync(DoctorRequest request, CancellationToken cancellationToken)
    {
        var target = request.Target;
        var collector = new DoctorCollector();
        var preflight = new PreflightChecks(api, collector);
        var version = await preflight.ServerVersionAsync(request.ChartDirectory, cancellationToken).ConfigureAwait(false);
        var serverVersion = version is null ? null : $"v{version.Major}.{version.Minor}.{version.Build}";

        var ns = await api.ReadNamespaceAsync(target.Namespace, cancellationToken).ConfigureAwait(false);
        if (ns is null && !request.NamespaceMayBeMissing)
        {
            throw new UserInputException(
                $"--namespace: namespace '{target.Namespace}' does not exist in context '{api.Session.Context}' ({api.Session.Server}); create it "
                + $"('kubectl create namespace {target.Namespace}' and label it pod-security.kubernetes.io/enforce=restricted) or pass -n with an existing namespace.");
        }

        if (ns is null)
        {
            collector.Check("namespace", CheckOutcome.Skipped, $"'{target.Namespace}' does not exist yet; the install creates it");
            collector.Add(new DoctorFinding("DOC003", DoctorSeverity.Info, $"Namespace/{target.Namespace}",
                "the namespace does not exist yet; helm creates it without Pod Security labels.",
                $"After the install: kubectl label namespace {target.Namespace} {PreflightChecks.PodSecurityEnforce}=restricted.", Runbooks.Preflight, []));
        }
        else
        {
            preflight.PodSecurity(ns);
        }

        var installed = ns is not null
            && (await api.ListSecretsAsync(target.Namespace, $"owner=helm,name={target.Release}", cancellationToken).ConfigureAwait(false)).Count > 0;
        if (request.Render is { } render)
        {
            await preflight.CustomResourcesAsync(render.Objects, cancellationToken).ConfigureAwait(false);
        }

        if (!installed)
        {
            if (request.Render is { } preview && request.Plan is { } plan)
            {
                await preflight.StorageAsync(preview.Objects, cancellationToken).ConfigureAwait(false);
                await preflight.CapacityAsync(plan, cancellationToken).ConfigureAwait(false);
                var model = SparkRenderModel.From(preview.Documents);
                var packages = model.ConfByComponent.Values.Select(c => c.Get("spark.jars.packages")).OfType<string>()
                    .SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal);
                preflight.Egress(plan, packages);
            }
            else
            {
                collector.Check("preflight", CheckOutcome.Skipped, "give the preset (and --env, -f, --set) to check CRDs, storage, capacity and egress");
            }
        }
        else
        {
            await DiagnoseAsync(request, collector, cancellationToken).ConfigureAwait(false);
        }

        return new DoctorReport(api.Session.Context, api.Session.Server, serverVersion, target.Namespace, target.Release, installed, collector.Checks, collector.Findings);
    }

    private async Task DiagnoseAsync(DoctorRequest request, DoctorCollector collector, CancellationToken ct)
    {
        var target = request.Target;
        var memory = request.Render is { } render && request.Plan is { } plan
            ? SparkMemoryView.From(SparkRenderModel.From(render.Documents), plan.SparkVersion)
            : new SparkMemoryView(null, null);
        var diagnosis = new ReleaseDiagnosis(api, collector, memory);
        await diagnosis.PodsAsync(target.Namespace, target.Release, ct).ConfigureAwait(false);
        await diagnosis.ClaimsAsync(target.Namespace, target.Release, ct).ConfigureAwait(false);
        await diagnosis.JobsAsync(target.Namespace, target.Release, ct).ConfigureAwait(false);

        var connect = ServiceName(request, "connect", target.Release);
        var connectReady = await diagnosis.ConnectEndpointsAsync(target.Namespace, connect, ct).ConfigureAwait(false);
        if (probe is null)
        {
            collector.Check("connect endpoint", CheckOutcome.Skipped, "no network probe (port-forward) available");
            return;
        }

        if (connectReady)
        {
            var answer = await probe.ConnectAsync(target, connect, ConnectPort, ct).ConfigureAwait(false);
            collector.Check("connect endpoint", answer.Ok ? CheckOutcome.Passed : CheckOutcome.Failed, answer.Detail);
            if (!answer.Ok)
            {
                collector.Add(new DoctorFinding("DOC027", DoctorSeverity.Error, $"Service/{connect}",
                    $"the Spark Connect endpoint does not answer on port {ConnectPort}: {answer.Detail}.",
                    $"Read the Connect server's log (kubectl logs -n {target.Namespace} deploy/{connect}); a server still starting answers within a minute.", Runbooks.CrashLoop, []));
            }
        }

        var history = ServiceName(request, "history-server", target.Release);
        var listed = await probe.HistoryApplicationsAsync(target, history, HistoryPort, ct).ConfigureAwait(false);
        collector.Check("history server", listed.Ok ? CheckOutcome.Passed : CheckOutcome.Failed, listed.Detail);
        if (!listed.Ok)
        {
            collector.Add(new DoctorFinding("DOC028", DoctorSeverity.Warning, $"Service/{history}",
                $"the History Server does not list the Connect server's application: {listed.Detail}.",
                "Check that spark.eventLog.dir of Connect and spark.history.fs.logDirectory name the same location and that the bucket is reachable.", Runbooks.S3Unavailable, []));
        }
    }

    /// <summary>The component's Service in the render, else the chart's naming: &lt;fullname&gt;-&lt;component&gt;.</summary>
    private static string ServiceName(DoctorRequest request, string component, string release) =>
        request.Render?.Documents.FirstOrDefault(d => d.Object.Kind == "Service" && d.Component == component && !d.Object.Name.EndsWith("-driver", StringComparison.Ordinal))?.Object.Name
        ?? $"{ReleaseNames.Fullname(release)}-{component}";
}

/// <summary>
/// The chart's object names when no render is at hand (templates/_helpers.tpl): fullname is the release, or
/// release-spark-k8s when the release does not contain the chart's name, cut to 40 characters; a component's objects are
/// fullname-component cut to 63. A name that is too long keeps its start and ends in "-" and 6 hex digits of its SHA-256.
/// </summary>
public static class ReleaseNames
{
    public const string Chart = "spark-k8s";

    public static string Fullname(string release) => Truncate(release.Contains(Chart, StringComparison.Ordinal) ? release : $"{release}-{Chart}", 40);

    public static string Component(string release, string component) => Truncate($"{Fullname(release)}-{component}", 63);

    private static string Truncate(string name, int max)
    {
        if (name.Length <= max)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..6];
        return $"{name[..(max - 7)].TrimEnd('-').TrimEnd('.')}-{hash}";
    }
}
