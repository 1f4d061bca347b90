using Amazon.S3.Model;
using FluentAssertions;
using SparkK8s.Core.EventLogs;
using SparkK8s.Core.Operations;
using SparkK8s.Core.Operations.Chaos;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Chaos;

/// <summary>
/// chaos's check of the killed Connect server's event log in S3 (s3rver on loopback): a log that ends with
/// SparkListenerApplicationEnd is complete; one still named .inprogress with a cut-off last line, or a rolling log whose
/// appstatus marker is still .inprogress without the end event, is not; a missing log is not either.
/// </summary>
public sealed class StoredEventLogCheckTests(S3ServerFixture s3) : IClassFixture<S3ServerFixture>
{
    private static readonly ReleaseTarget Target = new(null, null, "spark", "spark");
    private readonly string bucket = $"logs-{Guid.NewGuid().ToString("N")[..8]}";
    private bool created;

    [Fact]
    public async Task A_log_that_ends_with_application_end_is_complete()
    {
        await PutAsync("events/spark-0001", SparkEventLogBuilder.SimpleApp("spark-0001").Build());

        var verdict = await CheckAsync("spark-0001");

        verdict!.Complete.Should().BeTrue();
        verdict.Detail.Should().Be($"s3://{bucket}/events/spark-0001 ends with SparkListenerApplicationEnd");
    }

    [Fact]
    public async Task A_truncated_inprogress_log_is_incomplete()
    {
        var killed = new SparkEventLogBuilder().LogStart("4.1.0").ApplicationStart("spark-0002", "Spark Connect server", "spark", 1_700_000_000_000)
            .ExecutorAdded("1", 1_700_000_001_000, 2).TaskStart(0, "1", 1_700_000_002_000);
        await PutAsync("events/spark-0002.inprogress", killed.Build(cutLastLine: true));
        await PutAsync("events/spark-0001", SparkEventLogBuilder.SimpleApp("spark-0001").Build());

        var verdict = await CheckAsync("spark-0002");

        verdict!.Complete.Should().BeFalse();
        verdict.Detail.Should().Contain("spark-0002.inprogress").And.Contain("has no SparkListenerApplicationEnd and is still marked .inprogress")
            .And.Contain("its last line is cut off");
    }

    [Fact]
    public async Task A_rolling_log_without_the_end_event_is_incomplete()
    {
        var part = new SparkEventLogBuilder().LogStart("4.1.0").ApplicationStart("spark-0003", "Spark Connect server", "spark", 1_700_000_000_000).Build();
        await PutAsync("events/eventlog_v2_spark-0003/events_1_spark-0003", part);
        await PutAsync("events/eventlog_v2_spark-0003/appstatus_spark-0003.inprogress", string.Empty);

        var verdict = await CheckAsync("spark-0003");

        verdict!.Complete.Should().BeFalse();
        verdict.Detail.Should().Contain("has no SparkListenerApplicationEnd");
    }

    [Fact]
    public async Task A_missing_log_is_not_complete()
    {
        await PutAsync("events/spark-0001", SparkEventLogBuilder.SimpleApp("spark-0001").Build());

        var verdict = await CheckAsync("spark-0009");

        verdict!.Complete.Should().BeFalse();
        verdict.Detail.Should().Contain("no event log of spark-0009 under").And.Contain("spark.eventLog.dir");
    }

    private Task<EventLogVerdict?> CheckAsync(string appId) =>
        new StoredEventLogCheck($"s3a://{bucket}/events", Options()).CheckAsync(Target, appId, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

    private S3Options Options() => new()
    {
        Endpoint = s3.Endpoint,
        ForcePathStyle = true,
        AccessKey = S3ServerFixture.AccessKey,
        SecretKey = S3ServerFixture.SecretKey,
        Region = "us-east-1",
    };

    private async Task PutAsync(string key, string content)
    {
        using var client = s3.CreateClient();
        if (!created)
        {
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, TestContext.Current.CancellationToken);
            created = true;
        }

        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = content, UseChunkEncoding = false }, TestContext.Current.CancellationToken);
    }
}
