using System.Text.Json;
using FluentAssertions;
using SparkK8s.Cli.Live;
using SparkK8s.Core.Operations;
using SparkK8s.Core.Operations.Doctor;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Operations;

/// <summary>doctor against the fake API server through the real KubernetesClient: preflight, diagnosis, and every way access fails.</summary>
public class DoctorCommandTests
{
    private static List<(string Id, string Object, JsonElement Finding)> Findings(CliResult result)
    {
        using var json = result.Json();
        return json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("id").GetString()!, f.GetProperty("object").GetString()!, f.Clone())).ToList();
    }

    [Fact]
    public async Task Preflight_on_a_cluster_that_fits_passes_with_the_egress_warning_only()
    {
        await using var bed = KubeTestBed.Start("base");
        var result = await bed.RunAsync("doctor", "jupyter-connect-k8s", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        Findings(result).Select(f => f.Id).Should().Equal("DOC015");
        using var json = result.Json();
        json.RootElement.GetProperty("installed").GetBoolean().Should().BeFalse();
        json.RootElement.GetProperty("serverVersion").GetString().Should().Be("v1.33.1");
        json.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString())
            .Should().Contain(["server version", "pod security", "custom resources", "storage class", "capacity", "egress"]);
        Findings(result)[0].Finding.GetProperty("message").GetString().Should().Contain("docker.io").And.Contain("quay.io");
        bed.Server.Mutations.Should().BeEmpty("doctor only reads");
    }

    [Fact]
    public async Task Preflight_on_an_old_small_cluster_names_version_labels_storage_and_capacity()
    {
        await using var bed = KubeTestBed.Start("base", "old-small");
        var result = await bed.RunAsync("doctor", "jupyter-connect-k8s", "--output", "json");

        result.ExitCode.Should().Be(1, result.Stderr);
        var findings = Findings(result);
        findings.Select(f => f.Id).Should().Contain(["DOC001", "DOC002", "DOC011", "DOC012", "DOC013"]);
        findings.First(f => f.Id == "DOC001").Finding.GetProperty("message").GetString().Should().Contain("v1.24.17").And.Contain(">=1.25.0-0");
        findings.Where(f => f.Id == "DOC011").Select(f => f.Object).Should().Contain(["PersistentVolumeClaim/spark-spark-k8s-jupyter", "StatefulSet/spark-spark-k8s-minio claim data"]);
        findings.First(f => f.Id == "DOC012").Finding.GetProperty("message").GetString().Should().Contain("2 allocatable");
    }

    [Fact]
    public async Task Executors_at_max_dynamic_allocation_that_do_not_fit_are_a_warning()
    {
        await using var bed = KubeTestBed.Start("base");
        var result = await bed.RunAsync("doctor", "jupyter-connect-k8s", "--set", "connect.dynamicAllocation.maxExecutors=40", "--output", "json");

        var doc014 = Findings(result).Where(f => f.Id == "DOC014").ToList();
        doc014.Should().ContainSingle(result.Stdout + result.Stderr);
        doc014[0].Finding.GetProperty("message").GetString().Should().Contain("40 executors");
    }

    [Fact]
    public async Task A_broken_release_gets_a_diagnosis_per_pod_with_reason_fix_and_runbook()
    {
        await using var bed = KubeTestBed.Start("base", "broken");
        LiveServices.Use(probe: new FakeProbe(true, true));
        var result = await bed.RunAsync("doctor", "jupyter-connect-k8s", "--output", "json");

        result.ExitCode.Should().Be(1, result.Stderr);
        var findings = Findings(result);
        string Message(string id, string obj) => findings.Single(f => f.Id == id && f.Object == obj).Finding.GetProperty("message").GetString()!;
        JsonElement Detail(string id, string obj) => findings.Single(f => f.Id == id && f.Object == obj).Finding.GetProperty("detail");

        Message("DOC020", "Pod/spark-spark-k8s-jupyter-5c8d7f9b6-m4n7k").Should().Contain("quay.io/jupyter/base-notebook:python-3.99").And.Contain("ImagePullBackOff");
        Message("DOC021", "Pod/spark-spark-k8s-metastore-84f6c9d7b5-t6r9s").Should().Contain("exit code 1").And.Contain("5 restarts");
        Detail("DOC021", "Pod/spark-spark-k8s-metastore-84f6c9d7b5-t6r9s").EnumerateArray().Select(l => l.GetString())
            .Should().Contain(l => l!.Contains("Version information not found in metastore", StringComparison.Ordinal));
        Message("DOC022", "Pod/spark-spark-k8s-history-server-7b5d9c6f4-q8w2m").Should().Contain("enough free CPU").And.Contain("0.25 CPU");
        Detail("DOC022", "Pod/spark-spark-k8s-history-server-7b5d9c6f4-q8w2m")[0].GetString().Should().Contain("1 Insufficient cpu");
        Message("DOC022", "Pod/spark-spark-k8s-minio-0").Should().Contain("PersistentVolumeClaim is not bound");
        Message("DOC023", "PersistentVolumeClaim/data-spark-spark-k8s-minio-0").Should().Contain("Pending");
        Message("DOC025", "Job/spark-spark-k8s-metastore-schema-r1").Should().Contain("BackoffLimitExceeded");
        findings.Should().Contain(f => f.Id == "DOC026" && f.Object == "Service/spark-spark-k8s-connect");

        // OOMKilled: the container's limit and Spark's own figures side by side, for the driver (Connect) and an executor.
        var connect = Detail("DOC024", "Pod/spark-spark-k8s-connect-6f9c7d5b8-x2k4p").EnumerateArray().Select(l => l.GetString()).ToList();
        connect.Should().Contain("container spark-connect: limit 3Gi, request 3Gi");
        connect.Should().Contain(l => l!.StartsWith("Spark asks for: spark.driver.memory 2048Mi + overhead", StringComparison.Ordinal));
        var executor = Detail("DOC024", "Pod/spark-connect-9d1a2b3c4d5e6f70-exec-3").EnumerateArray().Select(l => l.GetString()).ToList();
        executor.Should().Contain(l => l!.StartsWith("Spark asks for: 2048Mi memory + 1024Mi overhead", StringComparison.Ordinal));
        findings.Single(f => f.Object == "Pod/spark-connect-9d1a2b3c4d5e6f70-exec-3").Finding.GetProperty("runbook").GetString().Should().Be(Runbooks.OomKilled);

        foreach (var (_, _, finding) in findings)
        {
            finding.GetProperty("fix").GetString().Should().NotBeNullOrWhiteSpace();
            var runbook = finding.GetProperty("runbook").GetString()!;
            File.Exists(Path.Combine(RepoPaths.Root, runbook.Split('#')[0])).Should().BeTrue(runbook);
            File.Exists(Path.Combine(RepoPaths.Root, runbook.Split('#')[0].Replace("docs/en/", "docs/ru/", StringComparison.Ordinal))).Should().BeTrue(runbook);
        }

        bed.Server.Requests.Should().Contain(r => r.Path == "/api/v1/namespaces/spark/events" && r.Query.Contains("involvedObject.name", StringComparison.Ordinal));
        bed.Server.Requests.Should().Contain(r => r.Path.EndsWith("/log", StringComparison.Ordinal) && r.Query.Contains("previous=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_table_shows_each_finding_with_its_fix_and_runbook()
    {
        await using var bed = KubeTestBed.Start("base", "broken");
        LiveServices.Use(probe: new FakeProbe(true, true));
        var result = await bed.RunAsync("doctor");

        result.ExitCode.Should().Be(1, result.Stderr);
        result.Stdout.Should().Contain("release spark installed").And.Contain("ERROR DOC024 Pod/spark-spark-k8s-connect-6f9c7d5b8-x2k4p")
            .And.Contain("runbook: docs/en/runbooks/oomkilled.md").And.Contain("| scheduler: 0/1 nodes are available: 1 Insufficient cpu.");
        result.ShouldHaveNoStackTrace();
    }

    [Fact]
    public async Task A_healthy_release_passes_and_the_network_probes_are_reported()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        LiveServices.Use(probe: new FakeProbe(true, true));
        var ok = await bed.RunAsync("doctor", "--output", "json");
        ok.ExitCode.Should().Be(0, ok.Stdout + ok.Stderr);
        Findings(ok).Should().BeEmpty();

        LiveServices.Use(probe: new FakeProbe(false, false));
        var down = await bed.RunAsync("doctor", "--output", "json");
        down.ExitCode.Should().Be(1);
        Findings(down).Select(f => f.Id).Should().Equal("DOC027", "DOC028");
    }

    [Fact]
    public async Task A_missing_crd_is_named_with_what_installs_it()
    {
        await using var bed = KubeTestBed.Start("base", "old-small");
        using var session = Core.Kubernetes.KubeConnection.Open(bed.Kubeconfig, "fake");
        var yaml = """
            apiVersion: sparkoperator.k8s.io/v1beta2
            kind: SparkApplication
            metadata: {name: pi}
            ---
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: connect}
            """;
        var render = Core.Rendering.RenderedManifest.Parse(yaml, new Core.Rendering.RenderOptions { ChartDirectory = RepoPaths.Chart, Preset = "x" });
        var report = await new DoctorRunner(session.Api, null).RunAsync(
            new DoctorRequest(new ReleaseTarget(bed.Kubeconfig, "fake", "spark", "spark"), RepoPaths.Chart, render, null), TestContext.Current.CancellationToken);

        var missing = report.Findings.Where(f => f.Id == "DOC010").ToList();
        missing.Should().ContainSingle();
        missing[0].Object.Should().Be("SparkApplication.sparkoperator.k8s.io/v1beta2");
        missing[0].Fix.Should().Contain("Spark operator");
    }

    [Fact]
    public async Task Forbidden_names_the_verb_resource_namespace_and_the_rbac_to_grant()
    {
        await using var bed = KubeTestBed.Start("base", "broken");
        bed.Server.Forbid("list", "/api/v1/namespaces/spark/pods");
        var result = await bed.RunAsync("doctor", "--output", "json");

        result.ExitCode.Should().Be(1);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().Contain("refused to list pods in namespace 'spark'").And.Contain("403 Forbidden")
            .And.Contain("kubectl create role spark-k8s-operator -n spark --verb=list --resource=pods");
        result.ShouldHaveNoStackTrace();
    }

    [Fact]
    public async Task A_namespace_that_does_not_exist_is_a_usage_error()
    {
        await using var bed = KubeTestBed.Start("base");
        var result = await bed.RunAsync("doctor", "-n", "nope");
        result.ShouldBeUsageError("--namespace", "'nope' does not exist", "kubectl create namespace nope");
    }

    [Fact]
    public async Task An_unknown_context_is_a_usage_error_listing_the_contexts()
    {
        await using var bed = KubeTestBed.Start("base");
        var result = await CliRunner.RunAsync("doctor", "--kubeconfig", bed.Kubeconfig, "--kube-context", "prod");
        result.ShouldBeUsageError("--kube-context", "'prod'", "fake, other");
    }

    [Fact]
    public async Task A_missing_kubeconfig_file_is_a_usage_error()
    {
        using var temp = new TempDirectory();
        var result = await CliRunner.RunAsync("doctor", "--kubeconfig", temp.Combine("nope"));
        result.ShouldBeUsageError("--kubeconfig", "does not exist");
    }

    [Fact]
    public async Task A_cluster_that_does_not_answer_fails_with_the_server_and_what_to_check()
    {
        string kubeconfig;
        using var temp = new TempDirectory();
        await using (var server = Testing.Kube.FakeKubeApiServer.Start("base"))
        {
            kubeconfig = server.WriteKubeconfig(temp.Path);
        }

        var result = await CliRunner.RunAsync("doctor", "--kubeconfig", kubeconfig);
        result.ExitCode.Should().Be(1);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().Contain("cannot reach the Kubernetes API at http://127.0.0.1:").And.Contain("connection refused").And.Contain("kind get clusters");
        result.ShouldHaveNoStackTrace();
    }
}
