using System.Diagnostics;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.History;
using SparkK8s.Core.Operations.Kubernetes;

namespace SparkK8s.Core.Operations.Chaos;

/// <summary>Whether the event log of an application that was killed is complete, and what showed it.</summary>
public sealed record EventLogVerdict(bool Complete, string Detail);

/// <summary>
/// Checks that a killed Spark Connect server wrote the end of its event log: Spark writes SparkListenerApplicationEnd
/// and renames the .inprogress file (or the rolling directory's appstatus_ marker) only in SparkContext.stop(), which
/// runs when the JVM gets SIGTERM as PID 1's child and shuts down in time (the PID-1 fix). Returns null when this
/// source cannot be checked (no History Server, no event log directory given).
/// </summary>
public interface IEventLogCheck
{
    Task<EventLogVerdict?> CheckAsync(ReleaseTarget target, string appId, TimeSpan patience, CancellationToken cancellationToken);
}

/// <summary>
/// Through the release's History Server REST API (port-forwarded): the application's attempts must all be
/// completed=true (ApplicationAttemptInfo.completed in apache/spark core/.../status/api/v1/api.scala, true once the log
/// has SparkListenerApplicationEnd). The History Server rescans logs every spark.history.fs.update.interval (10 s by
/// default), so it is polled until <c>patience</c> passes.
/// </summary>
public sealed class HistoryServerEventLogCheck(KubeApi api, TimeSpan pollInterval) : IEventLogCheck
{
    public async Task<EventLogVerdict?> CheckAsync(ReleaseTarget target, string appId, TimeSpan patience, CancellationToken cancellationToken)
    {
        var pods = await api.ListPodsAsync(target.Namespace, $"{ReleaseCluster.InstanceLabel}={target.Release},{ReleaseCluster.ComponentLabel}={ReleaseConnection.HistoryComponent}", cancellationToken).ConfigureAwait(false);
        var pod = pods.FirstOrDefault(p => p.Status?.Phase == "Running" && p.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
        if (pod is null)
        {
            return null;
        }

        await using var forward = PortForward.Start(api.Session.Client, pod.Metadata.Name, target.Namespace, ReleaseCluster.ContainerPort(pod, "http", 18080));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var history = new HistoryServerClient(http, new Uri($"http://127.0.0.1:{forward.LocalPort}/"));
        var watch = Stopwatch.StartNew();
        var seen = "not listed";
        while (true)
        {
            try
            {
                var app = (await history.ApplicationsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.Id == appId);
                if (app?.Attempts is { Count: > 0 } attempts)
                {
                    if (attempts.All(a => a.Completed))
                    {
                        return new EventLogVerdict(true, $"the History Server lists {appId} as completed (its event log ends with SparkListenerApplicationEnd)");
                    }

                    seen = "listed with an incomplete attempt (completed: false)";
                }
            }
            catch (OperationFailedException ex)
            {
                seen = ex.Message.TrimEnd('.');
            }

            if (watch.Elapsed >= patience)
            {
                return new EventLogVerdict(false,
                    $"the History Server still has {appId} {seen} {SmokeDuration(patience)} after the kill: the killed server did not write SparkListenerApplicationEnd (was the JVM stopped with SIGTERM and given terminationGracePeriodSeconds to stop its SparkContext?)");
            }

            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string SmokeDuration(TimeSpan span) => Smoke.SmokeChecks.FormatDuration(span);
}

/// <summary>
/// Reads the application's event log under spark.eventLog.dir (an s3:// or local path, --event-log-dir) with the event
/// log reader `cost` uses: complete when it has SparkListenerApplicationEnd (single file or rolling directory).
/// </summary>
public sealed class StoredEventLogCheck(string eventLogDir, S3Options? s3) : IEventLogCheck
{
    public async Task<EventLogVerdict?> CheckAsync(ReleaseTarget target, string appId, TimeSpan patience, CancellationToken cancellationToken)
    {
        using var scanner = await EventLogScanner.OpenAsync(eventLogDir, s3, "--event-log-dir", cancellationToken).ConfigureAwait(false);
        foreach (var item in scanner.Items)
        {
            if (item.Log is null || !item.Name.Contains(appId, StringComparison.Ordinal))
            {
                continue;
            }

            var summary = await EventLogReader.ReadAsync(item.Log, cancellationToken).ConfigureAwait(false);
            if (summary.AppId != appId)
            {
                continue;
            }

            if (summary.Completed)
            {
                return new EventLogVerdict(true, $"{item.Name} ends with SparkListenerApplicationEnd");
            }

            return new EventLogVerdict(false,
                $"{item.Name} has no SparkListenerApplicationEnd{(item.Log.MarkedInProgress ? " and is still marked .inprogress" : string.Empty)}{(summary.TruncatedLastLine ? ", its last line is cut off" : string.Empty)}: the killed server did not stop its SparkContext");
        }

        return new EventLogVerdict(false, $"no event log of {appId} under {eventLogDir}; check that it is the spark.eventLog.dir of the Connect server");
    }
}
