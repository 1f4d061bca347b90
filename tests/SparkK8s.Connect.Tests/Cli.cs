using System.Text.Json;
using FluentAssertions;
using SparkK8s.Cli;

namespace SparkK8s.Connect.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonDocument Json() => JsonDocument.Parse(Stdout);

    /// <summary>Exit 2, an "error:" naming every mention, nothing on stdout, no stack trace or .NET exception name.</summary>
    public void ShouldBeUsageError(params string[] mentions)
    {
        ExitCode.Should().Be(CliApplication.ExitUsage, Stderr);
        Stdout.Should().BeEmpty();
        Stderr.Should().StartWith("error: ");
        ShouldBeClean();
        foreach (var mention in mentions)
        {
            Stderr.Should().Contain(mention);
        }
    }

    public void ShouldBeClean()
    {
        (Stdout + Stderr).Should().NotContain("   at ").And.NotContain("Exception").And.NotContain("System.");
    }
}

public static class Cli
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApplication.RunAsync(args, stdout, stderr, 200);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }
}
