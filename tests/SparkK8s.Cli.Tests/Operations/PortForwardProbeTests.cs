using FluentAssertions;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations;
using Xunit;

namespace SparkK8s.Cli.Tests.Operations;

/// <summary>doctor's network probe through the real KubernetesClient port-forward (WebSocket, v4.channel.k8s.io) to the fake API server.</summary>
public class PortForwardProbeTests
{
    private static readonly ReleaseTarget Target = new(null, null, "spark", "spark");

    [Fact]
    public async Task Connect_answers_with_its_http2_settings()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        using var session = KubeConnection.Open(bed.Kubeconfig, "fake");
        var result = await new PortForwardProbe(session).ConnectAsync(Target, "spark-spark-k8s-connect", 15002, TestContext.Current.CancellationToken);

        result.Ok.Should().BeTrue(result.Detail);
        result.Detail.Should().Contain("spark-spark-k8s-connect:15002 answered").And.Contain("spark-spark-k8s-connect-6f9c7d5b8-x2k4p");
        bed.Server.Requests.Should().Contain(r => r.Path == "/api/v1/namespaces/spark/pods/spark-spark-k8s-connect-6f9c7d5b8-x2k4p/portforward" && r.Query.Contains("ports=15002", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_port_nothing_listens_on_reports_the_kubelets_error()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        using var session = KubeConnection.Open(bed.Kubeconfig, "fake");
        var result = await new PortForwardProbe(session).ConnectAsync(Target, "spark-spark-k8s-history-server", 15002, TestContext.Current.CancellationToken);

        result.Ok.Should().BeFalse();
        result.Detail.Should().Contain("connection refused");
    }

    [Fact]
    public async Task The_history_server_lists_the_application_or_nothing()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        using var session = KubeConnection.Open(bed.Kubeconfig, "fake");
        var listed = await new PortForwardProbe(session).HistoryApplicationsAsync(Target, "spark-spark-k8s-history-server", 18080, TestContext.Current.CancellationToken);
        listed.Ok.Should().BeTrue(listed.Detail);
        listed.Detail.Should().Be("the History Server lists 1 application(s)");

        await using var empty = KubeTestBed.Start("base", "healthy", "history-empty");
        using var emptySession = KubeConnection.Open(empty.Kubeconfig, "fake");
        var none = await new PortForwardProbe(emptySession).HistoryApplicationsAsync(Target, "spark-spark-k8s-history-server", 18080, TestContext.Current.CancellationToken);
        none.Ok.Should().BeFalse();
        none.Detail.Should().Contain("lists no application");
    }

    [Fact]
    public async Task A_service_without_ready_endpoints_is_named()
    {
        await using var bed = KubeTestBed.Start("base", "broken");
        using var session = KubeConnection.Open(bed.Kubeconfig, "fake");
        var result = await new PortForwardProbe(session).ConnectAsync(Target, "spark-spark-k8s-connect", 15002, TestContext.Current.CancellationToken);
        result.Ok.Should().BeFalse();
        result.Detail.Should().Be("Service spark-spark-k8s-connect has no ready pod to forward to");
    }

    [Fact]
    public async Task Doctor_with_the_real_probe_passes_a_healthy_release()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        var result = await bed.RunAsync("doctor", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        using var json = result.Json();
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("outcome").GetString());
        checks["connect endpoint"].Should().Be("passed");
        checks["history server"].Should().Be("passed");
    }
}
