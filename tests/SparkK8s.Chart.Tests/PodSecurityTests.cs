using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>Pod Security Standard "restricted" and resource settings on every pod, executor template included.</summary>
public class PodSecurityTests
{
    public static TheoryData<string, string> Renders() => new()
    {
        { "3.5", "" },
        { "4.1", "" },
        { "4.1", "jars.bundled=true" },
        { "3.5", "jupyter.installPackages=false" },
        { "3.5", "standalone.enabled=true,connect.backend=standalone" },
        { "4.1", "standalone.enabled=true,connect.backend=standalone,jars.bundled=true" },
        { "4.1", "standalone.enabled=true,spark.decommission.enabled=true" },
        { "3.5", "costExporter.enabled=true" },
    };

    private static async Task<IReadOnlyList<KubeObject>> WorkloadsAsync(string version, string set)
    {
        var rendered = await ChartRender.RenderAsync(version, set.Length == 0 ? [] : [set]);
        var workloads = rendered.PodWorkloads.ToList();
        var expected = new List<string> { "connect", "executor", "history-server", "minio", "metastore", "postgresql", "jupyter" };
        if (set.Contains("standalone.enabled=true", StringComparison.Ordinal))
        {
            expected.AddRange(["standalone-master", "standalone-worker"]);
        }

        if (set.Contains("connect.backend=standalone", StringComparison.Ordinal))
        {
            expected.Remove("executor");
        }

        if (set.Contains("costExporter.enabled=true", StringComparison.Ordinal))
        {
            expected.Add("cost-exporter");
        }

        workloads.Select(w => w.Labels[Rendered.ComponentLabel]).Distinct().Should().BeEquivalentTo(expected);
        return workloads;
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task Every_pod_runs_as_non_root_with_runtime_default_seccomp(string version, string set)
    {
        using var scope = new AssertionScope();
        foreach (var workload in await WorkloadsAsync(version, set))
        {
            var pod = workload.PodSpec!["securityContext"];
            ((bool?)pod?["runAsNonRoot"]).Should().BeTrue(workload.DisplayName);
            ((long?)pod?["runAsUser"]).Should().BeGreaterThan(0, workload.DisplayName);
            ((string?)pod?["seccompProfile"]?["type"]).Should().Be("RuntimeDefault", workload.DisplayName);
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task Every_container_and_init_container_is_restricted(string version, string set)
    {
        using var scope = new AssertionScope();
        foreach (var (container, what) in await ContainersAsync(version, set))
        {
            var sc = container["securityContext"];
            ((bool?)sc?["allowPrivilegeEscalation"]).Should().BeFalse(what);
            ((bool?)sc?["runAsNonRoot"]).Should().BeTrue(what);
            ((bool?)sc?["privileged"] ?? false).Should().BeFalse(what);
            sc?["capabilities"]?["drop"]?.AsArray().Select(c => (string?)c).Should().Contain("ALL", what);
            sc?["capabilities"]?["add"].Should().BeNull(what);
            ((string?)sc?["seccompProfile"]?["type"]).Should().Be("RuntimeDefault", what);
            PodSpecs.Items(container, "ports").Should().NotContain(p => p["hostPort"] != null, what);
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task No_host_namespaces_or_host_paths(string version, string set)
    {
        using var scope = new AssertionScope();
        foreach (var workload in await WorkloadsAsync(version, set))
        {
            var spec = workload.PodSpec!;
            foreach (var field in new[] { "hostNetwork", "hostPID", "hostIPC" })
            {
                ((bool?)spec[field] ?? false).Should().BeFalse($"{workload.DisplayName} {field}");
            }

            PodSpecs.Items(spec, "volumes").Should().NotContain(v => v["hostPath"] != null, workload.DisplayName);
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task Every_container_requests_cpu_and_memory_and_limits_memory(string version, string set)
    {
        using var scope = new AssertionScope();
        foreach (var (container, what) in await ContainersAsync(version, set))
        {
            if (what == $"Pod/{Rendered.ExecutorTemplateName} container spark-executor")
            {
                continue; // Spark sets these from spark.executor.* (checked below).
            }

            var resources = container["resources"];
            ((string?)resources?["requests"]?["cpu"]?.ToString()).Should().NotBeNullOrEmpty(what);
            ((string?)resources?["requests"]?["memory"]?.ToString()).Should().NotBeNullOrEmpty(what);
            ((string?)resources?["limits"]?["memory"]?.ToString()).Should().NotBeNullOrEmpty(what);
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task Executor_container_resources_come_from_spark_executor_settings(string version, string set)
    {
        var rendered = await ChartRender.RenderAsync(version, set.Length == 0 ? [] : [set]);

        // Spark's executor pod builder sets requests (cores, memory + overhead + pyspark memory)
        // and the memory limit on the executor container from these properties.
        rendered.SparkDefaults("connect").Keys.Should().Contain(
            ["spark.executor.cores", "spark.executor.memory", "spark.executor.memoryOverhead", "spark.executor.pyspark.memory"]);
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task Long_running_processes_have_readiness_and_liveness_probes(string version, string set)
    {
        using var scope = new AssertionScope();
        var rendered = await ChartRender.RenderAsync(version, set.Length == 0 ? [] : [set]);
        foreach (var workload in rendered.Objects.Where(o => o.Kind is "Deployment" or "StatefulSet"))
        {
            foreach (var container in workload.Containers())
            {
                container["readinessProbe"].Should().NotBeNull(workload.Describe(container));
                container["livenessProbe"].Should().NotBeNull(workload.Describe(container));
            }
        }
    }

    /// <summary>Every container and init container of every pod, with a description for messages.</summary>
    private static async Task<IReadOnlyList<(JsonObject Container, string What)>> ContainersAsync(string version, string set) =>
        (await WorkloadsAsync(version, set)).SelectMany(w => w.AllContainers().Select(c => (c, w.Describe(c)))).ToList();
}
