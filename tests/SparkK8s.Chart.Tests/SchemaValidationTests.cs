using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// values.schema.json rejects bad values and helm names the key. Helm 3 prints dotted paths
/// ("connect.executor.cores"), Helm 4 JSON pointers ("/connect/executor/cores"); both are accepted.
/// </summary>
public class SchemaValidationTests
{
    public static TheoryData<string, string, string> BadValues() => new()
    {
        // values YAML, path of the object holding the offending key ("" = top level), offending key
        { "foo: 1", "", "foo" },
        { "connect: {foo: 1}", "connect", "foo" },
        { "connect: {executor: {gpu: 1}}", "connect.executor", "gpu" },
        { "spark: {releases: {'3.4': {sparkVersion: 3.4.4}}}", "spark.releases", "3.4" },
        { "minio: {persistence: {sizee: 1Gi}}", "minio.persistence", "sizee" },
        { "jupyter: {resources: {requests: {gpu: 1, cpu: 1, memory: 1Gi}}}", "jupyter.resources.requests", "gpu" },
    };

    public static TheoryData<string, string> WrongValues() => new()
    {
        // values YAML, path of the offending key as JSON-pointer segments
        { "connect: {executor: {cores: many}}", "connect/executor/cores" },
        { "minio: {enabled: 'yes'}", "minio/enabled" },
        { "spark: {version: 3.5}", "spark/version" },
        { "spark: {version: '3.4'}", "spark/version" },
        { "connect: {backend: yarn}", "connect/backend" },
        { "connect: {executor: {memory: 2 GB}}", "connect/executor/memory" },
        { "connect: {dynamicAllocation: {maxExecutors: -1}}", "connect/dynamicAllocation/maxExecutors" },
        { "connect: {image: {pullPolicy: Sometimes}}", "connect/image/pullPolicy" },
        { "historyServer: {cleaner: {maxAge: a week}}", "historyServer/cleaner/maxAge" },
        { "s3: {endpoint: s3.amazonaws.com}", "s3/endpoint" },
        { "connect: {sparkConf: {spark.sql.shuffle.partitions: [64]}}", "connect/sparkConf/spark.sql.shuffle.partitions" },
        { "imagePullSecrets: regcred", "imagePullSecrets" },
        // An empty tag would fall back to the Spark image tag (apache/hive:4.1.2-scala2.13-...); only Spark images may leave it empty.
        { "metastore: {image: {tag: ''}}", "metastore/image/tag" },
        { "minio: {mcImage: {tag: ''}}", "minio/mcImage/tag" },
        { "connect: {resources: {limits: {memory: 4XB}}}", "connect/resources/limits/memory" },
        { "jupyter: {resources: {requests: {cpu: -1}}}", "jupyter/resources/requests/cpu" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Unknown_keys_are_rejected_with_their_name(string values, string parent, string key)
    {
        var error = await ChartRender.RenderErrorAsync(values);

        error.Should().Contain(key);
        var helm3 = parent.Length == 0 ? "(root)" : parent + ":";
        var helm4 = parent.Length == 0 ? "at ''" : "'/" + parent.Replace('.', '/') + "'";
        error.Should().Match(e => e.Contains(helm3) || e.Contains(helm4), $"the error names the parent object {parent}");
    }

    [Theory]
    [MemberData(nameof(WrongValues))]
    public async Task Wrong_types_and_values_are_rejected_with_the_key_path(string values, string path)
    {
        var error = await ChartRender.RenderErrorAsync(values);

        var helm3 = path.Replace('/', '.') + ":";
        var helm4 = "'/" + path + "'";
        error.Should().Match(e => e.Contains(helm3) || e.Contains(helm4), $"the error names {path}: {error}");
    }

    [Theory]
    [InlineData("connect: {backend: standalone}", "standalone.enabled", "set standalone.enabled: true")]
    [InlineData("standalone: {enabled: true, worker: {replicas: 0, autoscaling: {enabled: true}}}", "standalone.worker.replicas", "at least 1")]
    [InlineData("standalone: {enabled: true, worker: {replicas: 3, autoscaling: {enabled: true, maxReplicas: 2}}}", "standalone.worker.autoscaling.maxReplicas", "at least")]
    [InlineData("standalone: {enabled: true, worker: {resources: {limits: {memory: 1Gi}}}}", "standalone.worker.resources.limits.memory", "raise the limit")]
    [InlineData("spark: {executorScheduling: {batchScheduler: {name: volcano}}}", "spark.executorScheduling.batchScheduler.name", "client-mode Connect server")]
    [InlineData("connect: {backend: operator}", "connect.backend", "not implemented")]
    [InlineData("minio: {enabled: false}", "s3.endpoint", "minio.enabled is false")]
    [InlineData("minio: {enabled: false}\ns3: {endpoint: 'https://s3.example.invalid'}", "s3.credentials.existingSecret", "minio.enabled is false")]
    [InlineData("postgresql: {enabled: false}", "metastore.externalDatabase.host", "postgresql.enabled is false")]
    [InlineData("connect: {enabled: false}", "jupyter.enabled", "connect.enabled")]
    public async Task Unsupported_combinations_fail_with_the_key_named(string values, string key, string hint)
    {
        var error = await ChartRender.RenderErrorAsync(values);

        error.Should().Contain(key).And.Contain(hint);
    }

}
