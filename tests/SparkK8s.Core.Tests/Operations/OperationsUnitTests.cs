using FluentAssertions;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations;
using SparkK8s.Core.Operations.Doctor;
using SparkK8s.Core.Operations.Up;
using SparkK8s.Core.Rendering;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Operations;

public class KubeVersionRangeTests
{
    [Theory]
    [InlineData(">=1.25.0-0", "v1.33.1", true)]
    [InlineData(">=1.25.0-0", "v1.24.17", false)]
    [InlineData(">=1.25.0-0", "v1.30.4-eks-a737599", true)]
    [InlineData(">=1.25.0-0 <1.34.0-0", "v1.34.0", false)]
    [InlineData(">=1.25.0-0, <1.34.0-0", "v1.33.9", true)]
    [InlineData(">= 1.26", "1.26", true)]
    public void Ranges_read_like_helm_reads_them(string range, string version, bool inside) =>
        KubeVersionRange.Parse(range).Contains(KubeVersionRange.ParseVersion(version)!).Should().Be(inside);

    [Fact]
    public void The_chart_declares_its_range()
    {
        var range = KubeVersionRange.FromChart(RepoPaths.Chart);
        range.Should().NotBeNull();
        range!.Text.Should().Be(">=1.25.0-0");
    }

    [Fact]
    public void Not_a_version_is_null() => KubeVersionRange.ParseVersion("latest").Should().BeNull();
}

public class KubeRequestTests
{
    [Fact]
    public void A_namespaced_core_request_grants_a_role()
    {
        var request = new KubeRequest("list", "pods", string.Empty, "spark");
        request.Describe().Should().Be("list pods in namespace 'spark'");
        request.Grant().Should().Be("kubectl create role spark-k8s-operator -n spark --verb=list --resource=pods and bind it with kubectl create rolebinding -n spark");
    }

    [Fact]
    public void A_subresource_of_a_group_keeps_the_group_before_the_slash()
    {
        new KubeRequest("patch", "statefulsets/scale", "apps", "spark", "minio").Grant()
            .Should().Contain("--verb=patch --resource=statefulsets.apps/scale");
    }

    [Fact]
    public void A_cluster_scoped_request_grants_a_cluster_role()
    {
        var request = new KubeRequest("list", "customresourcedefinitions", "apiextensions.k8s.io", null);
        request.Describe().Should().Be("list customresourcedefinitions (cluster-wide)");
        request.Grant().Should().StartWith("kubectl create clusterrole spark-k8s-operator --verb=list --resource=customresourcedefinitions.apiextensions.k8s.io");
    }

    [Fact]
    public void A_non_resource_url_grants_by_url() =>
        new KubeRequest("get", "/version", string.Empty, null).Grant().Should().StartWith("kubectl create clusterrole spark-k8s-operator --verb=get --non-resource-url=/version");

    [Fact]
    public void Status_messages_are_read_from_the_status_object()
    {
        KubeErrors.StatusMessage("""{"kind":"Status","message":"pods is forbidden"}""").Should().Be("pods is forbidden");
        KubeErrors.StatusMessage("<html>").Should().BeNull();
        KubeErrors.StatusMessage(null).Should().BeNull();
    }
}

public class HelmInstallTests
{
    [Fact]
    public void The_install_layers_values_like_render_and_names_the_cluster()
    {
        var options = new RenderOptions { ChartDirectory = RepoPaths.Chart, Preset = "connect-k8s-minimal", Environment = "dev", SetValues = ["connect.replicas=1"], SparkVersion = "3.5", Namespace = "team a" };
        var install = HelmInstall.Build("/usr/bin/helm", options, new ReleaseTarget("kube config", "kind-spark", "team-a", "spark"), TimeSpan.FromMinutes(15));

        install.Arguments.Should().Equal(
            "upgrade", "--install", "spark", RepoPaths.Chart, "--namespace", "team-a", "--create-namespace", "--wait", "--timeout", "900s",
            "--values", Path.Combine(RepoPaths.Chart, "presets", "connect-k8s-minimal.yaml"), "--values", Path.Combine(RepoPaths.Chart, "environments", "dev.yaml"),
            "--set", "connect.replicas=1", "--set-string", "spark.version=3.5",
            "--kubeconfig", Path.GetFullPath("kube config"), "--kube-context", "kind-spark");
        install.CommandLine.Should().Contain($"--kubeconfig '{Path.GetFullPath("kube config")}'").And.StartWith("/usr/bin/helm upgrade --install spark ");
    }

    [Fact]
    public void Quotes_survive_the_command_line() =>
        new HelmInstall("helm", ["--set", "a=it's"]).CommandLine.Should().Be("helm --set 'a=it'\\''s'");
}

public class PreflightTests
{
    [Theory]
    [InlineData("apache/spark:4.1.2", "docker.io")]
    [InlineData("postgres:17.9", "docker.io")]
    [InlineData("quay.io/jupyter/base-notebook:python-3.10", "quay.io")]
    [InlineData("localhost:5000/spark:1", "localhost:5000")]
    [InlineData("registry.local/spark", "registry.local")]
    public void The_registry_of_an_image(string image, string registry) => PreflightChecks.Registry(image).Should().Be(registry);

    [Theory]
    [InlineData("spark")]
    [InlineData("my-spark-k8s")]
    [InlineData("a-very-long-release-name-for-the-data-platform-team")]
    public async Task Release_names_match_what_the_chart_renders(string release)
    {
        var objects = await TestHelm.RenderAsync(["presets/jupyter-connect-k8s.yaml"], release: release, cancellationToken: TestContext.Current.CancellationToken);
        var names = objects.Select(o => $"{o.Kind}/{o.Name}").ToList();
        names.Should().Contain($"Deployment/{ReleaseNames.Component(release, "connect")}");
        names.Should().Contain($"StatefulSet/{ReleaseNames.Component(release, "minio")}");
        names.Should().Contain($"Service/{ReleaseNames.Component(release, "history-server")}");
    }

    [Fact]
    public void Up_blocks_on_preflight_errors_only()
    {
        UpRunner.Blocks(new DoctorFinding("DOC012", DoctorSeverity.Error, "cluster", "m", "f", "r", [])).Should().BeTrue();
        UpRunner.Blocks(new DoctorFinding("DOC014", DoctorSeverity.Warning, "cluster", "m", "f", "r", [])).Should().BeFalse();
        UpRunner.Blocks(new DoctorFinding("DOC024", DoctorSeverity.Error, "Pod/x", "m", "f", "r", [])).Should().BeFalse();
    }
}

/// <summary>Folded from smoke/load's own loader: a pod with no kubeconfig uses its service account, nothing else does.</summary>
public class KubeConnectionInClusterTests
{
    [Theory]
    [InlineData(null, null, null, true, true)]
    [InlineData(null, "", null, true, true)]
    [InlineData(null, null, null, false, false)]
    [InlineData("/tmp/kubeconfig", null, null, true, false)]
    [InlineData(null, "kind-spark", null, true, false)]
    [InlineData(null, null, "/root/.kube/config", true, false)]
    public void The_service_account_is_used_only_when_nothing_points_elsewhere(string? kubeconfig, string? context, string? found, bool inCluster, bool expected) =>
        KubeConnection.UseInCluster(kubeconfig, context, found, inCluster).Should().Be(expected);
}
