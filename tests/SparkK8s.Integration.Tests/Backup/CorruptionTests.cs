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
    public async Task Flipped_bytes_fail_verify_with_a_checksum_error_and_restore_refuses_without_touching_the_target()
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

        (await restore.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("corrupt").And.Contain("not touched");
        (await postgres.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{target}'", _bed.Cancellation))
            .Should().Be(0, "a corrupt backup must not even create the target database");
    }
}
