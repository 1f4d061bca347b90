using FluentAssertions;
using SparkK8s.Core.Processes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>
/// The ./spark-k8s wrapper builds the CLI on first use and again only when a source changed (docs/en/performance.md,
/// "The ./spark-k8s wrapper"). Run on a copy of the wrapper in a scratch checkout, with a `dotnet` on PATH that only
/// records how it was called, so no real build runs.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WrapperTests : IDisposable
{
    private readonly TempDirectory _temp = new("wrapper");

    public void Dispose() => _temp.Dispose();

    private static readonly DateTime Past = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private string Checkout()
    {
        _temp.WriteFile("repo/spark-k8s", File.ReadAllText(Path.Combine(RepoPaths.Root, "spark-k8s")));
        File.SetUnixFileMode(_temp.Combine("repo/spark-k8s"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in new[] { "repo/src/SparkK8s.Cli/a.cs", "repo/src/SparkK8s.Cli/bin/Release/x.dll", "repo/Directory.Build.props", "repo/Directory.Packages.props" })
        {
            _temp.WriteFile(file, "x");
            File.SetLastWriteTimeUtc(_temp.Combine(file), Past);
        }

        _temp.WriteFile("bin/dotnet", "#!/bin/sh\necho \"$1\" >>\"$DOTNET_CALLS\"\n");
        File.SetUnixFileMode(_temp.Combine("bin/dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return _temp.Combine("repo");
    }

    /// <summary>Runs the wrapper once; returns the first argument of each dotnet call it made ("publish", or the CLI's dll).</summary>
    private async Task<IReadOnlyList<string>> RunAsync(string repo)
    {
        var calls = _temp.Combine($"calls-{Guid.NewGuid():N}");
        var result = await ProcessRunner.RunAsync(Path.Combine(repo, "spark-k8s"), ["--version"], TestContext.Current.CancellationToken,
            environment: new Dictionary<string, string?>
            {
                ["PATH"] = $"{_temp.Combine("bin")}:/usr/bin:/bin",
                ["DOTNET_CALLS"] = calls,
                ["SPARK_K8S_HELM"] = "/bin/true",
            });
        result.ExitCode.Should().Be(0, result.StandardError);
        return File.Exists(calls) ? File.ReadAllLines(calls).Select(c => Path.GetFileName(c)).ToList() : [];
    }

    /// <summary>Dates a file, or the build stamp, this many days after 2020-01-01 (both before "now", when a build stamps).</summary>
    private static void Date(string repo, string file, int days) => File.SetLastWriteTimeUtc(Path.Combine(repo, file), Past.AddDays(days));

    private const string Stamp = ".tools/cli/.built-readytorun";

    [Fact]
    public async Task The_wrapper_builds_on_first_use_then_only_when_a_source_or_the_build_settings_change()
    {
        var repo = Checkout();

        (await RunAsync(repo)).Should().Equal("publish", "spark-k8s.dll");
        (await RunAsync(repo)).Should().Equal("spark-k8s.dll");

        Date(repo, Stamp, 10);
        Date(repo, "src/SparkK8s.Cli/bin/Release/x.dll", 20);
        (await RunAsync(repo)).Should().Equal(["spark-k8s.dll"], "build output under bin/ and obj/ is not a source");

        Date(repo, "src/SparkK8s.Cli/a.cs", 20);
        (await RunAsync(repo)).Should().Equal("publish", "spark-k8s.dll");
        (await RunAsync(repo)).Should().Equal(["spark-k8s.dll"], "the new build stamp is newer than the changed source");

        Date(repo, Stamp, 30);
        Date(repo, "Directory.Packages.props", 40);
        (await RunAsync(repo)).Should().Equal("publish", "spark-k8s.dll");
    }
}
