using FluentAssertions;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation.Spark;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Contracts;

/// <summary>
/// `spark-k8s size --write-values` installs through the chart: the executor pods Spark will request from the rendered
/// spark-defaults.conf are exactly the pods the sizer packed onto the node, with and without Python workers.
/// </summary>
public class SizeOverlayTests
{
    [Theory]
    [InlineData(false, "4.1")]
    [InlineData(true, "4.1")]
    [InlineData(true, "3.5")]
    public async Task Rendered_executor_pods_match_the_recommendation(bool python, string sparkVersion)
    {
        using var temp = new TempDirectory();
        var overlay = temp.Combine("size.yaml");
        string[] args = ["size", "--dataset-size", "500GB", "--workload", "join", "--target-duration", "20m", "--node-type", "m5.2xlarge",
            "--spark-version", sparkVersion, "--write-values", overlay, "--output", "json"];
        var result = await CliRunner.RunAsync(python ? [.. args, "--python"] : args);
        result.ExitCode.Should().Be(0, result.Stderr);
        var recommendation = result.Json().RootElement;

        var yaml = await TestHelm.Client.TemplateAsync(
            new Core.Helm.HelmRenderRequest
            {
                ChartDirectory = RepoPaths.Chart,
                ValueFiles = [Path.Combine(RepoPaths.Chart, "presets", "connect-k8s-minimal.yaml"), overlay],
                SetValues = [$"spark.version={sparkVersion}"],
            },
            TestContext.Current.CancellationToken);
        var conf = SparkRenderModel.From(RenderedManifest.Parse(yaml, new RenderOptions { ChartDirectory = RepoPaths.Chart, Preset = "connect-k8s-minimal" }).Documents).Connect!;
        var pod = ExecutorMemory.From(conf, sparkVersion);

        pod.TotalMiB.Should().Be(recommendation.GetProperty("executorPodMemoryMiB").GetInt64());
        pod.Pod.HeapMiB.Should().Be(recommendation.GetProperty("executorMemoryMiB").GetInt64());
        conf.Get("spark.executor.cores").Should().Be(recommendation.GetProperty("executorCores").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        conf.Get("spark.dynamicAllocation.maxExecutors").Should().Be(recommendation.GetProperty("maxExecutors").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!python)
        {
            conf.Get("spark.executor.pyspark.memory").Should().BeNull("no Python workers were planned");
        }
    }
}
