using FluentAssertions;
using SparkK8s.Core.Processes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests.DataQuality;

/// <summary>
/// The data quality runner (charts/spark-k8s/files/data-quality/runner.py): it compiles with Python 3, and its unit
/// tests (runner_tests.py: mode decision, suite loading, result paths, exit codes, no secret in the output) pass
/// against the stand-ins of great_expectations, pyspark and boto3 in stubs/.
/// </summary>
public class DataQualityRunnerTests
{
    private static string Folder => Path.Combine(RepoPaths.Root, "tests", "SparkK8s.Chart.Tests", "DataQuality");

    private static async Task<ProcessResult> PythonAsync(params string[] arguments)
    {
        var python = ProcessRunner.FindOnPath("python3")
            ?? throw new InvalidOperationException("python3 is not installed (apt-get install python3): the data quality runner tests need it");
        return await ProcessRunner.RunAsync(python, ["-B", .. arguments], TestContext.Current.CancellationToken, RepoPaths.Root);
    }

    [Fact]
    public async Task The_runner_compiles_with_python3()
    {
        using var temp = new TempDirectory();
        var result = await PythonAsync("-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
            Path.Combine(RepoPaths.Chart, "files", "data-quality", "runner.py"), Path.Combine(temp.Path, "runner.pyc"));

        result.ExitCode.Should().Be(0, result.StandardError);
    }

    [Fact]
    public async Task The_runners_unit_tests_pass()
    {
        var result = await PythonAsync(Path.Combine(Folder, "runner_tests.py"));

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardError.Should().MatchRegex(@"Ran [0-9]+ tests").And.Contain("OK");
    }
}
