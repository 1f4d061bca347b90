using System.Globalization;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Processes;
using SparkK8s.Core.Rendering;

namespace SparkK8s.Core.Operations.Up;

/// <summary>The exact <c>helm upgrade --install --wait</c> invocation of a release: what --dry-run prints and what runs.</summary>
public sealed record HelmInstall(string Helm, IReadOnlyList<string> Arguments)
{
    /// <summary>The command line as a shell would take it (arguments quoted where needed).</summary>
    public string CommandLine => string.Join(' ', new[] { Helm }.Concat(Arguments).Select(Quote));

    /// <summary>
    /// Values are layered as render and plan layer them (preset, environment, -f files, --set, --spark-version) through
    /// <see cref="ChartRenderer.BuildRequest"/>, so up installs exactly what plan showed. <paramref name="chart"/> replaces
    /// the chart (upgrade-test installs the previous chart with the same preset).
    /// </summary>
    public static HelmInstall Build(string helm, RenderOptions options, ReleaseTarget target, TimeSpan timeout, string? chart = null)
    {
        var request = ChartRenderer.BuildRequest(options);
        var arguments = new List<string>
        {
            "upgrade", "--install", target.Release, chart ?? options.ChartDirectory,
            "--namespace", target.Namespace, "--create-namespace",
            "--wait", "--timeout", string.Create(CultureInfo.InvariantCulture, $"{(int)Math.Ceiling(timeout.TotalSeconds)}s"),
        };
        HelmClient.AddValues(arguments, request);
        if (target.KubeConfigPath is not null)
        {
            arguments.AddRange(["--kubeconfig", Path.GetFullPath(target.KubeConfigPath)]);
        }

        if (target.KubeContext is not null)
        {
            arguments.AddRange(["--kube-context", target.KubeContext]);
        }

        return new HelmInstall(helm, arguments);
    }

    public Task<ProcessResult> RunAsync(CancellationToken cancellationToken) => ProcessRunner.RunAsync(Helm, Arguments, cancellationToken);

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./=:,@%+".Contains(c, StringComparison.Ordinal)) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
