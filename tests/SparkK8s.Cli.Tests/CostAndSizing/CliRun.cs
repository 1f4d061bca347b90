using SparkK8s.Cli;

namespace SparkK8s.Cli.Tests.CostAndSizing;

/// <summary>Runs the CLI in-process with captured stdout/stderr.</summary>
internal static class CliRun
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApplication.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
