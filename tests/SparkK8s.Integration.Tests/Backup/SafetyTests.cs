using Amazon.S3.Model;
using FluentAssertions;
using SparkK8s.Core.Backup;
using SparkK8s.Core.Errors;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

/// <summary>Issue #7, section 3: verify drops only its own scratch databases; ids are unique and nothing is overwritten;
/// the part-count limit; interruption.</summary>
[Collection(BackupCollection.Name)]
public sealed class SafetyTests(PostgresServerFixture postgres, S3ServerFixture s3)
{
    private readonly BackupTestBed _bed = new(postgres, s3);

    /// <summary>Issue #7: <c>verify --scratch important</c> dropped a 100-row database named "important" and reported PASS.</summary>
    [Fact]
    public async Task Verify_refuses_an_existing_non_empty_database_it_did_not_create_and_drops_nothing()
    {
        await _bed.WithBucketAsync();
        var source = await _bed.CreateSmallDatabaseAsync("src_important", rows: 10);
        await _bed.RunBackupAsync(source);
        var important = await _bed.CreateSmallDatabaseAsync("important", rows: 100);

        var verify = () => BackupVerifier.VerifyAsync(_bed.Context(), new BackupVerifyOptions("latest", null, _bed.Uri(important, "--scratch")), null, _bed.Cancellation);

        (await verify.Should().ThrowAsync<UserInputException>()).Which.Message
            .Should().Contain("--scratch").And.Contain(important).And.Contain("not created by 'backup verify'").And.Contain("nothing was dropped");
        (await postgres.ScalarAsync<long>(important, "SELECT count(*) FROM t", _bed.Cancellation)).Should().Be(100);
    }

    [Fact]
    public async Task Verify_marks_its_scratch_database_and_reuses_only_a_marked_or_empty_one()
    {
        await _bed.WithBucketAsync();
        var source = await _bed.CreateSmallDatabaseAsync("src_mark", rows: 10);
        await _bed.RunBackupAsync(source);
        var scratch = _bed.Database("mark_scratch");

        var kept = await BackupVerifier.VerifyAsync(
            _bed.Context(), new BackupVerifyOptions("latest", null, _bed.Uri(scratch, "--scratch")) { KeepScratch = true }, null, _bed.Cancellation);
        kept.Status.Should().Be(CheckStatus.Pass);
        (await postgres.ScalarAsync<string>("postgres", $"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{scratch}'", _bed.Cancellation))
            .Should().Be(BackupVerifier.ScratchMark);

        // The kept scratch database now holds the restored table, but carries the mark: the next verify may replace it.
        var again = await BackupVerifier.VerifyAsync(_bed.Context(), new BackupVerifyOptions("latest", null, _bed.Uri(scratch, "--scratch")), null, _bed.Cancellation);
        again.Status.Should().Be(CheckStatus.Pass);
        (await postgres.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{scratch}'", _bed.Cancellation)).Should().Be(0);

        // An existing empty database holds nothing to lose: verify adopts it.
        var empty = _bed.Database("empty_scratch");
        await postgres.CreateDatabaseAsync(empty, _bed.Cancellation);
        (await BackupVerifier.VerifyAsync(_bed.Context(), new BackupVerifyOptions("latest", null, _bed.Uri(empty, "--scratch")), null, _bed.Cancellation))
            .Status.Should().Be(CheckStatus.Pass);
    }

    /// <summary>Issue #7: two runs in the same second shared an id and the second silently replaced the first.</summary>
    [Fact]
    public async Task Two_runs_in_the_same_second_get_different_ids_and_both_survive()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("same_second");
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);

        var first = await _bed.RunBackupAsync(database, clock);
        await postgres.ExecuteAsync(database, "INSERT INTO t VALUES (1000);", _bed.Cancellation);
        var second = await _bed.RunBackupAsync(database, clock);

