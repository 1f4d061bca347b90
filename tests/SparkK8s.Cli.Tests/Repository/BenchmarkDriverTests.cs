using FluentAssertions;
using SparkK8s.Core.Processes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>The issue-15 benchmark drivers: one line per target in a shared format, all reached by run-all.sh, none run by ./test.sh.</summary>
public class BenchmarkDriverTests
{
    private const string HyperfineExport = """
        {"results": [
          {"command": "pg_dump", "median": 2.0, "user": 1.0, "system": 0.5, "times": [2.0, 1.9, 2.2]},
          {"command": "backup run", "median": 2.2, "user": 1.2, "system": 0.6, "times": [2.2, 2.3, 2.1]}
        ]}
        """;

    [Fact]
    public async Task A_target_line_names_ratio_floor_spread_and_input()
    {
        using var temp = new TempDirectory();
        var export = temp.WriteFile("run.json", HyperfineExport);

        var result = await TargetLineAsync("backup run", export, "1", "0", "1.15", "100 MiB database", "--floor-name", "pg_dump -Fc");

        result.ExitCode.Should().Be(0);
        result.StandardOutput.Trim().Should().Be(
            "backup run: 1.10x (target <= 1.15x) ok; floor: pg_dump -Fc 2.000 s, measured 2.200 s (wall medians of 3, pairwise spread 0.95-1.21; CPU-time ratio 1.20x); input: 100 MiB database");
    }

    [Fact]
    public async Task A_ratio_above_its_limit_is_marked_missed()
    {
        using var temp = new TempDirectory();
        var export = temp.WriteFile("run.json", HyperfineExport);

        var result = await TargetLineAsync("backup run", export, "1", "0", "1.05", "small");

        result.StandardOutput.Should().StartWith("backup run: 1.10x (target <= 1.05x) MISSED; floor: pg_dump 2.000 s");
    }

    [Fact]
    public void Run_all_reaches_every_driver_and_test_sh_reaches_none()
    {
        var runAll = File.ReadAllText(Path.Combine(RepoPaths.Root, "benchmarks", "run-all.sh"));
        foreach (var driver in new[] { "validate.sh", "plan.sh", "startup.sh", "cost.sh", "backup/run.sh" })
        {
            runAll.Should().Contain(driver);
        }

        File.Exists(Path.Combine(RepoPaths.Root, "benchmarks", "cost.sh")).Should().BeTrue();
        File.ReadAllText(Path.Combine(RepoPaths.Root, "test.sh")).Should().NotContain("benchmarks");
    }

    [Fact]
    public void Every_driver_marks_a_miss_with_the_word_run_all_counts()
    {
        var runAll = File.ReadAllText(Path.Combine(RepoPaths.Root, "benchmarks", "run-all.sh"));
        runAll.Should().Contain("/MISSED/", "run-all.sh counts the lines that say MISSED");
        var verdicts = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "benchmarks"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".sh", StringComparison.Ordinal) || f.EndsWith(".py", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Where(l => l.Contains("verdict =", StringComparison.Ordinal) || l.Contains("MISS", StringComparison.Ordinal))
                .Select(l => (File: Path.GetRelativePath(RepoPaths.Root, f), Line: l.Trim())))
            .ToList();

        verdicts.Should().NotBeEmpty();
        verdicts.Where(v => System.Text.RegularExpressions.Regex.IsMatch(v.Line, @"MISS(?!ED)")).Should().BeEmpty("a driver that prints another word for a miss is not counted by run-all.sh");
    }

    private static Task<ProcessResult> TargetLineAsync(params string[] arguments)
    {
        var python = ProcessRunner.FindOnPath("python3") ?? throw new InvalidOperationException("python3 is needed by the benchmark drivers");
        return ProcessRunner.RunAsync(python, [Path.Combine(RepoPaths.Root, "benchmarks", "lib", "target-line.py"), .. arguments], TestContext.Current.CancellationToken, RepoPaths.Root);
    }
}
