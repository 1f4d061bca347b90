using FluentAssertions;
using SparkK8s.Core.Processes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>The shell entry points users and CI run (./spark-k8s, ./test.sh, .ci/run, scripts/) pass shellcheck.</summary>
public class ShellScriptTests
{
    public static TheoryData<string> Scripts()
    {
        var root = RepoPaths.Root;
        var scripts = new TheoryData<string>();
        foreach (var entryPoint in new[] { "spark-k8s", "test.sh", Path.Combine(".ci", "run") })
        {
            scripts.Add(entryPoint);
        }

        foreach (var folder in new[] { "scripts", "benchmarks", "images", "e2e" }.Select(f => Path.Combine(root, f)).Where(Directory.Exists))
        {
            foreach (var script in Directory.EnumerateFiles(folder, "*.sh", SearchOption.AllDirectories))
            {
                scripts.Add(Path.GetRelativePath(root, script));
            }
        }

        return scripts;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Script_passes_shellcheck(string script)
    {
        var shellcheck = ProcessRunner.FindOnPath("shellcheck")
            ?? throw new InvalidOperationException("shellcheck is not installed (apt-get install shellcheck; ./test.sh installs it when run as root)");

        var result = await ProcessRunner.RunAsync(shellcheck, ["--severity=style", script], TestContext.Current.CancellationToken, RepoPaths.Root);

        result.StandardOutput.Should().BeEmpty();
        result.ExitCode.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_is_executable_and_strict(string script)
    {
        var path = Path.Combine(RepoPaths.Root, script);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).Should().HaveFlag(UnixFileMode.UserExecute, $"{script} is run directly");
        }

        File.ReadLines(path).First().Should().Be("#!/usr/bin/env bash");
        File.ReadAllText(path).Should().MatchRegex(@"set -[eu]+o? ?(pipefail)?", $"{script} should fail fast on errors");
    }
}
