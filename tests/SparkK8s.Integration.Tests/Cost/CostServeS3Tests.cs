using Amazon.S3.Model;
using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Cost.Serve;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Cost;

/// <summary><c>cost serve</c>'s incremental scan on a real S3 API (s3rver): unchanged objects (same size and ETag) are not read again.</summary>
public sealed class CostServeS3Tests(S3ServerFixture s3) : IClassFixture<S3ServerFixture>
{
    private const string Bucket = "cost-serve-events";

    private async Task PutAsync(string key, string body)
    {
        using var client = s3.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = body, UseChunkEncoding = false }, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_second_scan_of_unchanged_objects_reads_0_bytes_and_a_rewritten_object_is_read_again()
    {
        await s3.CreateBucketAsync(Bucket);
        var running = SparkEventLogBuilder.SimpleApp("app-running", durationMs: 600_000).Build().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var done = SparkEventLogBuilder.SimpleApp("app-done").Build();
        await PutAsync("spark-events/spark/app-done", done);
        await PutAsync("spark-events/spark/app-running.inprogress", string.Join('\n', running[..^1]) + "\n");
        var catalog = PriceCatalog.Load(null);
        var options = new CostOptions(catalog.Node(null), false, catalog.SpotDiscount, AttributionKey.Parse("team"), catalog.CatalogDate);
        var scanner = new IncrementalCostScanner($"s3://{Bucket}/spark-events/spark/", new S3Options { Endpoint = s3.Endpoint, AccessKey = S3ServerFixture.AccessKey, SecretKey = S3ServerFixture.SecretKey }, options);

        var first = await scanner.ScanAsync(TestContext.Current.CancellationToken);
        var second = await scanner.ScanAsync(TestContext.Current.CancellationToken);

        first.Apps.Should().HaveCount(2, string.Join("; ", first.Skipped.Select(s => $"{s.Source}: {s.Reason}")));
        first.BytesRead.Should().BeGreaterThan(done.Length);
        second.BytesRead.Should().Be(0);
        second.LogsRead.Should().Be(0);

        var grown = string.Join('\n', running) + "\n";
        await PutAsync("spark-events/spark/app-running.inprogress", grown);
        var third = await scanner.ScanAsync(TestContext.Current.CancellationToken);

        third.LogsRead.Should().Be(1);
        third.BytesRead.Should().Be(grown.Length, "only the grown object is read");
        third.Apps.Single(a => a.AppId == "app-running").Completed.Should().BeTrue();
    }
}
