using Amazon.S3.Model;
using FluentAssertions;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>Reads event logs from a real S3 server (s3rver) on loopback, as from MinIO: custom endpoint, path style, static keys.</summary>
public class S3EventLogTests(S3ServerFixture s3) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task Reads_single_and_rolling_logs_under_an_s3_prefix()
    {
        var ct = TestContext.Current.CancellationToken;
        await s3.CreateBucketAsync("spark-history");
        using (var client = s3.CreateClient())
        {
            await PutAsync(client, "logs/application_1628109047826_1317105", await File.ReadAllTextAsync(Path.Combine(RepoPaths.SparkEventLogs, "application_1628109047826_1317105"), ct));
            var lines = SparkEventLogBuilder.SimpleApp("spark-s3roll").Build().TrimEnd('\n').Split('\n');
            await PutAsync(client, "logs/eventlog_v2_spark-s3roll/events_2_spark-s3roll", string.Join('\n', lines[4..]) + "\n");
            await PutAsync(client, "logs/eventlog_v2_spark-s3roll/events_1_spark-s3roll", string.Join('\n', lines[..4]) + "\n");
            await PutAsync(client, "logs/eventlog_v2_spark-s3roll/appstatus_spark-s3roll", "");
            await PutAsync(client, "other/unrelated", "not a log");
        }

        var options = new S3Options { Endpoint = s3.Endpoint, ForcePathStyle = true, AccessKey = S3ServerFixture.AccessKey, SecretKey = S3ServerFixture.SecretKey };
        using var scanner = await EventLogScanner.OpenAsync("s3a://spark-history/logs", options, "PATH", ct);
        var apps = new List<ApplicationSummary>();
        await foreach (var result in scanner.ReadAllAsync(ct))
        {
            result.SkipReason.Should().BeNull();
            apps.Add(result.Summary!);
        }

        apps.Select(a => a.AppId).Should().BeEquivalentTo(["application_1628109047826_1317105", "spark-s3roll"]);
        var real = apps.Single(a => a.AppId == "application_1628109047826_1317105");
        real.ExecutorCoreSeconds.Should().BeApproximately(1696.744, 1e-9, "the same figure as from the local file");
        real.Source.Should().Be("s3://spark-history/logs/application_1628109047826_1317105");
        apps.Single(a => a.AppId == "spark-s3roll").ExecutorCoreSeconds.Should().Be(396);
    }

    [Fact]
    public async Task An_s3_uri_naming_one_object_reads_that_log()
    {
        var ct = TestContext.Current.CancellationToken;
        await s3.CreateBucketAsync("one-log");
        using (var client = s3.CreateClient())
        {
            await PutAsync(client, "app-1", SparkEventLogBuilder.SimpleApp("app-1").Build(), "one-log");
        }

        var options = new S3Options { Endpoint = s3.Endpoint, AccessKey = S3ServerFixture.AccessKey, SecretKey = S3ServerFixture.SecretKey };
        using var scanner = await EventLogScanner.OpenAsync("s3://one-log/app-1", options, "PATH", ct);

        scanner.SingleLog.Should().BeTrue();
        (await EventLogReader.ReadAsync(scanner.Logs.Single(), ct)).AppId.Should().Be("app-1");
    }

    private static Task PutAsync(Amazon.S3.IAmazonS3 client, string key, string body, string bucket = "spark-history") =>
        client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body, UseChunkEncoding = false }, TestContext.Current.CancellationToken);
}
