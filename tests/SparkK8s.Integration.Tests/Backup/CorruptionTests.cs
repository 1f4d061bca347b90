using FluentAssertions;
using SparkK8s.Core.Backup;
using SparkK8s.Core.Errors;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

[Collection(BackupCollection.Name)]
public sealed class CorruptionTests(PostgresServerFixture postgres, S3ServerFixture s3)
{
    private readonly BackupTestBed _bed = new(postgres, s3);

    [Fact]
    public async Task Flipped_bytes_fail_verify_with_a_checksum_error_and_restore_leaves_no_target_behind()
    {
        await _bed.WithBucketAsync();
        var database = _bed.Database("corrupt");
        await _bed.CreateMetastoreAsync(database);
        var run = await _bed.RunBackupAsync(database);
        await _bed.FlipBytesAsync(run.Manifest.ObjectKey);

        var verified = await BackupVerifier.VerifyAsync(
            _bed.Context(), new BackupVerifyOptions(run.Backup.Id, null, _bed.Uri(_bed.Database("corrupt_scratch"), "--scratch")), null, _bed.Cancellation);

        verified.Status.Should().Be(CheckStatus.Fail);
        verified.Checksum.Status.Should().Be(CheckStatus.Fail);
        verified.Error.Should().Contain("corrupt").And.Contain(run.Manifest.Sha256);

        var target = _bed.Database("corrupt_target");
        var restore = () => BackupRestorer.RestoreAsync(
            _bed.Context(), new BackupRestoreOptions(run.Backup.Id, null, _bed.Uri(target)) { Create = true }, (_, _) => Task.FromResult(true), null, _bed.Cancellation);

        (await restore.Should().ThrowAsync<OperationFailedException>()).Which.Message
            .Should().Contain("is corrupt").And.Contain(run.Manifest.Sha256).And.Contain("rolled back").And.Contain("dropped again");
        (await postgres.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{target}'", _bed.Cancellation))
            .Should().Be(0, "the database the corrupt restore created is dropped again");
    }

    /// <summary>The archive streams into pg_restore before its checksum is known: the held-back tail keeps pg_restore from committing.</summary>
    [Fact]
    public async Task Flipped_bytes_restored_with_clean_over_a_live_database_leave_it_unchanged()
    {
        await _bed.WithBucketAsync();
        var database = _bed.Database("corrupt_live");
        await _bed.CreateMetastoreAsync(database);
        var run = await _bed.RunBackupAsync(database);
        await _bed.FlipBytesAsync(run.Manifest.ObjectKey);
        await postgres.ExecuteAsync(database, "INSERT INTO \"DBS\" VALUES (424242, 'after_backup', 's3a://x', NULL); CREATE TABLE extra (x int); INSERT INTO extra VALUES (1);", _bed.Cancellation);
        var before = await _bed.FingerprintAsync(database);

        var restore = () => BackupRestorer.RestoreAsync(
            _bed.Context(), new BackupRestoreOptions(run.Backup.Id, null, _bed.Uri(database)) { Clean = true }, (_, _) => Task.FromResult(true), null, _bed.Cancellation);

        (await restore.Should().ThrowAsync<OperationFailedException>()).Which.Message
            .Should().Contain("is corrupt").And.Contain(run.Manifest.Sha256).And.Contain("rolled back").And.Contain("unchanged");
        (await _bed.FingerprintAsync(database)).Should().BeEquivalentTo(before);
        (await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM extra", _bed.Cancellation)).Should().Be(1);
    }

    /// <summary>
    /// Bytes appended to an archive do not stop pg_restore (it has what it needs before the end of the object), so only the
    /// held-back tail keeps it from committing before the checksum is known. Without it, this restore would commit.
    /// </summary>
    [Fact]
    public async Task An_archive_with_appended_bytes_never_commits_over_a_live_database()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("appended", rows: 50);
        var run = await _bed.RunBackupAsync(database);
        await _bed.AppendBytesAsync(run.Manifest.ObjectKey, 2 << 20);
        await postgres.ExecuteAsync(database, "INSERT INTO t SELECT generate_series(51, 75);", _bed.Cancellation);
        var paused = false;

        // Once the real archive has been read, give pg_restore ample time: it would commit now if it had all the bytes.
        var restore = () => BackupRestorer.RestoreAsync(
            _bed.Context(),
            new BackupRestoreOptions(run.Backup.Id, null, _bed.Uri(database)) { Clean = true },
            (_, _) => Task.FromResult(true),
            p =>
            {
                if (p.Stage == "restoring" && p.Bytes > run.Manifest.SizeBytes && !paused)
                {
                    paused = true;
                    Thread.Sleep(TimeSpan.FromSeconds(3));
                }
            },
            _bed.Cancellation);

        (await restore.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("is corrupt").And.Contain("rolled back");
        paused.Should().BeTrue();
        (await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM t", _bed.Cancellation)).Should().Be(75, "the restore was rolled back");
    }

    /// <summary>Issue #7: an archive corrupted in storage (its bytes no longer match its ETag) surfaced as the SDK's
    /// "AmazonClientException: Expected hash not equal to calculated hash". It must be a corrupt backup naming the checksum.</summary>
    [Fact]
    public async Task An_archive_corrupted_in_storage_is_a_corrupt_backup_naming_the_checksum()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("rot", rows: 20000);
        var run = await _bed.RunBackupAsync(database);
        await _bed.CorruptInStorageAsync(run.Manifest.ObjectKey);

        var verified = await BackupVerifier.VerifyAsync(
            _bed.Context(), new BackupVerifyOptions(run.Backup.Id, null, _bed.Uri(_bed.Database("rot_scratch"), "--scratch")), null, _bed.Cancellation);

        verified.Status.Should().Be(CheckStatus.Fail);
        verified.Error.Should().Contain("is corrupt").And.Contain(run.Manifest.Sha256).And.Contain("S3 also reports").And.NotContain("Exception").And.NotContain("Expected hash");

        var target = _bed.Database("rot_target");
        var restore = () => BackupRestorer.RestoreAsync(
            _bed.Context(), new BackupRestoreOptions(run.Backup.Id, null, _bed.Uri(target)) { Create = true }, (_, _) => Task.FromResult(true), null, _bed.Cancellation);
        (await restore.Should().ThrowAsync<OperationFailedException>()).Which.Message
            .Should().Contain("is corrupt").And.Contain(run.Manifest.Sha256).And.NotContain("Exception");
        (await postgres.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{target}'", _bed.Cancellation)).Should().Be(0);
    }
}
