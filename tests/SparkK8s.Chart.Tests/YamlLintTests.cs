using FluentAssertions;
using SparkK8s.Core.Processes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>The chart's hand-written YAML (values, presets, environments) the price catalog and the images workflow pass yamllint (.yamllint).</summary>
public class YamlLintTests
{
    public static TheoryData<string> Files()
    {
        var files = new TheoryData<string> { "charts/spark-k8s/values.yaml", "charts/spark-k8s/Chart.yaml", "src/SparkK8s.Core/Cost/default-prices.yaml", ".github/workflows/images.yml" };
        foreach (var folder in new[] { "presets", "environments", "monitoring/catalogue", "monitoring/jmx-exporter" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Chart, folder), "*.yaml").Order(StringComparer.Ordinal))
            {
                files.Add(Path.GetRelativePath(RepoPaths.Root, file));
            }
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "fixtures", "alerts"), "*.yaml").Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }

        return files;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task File_passes_yamllint(string file)
    {
        var yamllint = ProcessRunner.FindOnPath("yamllint")
            ?? throw new InvalidOperationException("yamllint is not installed (apt-get install yamllint; ./test.sh installs it when run as root)");

        var result = await ProcessRunner.RunAsync(yamllint, ["-c", ".yamllint", "-f", "parsable", file], TestContext.Current.CancellationToken, RepoPaths.Root);

        result.StandardOutput.Split('\n').Where(l => l.Contains("[error]", StringComparison.Ordinal)).Should().BeEmpty();
        result.ExitCode.Should().Be(0);
    }
}
