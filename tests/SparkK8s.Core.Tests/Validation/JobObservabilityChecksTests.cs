using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>
/// The checks on the observability of batch jobs, on real renders: SPK096 (a job takes away what the job-driver
/// PodMonitor scrapes) and SPK095 for jobs (a traced job on an image without the agent).
/// </summary>
public class JobObservabilityChecksTests
{
    private static async Task<IReadOnlyList<Finding>> CheckAsync(string version, string? valuesYaml, string[] files, params string[] sets)
    {
        var objects = await TestHelm.RenderAsync(files, [$"spark.version={version}", .. sets], valuesYaml: valuesYaml, cancellationToken: TestContext.Current.CancellationToken);
        var documents = objects.Select(o => new RenderedDocument(string.Empty, o)).ToList();
        return SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(documents), version, KnownSparkProperties.For(version))).ToList();
    }

    private static string Job(string sparkConf) => $$"""
        jobs:
          nightly:
            mainApplicationFile: local:///opt/spark/examples/jars/spark-examples.jar
            mainClass: org.apache.spark.examples.SparkPi
            sparkConf: {{{sparkConf}}}
        """;

    [Theory]
    [InlineData("batch-submit", "3.5")]
    [InlineData("batch-submit", "4.1")]
    [InlineData("batch-operator", "3.5")]
    [InlineData("batch-operator", "4.1")]
    public async Task The_batch_presets_with_monitoring_and_json_logs_have_no_finding_of_either(string preset, string version)
    {
        var findings = await CheckAsync(version, null, [$"presets/{preset}.yaml"], "monitoring.enabled=true", "logging.format=json");

        findings.Select(f => f.Id).Should().NotContain(["SPK095", "SPK096"]);
    }

    [Theory]
    [InlineData("spark.ui.enabled: 'false'", "spark.ui.enabled", "runs no UI")]
    [InlineData("spark.ui.prometheus.enabled: 'false'", "spark.ui.prometheus.enabled", "/metrics/executors/prometheus")]
    public async Task SPK096_names_the_job_and_the_property_that_takes_the_endpoint_away(string sparkConf, string property, string message)
    {
        foreach (var type in new[] { "submit", "operator" })
        {
            var findings = await CheckAsync("4.1", Job(sparkConf), [], "monitoring.enabled=true", $"jobDefaults.type={type}");
            var finding = findings.Where(f => f.Id == "SPK096").Should().ContainSingle(type).Which;

            using var scope = new AssertionScope();
            finding.Severity.Should().Be(Severity.Warning);
            finding.Field.Should().EndWith(property, type);
            finding.Message.Should().Contain("nightly").And.Contain(message);
        }
    }

    /// <summary>
    /// The values schema keeps "*" out of sparkConf keys, so these come from manifests edited after rendering (validate
    /// reads any manifests): the job's spark-defaults.conf with its servlet line changed.
    /// </summary>
    [Theory]
    [InlineData("spark.metrics.conf.*.sink.prometheusServlet.path /metrics/prometheus", "spark.metrics.conf.*.sink.prometheusServlet.path /metrics/json", "spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/json")]
    [InlineData("spark.metrics.conf.*.sink.prometheusServlet.class org.apache.spark.metrics.sink.PrometheusServlet", "spark.metrics.conf.*.sink.prometheusServlet.class org.apache.spark.metrics.sink.JmxSink", "spark.metrics.conf.*.sink.prometheusServlet.class", "no PrometheusServlet")]
    public async Task SPK096_finds_an_edited_servlet_sink(string line, string edited, string property, string message)
    {
        var objects = await TestHelm.RenderAsync([], ["spark.version=4.1", "monitoring.enabled=true", "jobDefaults.type=submit"], valuesYaml: Job("spark.app.tag: x"), cancellationToken: TestContext.Current.CancellationToken);
        var map = objects.Single(o => o.Kind == "ConfigMap" && o.Labels.GetValueOrDefault(SparkRenderModel.JobLabel) == "nightly");
        var conf = (string)map.Body["data"]!["spark-defaults.conf"]!;
        conf.Should().Contain(line);
        map.Body["data"]!["spark-defaults.conf"] = conf.Replace(line, edited, StringComparison.Ordinal);
        var documents = objects.Select(o => new RenderedDocument(string.Empty, o)).ToList();

        var findings = SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(documents), "4.1", KnownSparkProperties.For("4.1")));

        var finding = findings.Where(f => f.Id == "SPK096").Should().ContainSingle().Which;
        finding.Field.Should().EndWith(property);
        finding.Message.Should().Contain(message);
    }

    [Fact]
    public async Task SPK096_is_silent_without_monitoring()
    {
        var findings = await CheckAsync("4.1", Job("spark.ui.enabled: 'false'"), []);

        findings.Should().NotContain(f => f.Id == "SPK096");
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("operator")]
    public async Task SPK095_finds_a_traced_job_on_the_upstream_image_and_not_on_the_projects(string type)
    {
        var upstream = await CheckAsync("4.1", Job("spark.app.tag: x"), [], "tracing.enabled=true", "jars.bundled=true", $"jobDefaults.type={type}");
        var own = await CheckAsync("4.1", Job("spark.app.tag: x"), [], "tracing.enabled=true", "jars.bundled=true", $"jobDefaults.type={type}",
            "jobDefaults.image.repository=registry.example.com/spark-k8s/spark");

        using var scope = new AssertionScope();
        // The Connect server runs the upstream image too and has its own SPK095; these are the job's.
        upstream.Where(f => f.Id == "SPK095" && f.Message.StartsWith("job ", StringComparison.Ordinal)).Should().NotBeEmpty()
            .And.OnlyContain(f => f.Message.Contains("job 'nightly'") && f.Message.Contains("apache/spark"));
        own.Should().NotContain(f => f.Id == "SPK095" && f.Message.StartsWith("job ", StringComparison.Ordinal));
    }
}
