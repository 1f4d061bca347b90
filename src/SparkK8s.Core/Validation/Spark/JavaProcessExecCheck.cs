namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK019: a long-running container whose Java process is not PID 1 (nor behind an init such as tini that forwards
/// signals). Kubernetes sends SIGTERM to PID 1 only; a shell that runs java as a child neither forwards it nor waits, so
/// the JVM is SIGKILLed at the end of the grace period without its shutdown hooks: SparkContext.stop never runs and the
/// S3A event log, published only on close(), is lost. Spark's sbin/start-*.sh scripts run the JVM through
/// sbin/spark-daemon.sh, which starts it without exec even with SPARK_NO_DAEMONIZE (apache/spark), so they are flagged
/// too. Apache Celeborn's sbin/start-master.sh and start-worker.sh are named alike but exec the JVM through
/// sbin/celeborn-daemon.sh when CELEBORN_NO_DAEMONIZE is set (apache/celeborn), and start it in the background otherwise.
/// Jobs and CronJobs are not checked: their processes end on their own.
/// </summary>
public sealed class JavaProcessExecCheck() : SparkCheck(
    "SPK019",
    Severity.Error,
    "A container runs its Java process from a shell script without exec: SIGTERM never reaches the JVM",
    "Run the Java launcher directly (e.g. /usr/bin/tini -s -- /opt/spark/bin/spark-submit --class ...), or end the script with exec <launcher>")
{
    private static readonly string[] LongRunningKinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "ConfigMap"];

    private static readonly string[] Shells = ["sh", "bash", "dash", "ash", "zsh"];

    /// <summary>Launchers that end in a JVM (spark-submit and spark-class exec java; hive and schematool exec hadoop, which execs java).</summary>
    private static readonly System.Text.RegularExpressions.Regex JavaLauncher = new(
        @"(^|[\s/;&|(])(java|spark-submit|spark-class|hive|schematool|hadoop|start-(connect-server|history-server|thriftserver|master|worker)\.sh|spark-daemon\.sh)(\s|$|;)",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static readonly System.Text.RegularExpressions.Regex SparkDaemonScript = new(
        @"(^|/)(start-(connect-server|history-server|thriftserver|master|worker)\.sh|spark-daemon\.sh)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var kinds = context.Model.Documents.GroupBy(d => d.Object.DisplayName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Object.Kind, StringComparer.Ordinal);
        foreach (var container in PodContainers.All(context.Model))
        {
            if (container.Field.Contains("initContainers", StringComparison.Ordinal)
                || !kinds.TryGetValue(container.Object, out var kind) || !LongRunningKinds.Contains(kind))
            {
                continue;
            }

            var command = Words(container, "command");
            var words = command.Count > 0 ? command.Concat(Words(container, "args")).ToList() : [];
            if (Problem(words, CelebornForeground(container)) is { } problem)
            {
                yield return Found(container.Object, $"{container.Field}.command", $"container {container.Name}: {problem}");
            }
        }
    }

    private static List<string> Words(PodContainer container, string field) =>
        (container.Container[field] as System.Text.Json.Nodes.JsonArray ?? []).Select(w => w?.ToString() ?? string.Empty).ToList();

    /// <summary>Whether the container sets CELEBORN_NO_DAEMONIZE (sbin/celeborn-daemon.sh then execs the JVM in the foreground).</summary>
    private static bool CelebornForeground(PodContainer container) =>
        (container.Container["env"] as System.Text.Json.Nodes.JsonArray ?? []).Any(e => (string?)e?["name"] == "CELEBORN_NO_DAEMONIZE");

    private static bool IsCelebornScript(string path) => path.Contains("/celeborn/sbin/", StringComparison.Ordinal);

    /// <summary>Why this command keeps the JVM from being PID 1 (or tini's child), or null.</summary>
    public static string? Problem(IReadOnlyList<string> words, bool celebornForeground = false)
    {
        var start = 0;
        while (start < words.Count && (words[start].EndsWith("tini", StringComparison.Ordinal) || words[start].EndsWith("dumb-init", StringComparison.Ordinal)
            || words[start].StartsWith('-')))
        {
            start++;
        }

        if (start >= words.Count)
        {
            return null;
        }

        var program = words[start];
        if (IsCelebornScript(program) && SparkDaemonScript.IsMatch(program))
        {
            return celebornForeground ? null : $"{program} starts the JVM in the background unless CELEBORN_NO_DAEMONIZE is set, so the container exits";
        }

        if (SparkDaemonScript.IsMatch(program))
        {
            return $"{program} starts the JVM through sbin/spark-daemon.sh, which does not exec it, so bash stays PID 1";
        }

        if (!Shells.Contains(program.Split('/')[^1]))
        {
            return null;
        }

        var script = words.Skip(start + 1).SkipWhile(w => w.StartsWith('-') && !w.Contains('\n')).FirstOrDefault();
        if (script is null)
        {
            return null;
        }

        var launches = script.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && JavaLauncher.IsMatch(l)).ToList();
        if (launches.Count == 0)
        {
            return null;
        }

        var last = launches[^1];
        if (!last.StartsWith("exec ", StringComparison.Ordinal))
        {
            return $"the {program.Split('/')[^1]} script runs '{Shorten(last)}' as a child instead of exec'ing it, so the shell stays PID 1";
        }

        var target = last["exec ".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        if (IsCelebornScript(target) && SparkDaemonScript.IsMatch(target))
        {
            return celebornForeground ? null : $"the script execs {target}, which starts the JVM in the background unless CELEBORN_NO_DAEMONIZE is set, so the container exits";
        }

        return SparkDaemonScript.IsMatch(target)
            ? $"the script execs {target}, which starts the JVM through sbin/spark-daemon.sh without exec, so bash stays PID 1"
            : null;
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..77] + "...";
}