        second.Backup.Id.Should().NotBe(first.Backup.Id);
        var list = await BackupLister.ListAsync(_bed.Context(), null, _bed.Cancellation);
        list.Where(e => e.Status == BackupStatus.Complete).Select(e => e.Id).Should().BeEquivalentTo(first.Backup.Id, second.Backup.Id);
        list.Single(e => e.Id == first.Backup.Id).Sha256.Should().Be(first.Manifest.Sha256, "the first backup is untouched");
    }

    [Fact]
    public async Task An_existing_archive_with_the_same_id_is_never_overwritten()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("no_overwrite");
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var id = BackupLayout.NewId("metastore", clock.Now, "0badc0de");
        var key = BackupLayout.DumpKey(S3Target.Parse(_bed.Target), "metastore", id);
        using var client = s3.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = _bed.Bucket, Key = key, ContentBody = "someone else's archive", UseChunkEncoding = false }, _bed.Cancellation);

        var run = () => BackupRunner.RunAsync(
            _bed.Context(clock), new BackupRunOptions(_bed.Uri(database), "metastore", new RetentionPolicy()) { IdSuffix = "0badc0de" }, null, _bed.Cancellation);

        (await run.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain(id).And.Contain("already exists").And.Contain("not overwritten");
        using var response = await client.GetObjectAsync(_bed.Bucket, key, _bed.Cancellation);
        (await new StreamReader(response.ResponseStream).ReadToEndAsync(_bed.Cancellation)).Should().Be("someone else's archive");
    }

    [Fact]
    public async Task A_database_larger_than_the_part_limit_allows_is_refused_before_the_upload()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("too_big");
        var options = new BackupRunOptions(_bed.Uri(database), "metastore", new RetentionPolicy()) { PartSizeBytes = MultipartUploader.MinimumPartSize, MaxParts = 1 };

        var run = () => BackupRunner.RunAsync(_bed.Context(), options, null, _bed.Cancellation);

        (await run.Should().ThrowAsync<OperationFailedException>()).Which.Message
            .Should().Contain("largest backup").And.Contain("5 MiB x 1 parts").And.Contain("--part-size-mib").And.Contain("nothing was uploaded");
        using var client = s3.CreateClient();
        ((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bed.Bucket }, _bed.Cancellation)).S3Objects ?? []).Should().BeEmpty();
    }

    [Fact]
    public async Task A_stream_longer_than_the_part_limit_fails_cleanly_and_aborts_the_upload()
    {
        await _bed.WithBucketAsync();
        var store = _bed.Context().OpenStore();
        var source = new MemoryStream(new byte[(2 * MultipartUploader.MinimumPartSize) + 1]);

        var upload = () => new MultipartUploader(store, MultipartUploader.MinimumPartSize, maxParts: 2)
            .UploadAsync("platform/metastore/metastore-20260101T000000Z-00000000.dump", source, () => Task.CompletedTask, null, _bed.Cancellation);

        (await upload.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("2 parts").And.Contain("aborted");
        // s3rver does not implement ListMultipartUploads; no completed object and no complete backup is what it can show.
        using var client = s3.CreateClient();
        ((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bed.Bucket }, _bed.Cancellation)).S3Objects ?? []).Should().BeEmpty();
    }

    /// <summary>SIGTERM and Ctrl-C cancel the token; the message names the backup and the phase, and the upload is aborted.</summary>
    [Fact]
    public async Task An_interrupted_backup_says_what_was_interrupted_and_aborts_the_upload()
    {
        await _bed.WithBucketAsync();
        var database = _bed.Database("sigterm");
        await postgres.CreateDatabaseAsync(database, _bed.Cancellation);
        await postgres.ExecuteAsync(
            database,
            "CREATE TABLE blobs (id int, data bytea); INSERT INTO blobs SELECT i, (SELECT string_agg(decode(md5(random()::text || i || j), 'hex'), ''::bytea) FROM generate_series(1, 4096) j) FROM generate_series(1, 250) i;",
            _bed.Cancellation);
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(_bed.Cancellation);

        var run = () => _bed.RunBackupAsync(
            database,
            progress: p =>
            {
                if (p.Stage == "uploading")
                {
                    interrupt.Cancel();
                }
            },
            partSize: MultipartUploader.MinimumPartSize,
            cancellation: interrupt.Token);

        var error = (await run.Should().ThrowAsync<BackupInterruptedException>()).Which;
        error.Message.Should().Contain("interrupted").And.Contain("backup 'metastore-").And.Contain("uploading").And.Contain("aborted").And.Contain("No manifest");
        // s3rver does not implement ListMultipartUploads; no completed object and no complete backup is what it can show.
        using var client = s3.CreateClient();
        ((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bed.Bucket }, _bed.Cancellation)).S3Objects ?? []).Should().BeEmpty();
    }
}
