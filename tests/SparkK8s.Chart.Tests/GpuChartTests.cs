using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Presets;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// gpu.enabled: RAPIDS on the Connect server's executors (templates/gpu/_gpu.tpl). Facts from NVIDIA/spark-rapids (tag
/// v26.06.0): docs/download.md (supported Spark builds, jar coordinates), the tuning guide (one GPU per executor, task GPU
/// amount = 1 / concurrent tasks), docs/configs.md (com.nvidia.spark.SQLPlugin, spark.rapids.memory.pinnedPool.size);
/// apache/spark docs/running-on-kubernetes.md (spark.executor.resource.gpu.vendor and discoveryScript on Kubernetes).
/// </summary>
public class GpuChartTests
{
    private const string Image = "spark-k8s/spark-gpu:3.5.8-scala2.12-java17-python3-ubuntu-rapids26.06.0";

    private static Task<Rendered> Gpu(params string[] sets) =>
        ChartRender.RenderAsync(new RenderInput(Sets: ["spark.version=3.5", "gpu.enabled=true", .. sets]));

    [Fact]
    public async Task Connect_executors_get_the_rapids_plugin_and_gpu_scheduling()
    {
        var conf = (await Gpu("connect.executor.cores=4")).SparkDefaults("connect");

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.plugins"] = "com.nvidia.spark.SQLPlugin",
            ["spark.executor.resource.gpu.amount"] = "1",
            ["spark.executor.resource.gpu.vendor"] = "nvidia.com",
            ["spark.executor.resource.gpu.discoveryScript"] = "/opt/spark-gpu/getGpusResources.sh",
            ["spark.task.resource.gpu.amount"] = "0.25",
            ["spark.rapids.memory.pinnedPool.size"] = "2g",
            ["spark.kubernetes.container.image"] = Image,
        });
        conf.Should().NotContainKey("spark.rapids.sql.concurrentGpuTasks", "null leaves RAPIDS to adjust it");
    }

    [Fact]
    public async Task The_pinned_pool_is_added_to_the_executor_memory_overhead()
    {
        var off = (await ChartRender.RenderAsync("3.5")).SparkDefaults("connect")["spark.executor.memoryOverhead"];
        var on = (await Gpu()).SparkDefaults("connect")["spark.executor.memoryOverhead"];

        (long.Parse(on.TrimEnd('m'), System.Globalization.CultureInfo.InvariantCulture) - long.Parse(off.TrimEnd('m'), System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(2048);
    }

    [Fact]
    public async Task User_spark_conf_wins_and_plugins_are_joined()
    {
        var conf = (await Gpu("connect.sparkConf.spark\\.plugins=org.example.Plugin", "gpu.concurrentGpuTasks=3")).SparkDefaults("connect");

        conf["spark.plugins"].Should().Be("com.nvidia.spark.SQLPlugin,org.example.Plugin");
        conf["spark.rapids.sql.concurrentGpuTasks"].Should().Be("3");
    }

    [Fact]
    public async Task Executor_pod_template_asks_for_one_gpu_on_gpu_nodes_with_the_gpu_image()
    {
        var rendered = await Gpu("gpu.nodeSelector.gpu-pool=l4", "spark.executorScheduling.nodeSelector.zone=a",
            "spark.executorScheduling.tolerations[0].key=spot", "spark.executorScheduling.tolerations[0].operator=Exists");
        var template = rendered.ExecutorPodTemplate;
        var spec = template.PodSpec!;
        var container = template.Container("spark-executor");

        ((string?)container["resources"]?["limits"]?["nvidia.com/gpu"]).Should().Be("1");
        ((string?)container["image"]).Should().Be(Image);
        spec["nodeSelector"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value)
            .Should().BeEquivalentTo(new Dictionary<string, string?> { ["gpu-pool"] = "l4", ["zone"] = "a" });
        spec["tolerations"]!.AsArray().Select(t => (string?)t!["key"]).Should().Equal("spot", "nvidia.com/gpu");
    }

    [Fact]
    public async Task The_driver_runs_the_gpu_image_but_asks_for_no_gpu()
    {
        var connect = (await Gpu()).Single("Deployment", "connect");
        var container = connect.Container("spark-connect");

        ((string?)container["image"]).Should().Be(Image, "RAPIDS' driver plugin must be on the Connect server's class path");
        container["resources"]?["limits"]?["nvidia.com/gpu"].Should().BeNull();
        connect.PodSpec!["nodeSelector"].Should().BeNull();
    }

    [Fact]
    public async Task The_rapids_jar_of_the_version_table_is_downloaded_only_with_gpu()
    {
        var values = await ValuesDocument.LoadAsync(Path.Combine(RepoPaths.Chart, "values.yaml"), "--chart", TestContext.Current.CancellationToken);
        var coordinate = (string?)ValuesDocument.Get(values, "spark.releases")!["3.5"]!["componentJars"]!["rapids"]![0]!["coordinate"];
        coordinate.Should().Be("com.nvidia:rapids-4-spark_2.12:26.06.0", "RAPIDS 26.06.0 is built for Scala 2.12 with Spark 3.5 (docs/download.md)");

        string Jars(Rendered r) => (string?)r.Single("Deployment", "connect").PodSpec!["initContainers"]![0]!["env"]!.AsArray()
            .Single(e => (string?)e!["name"] == "JARS")!["value"] ?? string.Empty;
        Jars(await Gpu()).Should().Contain("com/nvidia/rapids-4-spark_2.12/26.06.0/rapids-4-spark_2.12-26.06.0.jar");
        Jars(await ChartRender.RenderAsync("3.5")).Should().NotContain("rapids");
    }

    [Fact]
    public async Task Gpu_is_off_by_default_and_adds_nothing()
    {
        var rendered = await ChartRender.RenderAsync("3.5");

        rendered.SparkDefaults("connect").Keys.Should().NotContain(k => k.Contains("gpu", StringComparison.Ordinal) || k.StartsWith("spark.rapids", StringComparison.Ordinal));
        rendered.ExecutorPodTemplate.Container("spark-executor")["resources"]?["limits"]?["nvidia.com/gpu"].Should().BeNull();
    }

    [Fact]
    public async Task A_line_without_a_rapids_jar_is_refused_naming_the_supported_lines()
    {
        (await ChartRender.RenderErrorAsync(new RenderInput(Sets: ["spark.version=4.1", "gpu.enabled=true"]))).Should()
            .Contain("gpu.enabled").And.Contain("spark.version \"4.1\"").And.Contain("Spark 4.1.2").And.Contain("Supported lines: 3.5");
    }

    [Fact]
    public async Task The_standalone_backend_is_refused()
    {
        (await ChartRender.RenderErrorAsync(new RenderInput(Sets: ["spark.version=3.5", "gpu.enabled=true", "connect.backend=standalone", "standalone.enabled=true"]))).Should().Contain("gpu.enabled").And.Contain("connect.backend \"k8s\"");
    }

    [Theory]
    [InlineData("gpu: {concurrentGpuTasks: 0}", "gpu/concurrentGpuTasks")]
    [InlineData("gpu: {pinnedPoolSize: lots}", "gpu/pinnedPoolSize")]
    [InlineData("gpu: {image: {pullPolicy: Sometimes}}", "gpu/image/pullPolicy")]
    [InlineData("gpu: {count: 2}", "gpu")]
    public async Task The_schema_is_strict(string values, string path)
    {
        var output = await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: values));
        output.Should().Match(e => e.Contains(path.Replace('/', '.'), StringComparison.Ordinal) || e.Contains("/" + path, StringComparison.Ordinal), output);
    }
}
