using System.Runtime.CompilerServices;
using System.Text.Json;
using FluentAssertions;
using SparkK8s.Cli;

namespace SparkK8s.Cli.Tests;

/// <summary>The outcome of one CLI invocation.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonDocument Json() => JsonDocument.Parse(Stdout);

    /// <summary>Asserts a usage error: exit 2, a one-line "error:" naming <paramref name="mentions"/>, no stack trace, nothing on stdout.</summary>
    public void ShouldBeUsageError(params string[] mentions)
    {
        ExitCode.Should().Be(CliApplication.ExitUsage, Stderr);
        ShouldHaveNoStackTrace();
        Stdout.Should().BeEmpty();
        foreach (var mention in mentions)
        {
            Stderr.Should().Contain(mention);
        }
    }

    public void ShouldHaveNoStackTrace()
    {
        Stderr.Should().NotContain("   at ");
        Stdout.Should().NotContain("   at ");
    }
}

/// <summary>Runs the CLI in-process with captured output. The default schema cache points at an empty directory.</summary>
public static class CliRunner
{
    public static readonly string EmptyCache = Path.Combine(Path.GetTempPath(), $"spark-k8s-empty-cache-{Guid.NewGuid():N}");

    [ModuleInitializer]
    internal static void IsolateUserCache() => Environment.SetEnvironmentVariable("XDG_CACHE_HOME", EmptyCache);

    /// <summary>Runs at the default width for redirected output, whatever COLUMNS the test process inherited.</summary>
    public static Task<CliResult> RunAsync(params string[] args) => RunAtWidthAsync(SparkK8s.Cli.Output.Terminal.DefaultWidth, args);

    /// <summary>Runs as if the terminal were <paramref name="width"/> columns wide.</summary>
    public static async Task<CliResult> RunAtWidthAsync(int width, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApplication.RunAsync(args, stdout, stderr, width);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }
}
