using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>SPK125 and SPK126: the data quality runner's suites against the render (issue 14 §4), fixtures in tests/fixtures/data-quality.</summary>
public class DataQualityChecksTests
{
    private static IReadOnlyList<Finding> Check(string fixture, string id)
    {
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "fixtures", "data-quality", fixture));
        return SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), "4.1", KnownSparkProperties.For("4.1")))
            .Where(f => f.Id == id).ToList();
    }

    [Theory]
    [InlineData("SPK125")]
    [InlineData("SPK126")]
    public void A_valid_render_has_no_finding(string id) =>
        Check("good.yaml", id).Should().BeEmpty();

    [Fact]
    public void A_suite_named_by_the_run_or_the_dag_that_no_file_defines_is_an_error()
    {
        var findings = Check("missing-suite.yaml", "SPK125");

        findings.Should().HaveCount(2);
        findings.Should().OnlyContain(f => f.Severity == Severity.Error && f.Message.Contains("'orders'") && f.Message.Contains("found: yellow_trips"));
        findings.Select(f => f.Object).Should().BeEquivalentTo(["CronJob/spark-spark-k8s-data-quality", "ConfigMap/spark-spark-k8s-airflow-dags"]);
        findings[0].Field.Should().EndWith("env DQ_RUN");
    }

    [Fact]
    public void Suite_files_the_runner_refuses_are_errors_naming_the_file_and_the_problem()
    {
        var findings = Check("bad-suites.yaml", "SPK126");

        findings.Select(f => f.Field).Should().Equal("data.listed.yaml", "data.taxi_zones.yaml", "data.typo.yaml", "data.yellow_trips.yaml");
        findings.Select(f => f.Message).Should().SatisfyRespectively(
            m => m.Should().Contain("a suite is a mapping"),
            m => m.Should().Contain("table must be a table name"),
            m => m.Should().Contain("expectations[0]: type must be a Great Expectations expectation type"),
            m => m.Should().Contain("the suite 'yellow_trips' is also defined in copy.yaml"));
        findings.Should().OnlyContain(f => f.Object == "ConfigMap/spark-spark-k8s-data-quality-suites");
    }

    [Fact]
    public void Without_a_runner_the_checks_stay_silent()
    {
        var findings = SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(RenderFixtures.ConnectConfigMap("spark.master=local")).Documents), "4.1", KnownSparkProperties.For("4.1")));

        findings.Should().NotContain(f => f.Id == "SPK125" || f.Id == "SPK126");
    }
}
