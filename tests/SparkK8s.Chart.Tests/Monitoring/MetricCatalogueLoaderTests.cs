using FluentAssertions;
using SparkK8s.Testing;
using SparkK8s.Testing.Monitoring;
using Xunit;

namespace SparkK8s.Chart.Tests.Monitoring;

public sealed class MetricCatalogueLoaderTests
{
    private const string Valid = """
        source: demo
        exporter: "a demo exporter"
        reference: "nowhere"
        metrics:
          - {name: demo_requests_seconds, type: histogram, help: "h", from: "f"}
          - {name: demo_summary, type: summary, help: "h", from: "f"}
          - {name: demo_new_total, type: counter, help: "h", from: "f", sparkLines: ["4.1"]}
        """;

    [Fact]
    public void Histogram_and_summary_suffixes_resolve_to_their_base_and_lines_filter()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "demo.yaml"), Valid);
        var catalogue = MetricCatalogue.Load(dir.Path);

        catalogue.Contains("demo_requests_seconds_bucket").Should().BeTrue();
        catalogue.Contains("demo_summary_count").Should().BeTrue();
        catalogue.Contains("demo_summary_bucket").Should().BeFalse("a summary has no buckets");
        catalogue.Contains("demo_new_total", "4.1").Should().BeTrue();
        catalogue.Contains("demo_new_total", "3.5").Should().BeFalse();
        catalogue.Contains("demo_unknown").Should().BeFalse();
    }

    [Theory]
    [InlineData("source: other", "expected the file stem")]
    [InlineData("type: histogram", "is not one of")]
    public void A_malformed_file_fails_with_its_name(string replace, string message)
    {
        using var dir = new TempDirectory();
        var text = replace.StartsWith("source", StringComparison.Ordinal)
            ? Valid.Replace("source: demo", replace)
            : Valid.Replace("type: histogram", "type: meter");
        File.WriteAllText(Path.Combine(dir.Path, "demo.yaml"), text);
        var act = () => MetricCatalogue.Load(dir.Path);
        act.Should().Throw<FormatException>().WithMessage($"demo.yaml:*{message}*");
    }
}
