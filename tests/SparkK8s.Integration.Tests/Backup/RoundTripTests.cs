using FluentAssertions;
using SparkK8s.Core.Backup;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

[Collection(BackupCollection.Name)]
public sealed class RoundTripTests(PostgresServerFixture postgres, S3ServerFixture s3)
{
    private readonly BackupTestBed _bed = new(postgres, s3);

    [Fact]
    public async Task Backup_drop_restore_and_verify_give_back_identical_tables()
    {
        await _bed.WithBucketAsync();
        var database = _bed.Database("metastore");
        await _bed.CreateMetastoreAsync(database);
        var before = await _bed.FingerprintAsync(database);

        var run = await _bed.RunBackupAsync(database);

        run.Manifest.Tables.Should().HaveCount(MetastoreSql.Tables.Length);
        run.Manifest.Tables.Should().Contain(t => t.Table == "TBLS" && t.Rows == 2000);
        run.Manifest.Sha256.Should().MatchRegex("^[0-9a-f]{64}$");
        run.Manifest.PgDumpVersion.Should().StartWith(run.Manifest.ServerVersion.Split('.')[0]);
        run.Backup.Status.Should().Be(BackupStatus.Complete);

        await postgres.DropDatabaseAsync(database, _bed.Cancellation);
        var restored = await BackupRestorer.RestoreAsync(
            _bed.Context(), new BackupRestoreOptions(BackupStore.Latest, null, _bed.Uri(database)) { Create = true }, NeverConfirm, null, _bed.Cancellation);

        restored.Status.Should().Be(CheckStatus.Pass);
        restored.Created.Should().BeTrue();
        restored.Tables.Should().OnlyContain(t => t.Status == CheckStatus.Pass);
        (await _bed.FingerprintAsync(database)).Should().BeEquivalentTo(before);

        var verified = await BackupVerifier.VerifyAsync(
            _bed.Context(), new BackupVerifyOptions(run.Backup.Id, null, _bed.Uri(_bed.Database("scratch"), "--scratch")), null, _bed.Cancellation);

        verified.Status.Should().Be(CheckStatus.Pass);
        verified.Checksum.Actual.Should().Be(run.Manifest.Sha256);
        verified.Tables.Select(t => (t.Table, t.ActualRows)).Should().BeEquivalentTo(run.Manifest.Tables.Select(t => (t.Table, (long?)t.Rows)));
        (await postgres.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{_bed.Database("scratch")}'", _bed.Cancellation))
            .Should().Be(0, "the scratch database is dropped after verify");
    }

    [Fact]
    public async Task Row_counts_come_from_the_snapshot_even_while_writes_continue()
    {
        await _bed.WithBucketAsync();
        var database = _bed.Database("busy");
        await _bed.CreateMetastoreAsync(database);
        var writes = 0;

        var run = await _bed.RunBackupAsync(database, progress: p =>
        {
            if (p.Stage == "dumping" && writes++ == 0)
            {
                postgres.ExecuteAsync(database, "INSERT INTO \"DBS\" VALUES (100000, 'late', 's3a://late', NULL)").GetAwaiter().GetResult();
            }
        });

        run.Manifest.Tables.Single(t => t.Table == "DBS").Rows.Should().Be(20, "the insert happened after the snapshot was exported");
        var scratch = _bed.Uri(_bed.Database("busy_scratch"), "--scratch");
        var verified = await BackupVerifier.VerifyAsync(_bed.Context(), new BackupVerifyOptions("latest", "metastore", scratch), null, _bed.Cancellation);
        verified.Status.Should().Be(CheckStatus.Pass, "pg_dump ran in the same snapshot as the row counts");
    }

    private static Task<bool> NeverConfirm(string question, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("no confirmation expected: " + question);
}
