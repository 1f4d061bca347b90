using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>sparkConf takes strings, numbers and booleans and renders each in the form Spark reads.</summary>
public class TypedSparkConfTests
{
    [Fact]
    public async Task A_number_set_on_the_command_line_is_accepted_and_rendered_as_text()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [@"connect.sparkConf.spark\.sql\.shuffle\.partitions=400"]));

        rendered.SparkDefaults("connect").Should().Contain("spark.sql.shuffle.partitions", "400");
    }

    [Fact]
    public async Task Numbers_and_booleans_from_a_values_file_render_in_Sparks_form()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            connect:
              sparkConf:
                spark.sql.shuffle.partitions: 1000000
                spark.sql.adaptive.enabled: false
                spark.memory.fraction: 0.6
                spark.sql.files.maxPartitionBytes: "0123"
                spark.driver.extraJavaOptions: "-Dpath=C:\\temp"
            historyServer:
              sparkConf:
                spark.history.retainedApplications: 50
                spark.history.ui.acls.enable: true
            """));

        var connect = rendered.SparkDefaults("connect");
        connect.Should().Contain("spark.sql.shuffle.partitions", "1000000")
            .And.Contain("spark.sql.adaptive.enabled", "false")
            .And.Contain("spark.memory.fraction", "0.6")
            .And.Contain("spark.sql.files.maxPartitionBytes", "0123");
        // java.util.Properties reads "\\" as one backslash.
        connect.Should().Contain("spark.driver.extraJavaOptions", @"-Dpath=C:\\temp");
        rendered.SparkDefaults("history-server").Should().Contain("spark.history.retainedApplications", "50")
            .And.Contain("spark.history.ui.acls.enable", "true");
    }

    [Fact]
    public async Task A_value_starting_with_a_separator_keeps_it()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: "connect: {sparkConf: {spark.a: ':x', spark.b: '=y'}}"));

        // java.util.Properties would take a leading ':' or '=' as the separator; "\:" reads as ':'.
        rendered.SparkDefaults("connect").Should().Contain("spark.a", @"\:x").And.Contain("spark.b", @"\=y");
    }
}
