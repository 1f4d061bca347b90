using System.Diagnostics;
using FluentAssertions;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>Runs the built spark-k8s binary as a separate process.</summary>
public class EndToEndTests
{
    private static async Task<CliResult> RunBinaryAsync(params string[] args)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "spark-k8s.dll"));
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment["XDG_CACHE_HOME"] = CliRunner.EmptyCache;
        startInfo.Environment.Remove("COLUMNS");
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Binary_lists_presets_as_json()
    {
        var result = await RunBinaryAsync("presets", "-o", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("presets").GetArrayLength().Should().BeGreaterThan(0);
    }

    /// <summary>
    /// The binary's buffered standard output (Program.cs) writes what the command writes, all of it: a large JSON report
    /// and a table are byte for byte what the same command writes in-process.
    /// </summary>
    [Fact]
    public async Task Binary_output_is_the_in_process_output()
    {
        string[][] commands =
        [
            ["cost", SparkK8s.Testing.RepoPaths.SparkEventLogs, "-o", "json"],
            ["presets"],
            ["presets", "-o", "json"],
        ];
        foreach (var args in commands)
        {
            var binary = await RunBinaryAsync(args);
            var inProcess = await CliRunner.RunAsync(args);

            binary.ExitCode.Should().Be(inProcess.ExitCode, binary.Stderr);
            binary.Stdout.Should().Be(inProcess.Stdout, string.Join(' ', args));
            binary.Stdout.Length.Should().BeGreaterThan(500);
        }
    }

    [Fact]
    public async Task Binary_exits_2_on_bad_input_without_a_stack_trace()
    {
        var result = await RunBinaryAsync("validate", "jupyter-connect-k8s", "--schema-location", "/nonexistent");

        result.ShouldBeUsageError("--schema-location");
    }
}
