using Amazon.S3.Model;
using FluentAssertions;
using SparkK8s.Core.Backup;
using SparkK8s.Core.Errors;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

/// <summary>Its own s3rver (it is stopped mid-test) and PostgreSQL, apart from the shared collection.</summary>
[CollectionDefinition(Name)]
public sealed class InterruptedUploadCollection : ICollectionFixture<PostgresServerFixture>, ICollectionFixture<S3ServerFixture>
{
    public const string Name = "backup-interrupted";
}

[Collection(InterruptedUploadCollection.Name)]
public sealed class InterruptedUploadTests(PostgresServerFixture postgres, S3ServerFixture s3)
{
    private readonly BackupTestBed _bed = new(postgres, s3);

    [Fact]
    public async Task S3_stopping_mid_upload_fails_clearly_and_leaves_no_manifest()
    {
        await _bed.WithBucketAsync();
        var database = _bed.Database("big");
        await postgres.CreateDatabaseAsync(database, _bed.Cancellation);
        // ~16 MB of incompressible bytes: more than three 5 MiB parts.
        await postgres.ExecuteAsync(
            database,
            "CREATE TABLE blobs (id int, data bytea); INSERT INTO blobs SELECT i, (SELECT string_agg(decode(md5(random()::text || i || j), 'hex'), ''::bytea) FROM generate_series(1, 4096) j) FROM generate_series(1, 250) i;",
            _bed.Cancellation);
        var stopped = false;

        var run = () => _bed.RunBackupAsync(
            database,
            progress: p =>
            {
                if (p.Stage == "uploading" && !stopped)
                {
                    stopped = true;
                    s3.StopAsync().GetAwaiter().GetResult();
                }
            },
            partSize: MultipartUploader.MinimumPartSize);

        var error = (await run.Should().ThrowAsync<OperationFailedException>()).Which;
        stopped.Should().BeTrue("the first part was uploaded before S3 went away");
        error.Message.Should().Contain("unreachable").And.Contain("No manifest was written");

        await s3.StartAsync();
        using var client = s3.CreateClient();
        var keys = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bed.Bucket }, _bed.Cancellation)).S3Objects ?? [];
        keys.Should().NotContain(o => o.Key.EndsWith(BackupLayout.ManifestSuffix, StringComparison.Ordinal));
        (await BackupLister.ListAsync(_bed.Context(), null, _bed.Cancellation)).Should().NotContain(e => e.Status == BackupStatus.Complete);

        var retry = await _bed.RunBackupAsync(database, partSize: MultipartUploader.MinimumPartSize);
        retry.Manifest.SizeBytes.Should().BeGreaterThan(3L * MultipartUploader.MinimumPartSize);
        (await BackupLister.ListAsync(_bed.Context(), null, _bed.Cancellation)).Should().ContainSingle(e => e.Status == BackupStatus.Complete);
    }
}
