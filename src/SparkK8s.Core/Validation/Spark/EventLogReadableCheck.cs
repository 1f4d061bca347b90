namespace SparkK8s.Core.Validation.Spark;

/// <summary>SPK003: the event logs of every Spark application (Connect and each job) must be where the History Server reads, on the same S3 endpoint.</summary>
public sealed class EventLogReadableCheck() : SparkCheck(
    "SPK003",
    Severity.Error,
    "Event logs are not readable by the History Server (different directory or S3 endpoint, or no History Server)",
    "Point spark.eventLog.dir and spark.history.fs.logDirectory at the same location and S3 endpoint, and enable the History Server")
{
    private const string EndpointKey = "spark.hadoop.fs.s3a.endpoint";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var model = context.Model;
        foreach (var writer in model.Applications.Where(c => c.IsTrue("spark.eventLog.enabled")))
        {
            foreach (var finding in Check(model, writer))
            {
                yield return finding;
            }
        }
    }

    private IEnumerable<Finding> Check(SparkRenderModel model, SparkConf writer)
    {
        var who = writer.Describe();
        var enabled = writer.Find("spark.eventLog.enabled")!;
        var dir = writer.Find("spark.eventLog.dir");
        var dirValue = dir?.Value ?? "file:///tmp/spark-events";
        if (!model.HasHistoryServer)
        {
            yield return Found(enabled, $"event logging is on (spark.eventLog.dir={dirValue}), but the render has no History Server to read the logs",
                "Enable the History Server, or set spark.eventLog.enabled=false", Severity.Warning);
            yield break;
        }

        var reader = model.HistoryServer;
        var logDirectory = reader?.Find("spark.history.fs.logDirectory");
        var readValue = logDirectory?.Value ?? "file:/tmp/spark-events";
        if (!string.Equals(Normalize(dirValue), Normalize(readValue), StringComparison.Ordinal))
        {
            yield return Found(dir ?? enabled,
                $"{Capital(who)} writes event logs to {dirValue}, but the History Server reads spark.history.fs.logDirectory={readValue}");
            yield break;
        }

        if (IsObjectStore(dirValue) && reader is not null)
        {
            var writeEndpoint = writer.Get(EndpointKey) ?? "(AWS default)";
            var readEndpoint = reader.Get(EndpointKey) ?? "(AWS default)";
            if (!string.Equals(writeEndpoint.TrimEnd('/'), readEndpoint.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                yield return Found(writer.Find(EndpointKey) ?? dir ?? enabled,
                    $"{Capital(who)} writes event logs through S3 endpoint {writeEndpoint}, but the History Server reads through {readEndpoint}");
            }
        }
        else if (IsLocal(dirValue))
        {
            yield return Found(dir ?? enabled,
                $"the event log directory {dirValue} is local to the {(writer.Job is null ? "Connect" : "driver")} pod; the History Server pod cannot read it",
                "Use shared storage (s3a://bucket/path) for spark.eventLog.dir and spark.history.fs.logDirectory", Severity.Warning);
        }
    }

    /// <summary>Messages of a job's property already start with "job 'x':"; the Connect server's start with "Connect".</summary>
    private static string Capital(string who) => who.StartsWith("job ", StringComparison.Ordinal) ? "it" : who;

    private static string Normalize(string uri)
    {
        var value = uri.Trim().TrimEnd('/');
        if (value.StartsWith("file:", StringComparison.Ordinal))
        {
            value = "file:/" + value["file:".Length..].TrimStart('/');
        }

        return value.StartsWith('/') ? "file:" + value : value;
    }

    private static bool IsObjectStore(string uri) =>
        uri.StartsWith("s3a://", StringComparison.Ordinal) || uri.StartsWith("s3://", StringComparison.Ordinal) || uri.StartsWith("s3n://", StringComparison.Ordinal);

    private static bool IsLocal(string uri) => uri.StartsWith("file:", StringComparison.Ordinal) || uri.StartsWith('/');
}
