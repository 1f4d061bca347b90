using FluentAssertions;
using SparkK8s.Core.Processes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>
/// scripts/ensure-test-deps.sh (run by ./test.sh) in a copy of the scripts, with a PATH of stand-ins only: silent and
/// idempotent when all is present, apt-get as root, one line per missing package otherwise.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TestDependenciesScriptTests : IDisposable
{
    private static readonly string[] DebianPackages = ["yamllint", "shellcheck", "prometheus", "postgresql-15"];

    private readonly TempDirectory _temp = new("spark-k8s-deps");

    public TestDependenciesScriptTests()
    {
        foreach (var script in new[] { "ensure-test-deps.sh", "ensure-helm.sh" })
        {
            File.Copy(Path.Combine(RepoPaths.Root, "scripts", script), _temp.Combine("repo", "scripts", script).EnsureParent());
            File.SetUnixFileMode(_temp.Combine("repo", "scripts", script), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Helm and s3rver already in .tools: this test is about the Debian packages.
        Executable(_temp.Combine("repo", ".tools", "helm", "v4", "helm"), "echo helm");
        Executable(_temp.Combine("repo", ".tools", "helm", "v3", "helm"), "echo helm");
        _temp.WriteFile(Path.Combine("repo", ".tools", "node", "node_modules", "s3rver", "bin", "s3rver.js"), "// stand-in");

        foreach (var tool in new[] { "bash", "dirname" })
        {
            File.CreateSymbolicLink(_temp.Combine("bin", tool).EnsureParent(), ProcessRunner.FindOnPath(tool) ?? throw new InvalidOperationException($"{tool} not found"));
        }

        // apt-get stand-in: records its arguments and "installs" the packages it is asked for as stand-in binaries.
        Executable(_temp.Combine("bin", "apt-get"), $$"""
            echo "$*" >> '{{AptLog}}'
            [ -f '{{_temp.Combine("apt-fails")}}' ] && exit 100
            for arg in "$@"; do
              case "$arg" in
                yamllint|shellcheck) printf '#!/bin/sh\n' > '{{Bin}}'/"$arg"; /bin/chmod +x '{{Bin}}'/"$arg" ;;
                prometheus) printf '#!/bin/sh\n' > '{{Bin}}/promtool'; /bin/chmod +x '{{Bin}}/promtool' ;;
                python3-jinja2) : > '{{_temp.Combine("jinja2-installed")}}' ;;
                postgresql-15) /bin/mkdir -p '{{PgRoot}}/15/bin'; for t in pg_ctl initdb; do printf '#!/bin/sh\n' > '{{PgRoot}}'/15/bin/$t; /bin/chmod +x '{{PgRoot}}'/15/bin/$t; done ;;
              esac
            done
            exit 0
            """);
        AsUser(0);
    }

    private string Bin => _temp.Combine("bin");
    private string PgRoot => _temp.Combine("pg");
    private string AptLog => _temp.Combine("apt.log");

    [Fact]
    public async Task Prints_nothing_and_runs_no_apt_get_when_everything_is_present()
    {
        InstallAll();

        var first = await RunAsync();
        var second = await RunAsync();

        foreach (var result in new[] { first, second })
        {
            result.ExitCode.Should().Be(0, result.StandardError);
            result.StandardOutput.Should().BeEmpty();
            result.StandardError.Should().BeEmpty();
        }

        File.Exists(AptLog).Should().BeFalse("nothing was missing");
    }

    [Fact]
    public async Task As_root_installs_every_missing_package_with_apt_get_once_then_is_silent()
    {
        var first = await RunAsync();

        first.ExitCode.Should().Be(0, first.StandardError);
        first.StandardOutput.Should().BeEmpty();
        var calls = File.ReadAllLines(AptLog);
        calls.Should().HaveCount(2);
        calls[0].Should().Be("update -qq");
        calls[1].Should().StartWith("install -y").And.ContainAll(DebianPackages);

        var second = await RunAsync();

        second.ExitCode.Should().Be(0);
        (second.StandardOutput + second.StandardError).Should().BeEmpty();
        File.ReadAllLines(AptLog).Should().HaveCount(2, "the second run finds everything installed");
    }

    [Fact]
    public async Task As_root_installs_only_what_is_missing()
    {
        InstallAll();
        File.Delete(Path.Combine(Bin, "promtool"));

        var result = await RunAsync();

        result.ExitCode.Should().Be(0, result.StandardError);
        File.ReadAllLines(AptLog)[1].Should().EndWith(" prometheus");
    }

    [Fact]
    public async Task As_root_installs_python3_jinja2_when_python3_lacks_it()
    {
        InstallAll();
        // python3 stand-in: "import jinja2" succeeds once apt-get has installed python3-jinja2.
        Executable(Path.Combine(Bin, "python3"), $"[ -f '{_temp.Combine("jinja2-installed")}' ]");

        var first = await RunAsync();
        var second = await RunAsync();

        first.ExitCode.Should().Be(0, first.StandardError);
        File.ReadAllLines(AptLog).Should().HaveCount(2, "one apt-get update and install, and nothing on the second run");
        File.ReadAllLines(AptLog)[1].Should().EndWith(" python3-jinja2");
        (second.StandardOutput + second.StandardError).Should().BeEmpty();
    }

    [Fact]
    public async Task Not_root_prints_one_line_per_missing_package_naming_it_and_how_to_install_it()
    {
        AsUser(1000);
        InstallAll();
        File.Delete(Path.Combine(Bin, "yamllint"));
        Directory.Delete(PgRoot, recursive: true);

        var result = await RunAsync();

        result.ExitCode.Should().Be(0, "the suite still runs; the tests that need the packages name them");
        result.StandardOutput.Should().BeEmpty();
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        lines[0].Should().Contain("yamllint").And.Contain("apt-get install yamllint");
        lines[1].Should().Contain("pg_ctl").And.Contain("apt-get install postgresql-15");
        File.Exists(AptLog).Should().BeFalse();
    }

    [Fact]
    public async Task A_failing_apt_get_fails_the_script_naming_the_packages()
    {
        _temp.WriteFile("apt-fails", string.Empty);

        var result = await RunAsync();

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("apt-get update failed").And.Contain("yamllint");
    }

    public void Dispose() => _temp.Dispose();

    private void InstallAll()
    {
        foreach (var tool in new[] { "yamllint", "shellcheck", "promtool" })
        {
            Executable(Path.Combine(Bin, tool), "exit 0");
        }

        Executable(Path.Combine(PgRoot, "15", "bin", "pg_ctl"), "exit 0");
        Executable(Path.Combine(PgRoot, "15", "bin", "initdb"), "exit 0");
    }

    private void AsUser(int uid) => Executable(Path.Combine(Bin, "id"), $"echo {uid}");

    private Task<ProcessResult> RunAsync() => ProcessRunner.RunAsync(
        _temp.Combine("repo", "scripts", "ensure-test-deps.sh"),
        [],
        TestContext.Current.CancellationToken,
        _temp.Path,
        new Dictionary<string, string?> { ["PATH"] = Bin, ["SPARK_K8S_PG_ROOT"] = PgRoot });

    private static void Executable(string path, string body)
    {
        File.WriteAllText(path.EnsureParent(), "#!/usr/bin/env bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

internal static class PathExtensions
{
    public static string EnsureParent(this string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
