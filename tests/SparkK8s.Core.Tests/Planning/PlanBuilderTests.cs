using FluentAssertions;
using SparkK8s.Core.Planning;
using SparkK8s.Core.Validation;
using Xunit;

namespace SparkK8s.Core.Tests.Planning;

public class PlanBuilderTests
{
    private static readonly string Render = RenderFixtures.ConnectConfigMap("""
        spark.executor.memory 2g
        spark.executor.cores 2
        spark.dynamicAllocation.enabled true
        spark.dynamicAllocation.minExecutors 1
        spark.dynamicAllocation.maxExecutors 3
        """) + """

        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: connect
          labels:
            app.kubernetes.io/component: connect
        spec:
          replicas: 2
          template:
            spec:
              containers:
                - name: a
                  image: apache/spark:4.1.2
                  resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 1.5Gi}}
                - name: b
                  image: registry.example.com:5000/sidecar@sha256:abc
                  resources: {requests: {cpu: "0.25", memory: 512Mi}, limits: {cpu: 1, memory: 512Mi}}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: once
        spec:
          template:
            spec:
              containers:
                - name: job
                  image: busybox
                  resources: {requests: {cpu: 4, memory: 8Gi}}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: connect
          labels:
            app.kubernetes.io/component: connect
        spec:
          ports:
            - {name: grpc, port: 15002}
            - {name: ui, port: 4040}
        """;

    private static DeploymentPlan Plan()
    {
        var manifest = RenderFixtures.Parse(Render, ns: "data");
        return PlanBuilder.Build(manifest, new ValidationRun("p", null, "4.1", [], manifest.Documents.Count, null));
    }

    [Fact]
    public void Sums_requests_and_limits_exactly_over_containers_and_replicas_without_jobs()
    {
        var total = Plan().PlatformTotal;

        total.CpuRequest.Should().Be(1.5m);
        total.MemoryRequest.Should().Be(3m * 1024 * 1024 * 1024);
        total.MemoryLimit.Should().Be(4m * 1024 * 1024 * 1024);
        total.CpuLimit.Should().BeNull("container a sets no CPU limit");
    }

    [Fact]
    public void Lists_images_endpoints_and_executor_capacity()
    {
        var plan = Plan();

        plan.Images.Should().Contain(new PlannedImage("registry.example.com:5000/sidecar@sha256:abc", "registry.example.com:5000/sidecar", "sha256:abc"));
        plan.Images.Should().Contain(i => i.Repository == "apache/spark" && i.Tag == "4.1.2");
        plan.Endpoints.Select(e => e.InClusterUrl).Should().BeEquivalentTo(
            ["sc://connect.data.svc.cluster.local:15002", "http://connect.data.svc.cluster.local:4040"]);
        plan.Endpoints[0].PortForward.Should().Be("kubectl -n data port-forward svc/connect 15002:15002");
        var executors = plan.Executors!;
        executors.MemoryPerExecutorBytes.Should().Be((2048L + 384) * 1024 * 1024);
        executors.AtMin.CpuRequest.Should().Be(2);
        executors.AtMax!.MemoryRequest.Should().Be(3m * (2048 + 384) * 1024 * 1024);
    }
}
