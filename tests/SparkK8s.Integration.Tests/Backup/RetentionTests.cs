using Amazon.S3.Model;
using FluentAssertions;
using SparkK8s.Core.Backup;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

[Collection(BackupCollection.Name)]
public sealed class RetentionTests(PostgresServerFixture postgres, S3ServerFixture s3)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);
    private readonly BackupTestBed _bed = new(postgres, s3);

    [Fact]
    public async Task Deletes_expired_complete_and_stale_incomplete_backups_only()
    {
        await _bed.WithBucketAsync();
        await CraftAsync("metastore", Now.AddDays(-40), complete: true);
        await CraftAsync("metastore", Now.AddDays(-35), complete: true);
        await CraftAsync("metastore", Now.AddDays(-20), complete: true);
        await CraftAsync("metastore", Now.AddDays(-1), complete: true);
        await CraftAsync("metastore", Now.AddDays(-2), complete: false);
        await CraftAsync("metastore", Now.AddHours(-2), complete: false);
        await CraftAsync("airflow", Now.AddDays(-60), complete: true);
        await CraftAsync("airflow", Now.AddDays(-50), complete: true);

        var deleted = await ApplyAsync("metastore", new RetentionPolicy(30));

        deleted.Select(d => d.Id).Should().BeEquivalentTo(Id("metastore", -40), Id("metastore", -35), Id("metastore", -2));
        var left = await BackupLister.ListAsync(_bed.Context(), null, _bed.Cancellation);
        left.Select(e => (e.Id, e.Status)).Should().BeEquivalentTo(new[]
        {
            (Id("metastore", -20), BackupStatus.Complete),
            (Id("metastore", -1), BackupStatus.Complete),
            (IdHours("metastore", -2), BackupStatus.Incomplete),
            (Id("airflow", -60), BackupStatus.Complete),
            (Id("airflow", -50), BackupStatus.Complete),
        });
    }

    [Fact]
    public async Task Never_deletes_the_newest_complete_backup_and_honours_keep_last()
    {
        await _bed.WithBucketAsync();
        foreach (var days in new[] { -70, -60, -50, -45 })
        {
            await CraftAsync("metastore", Now.AddDays(days), complete: true);
        }

        await CraftAsync("metastore", Now.AddDays(-3), complete: false);

        (await ApplyAsync("metastore", new RetentionPolicy(30, KeepLast: 2))).Select(d => d.Id)
            .Should().BeEquivalentTo(Id("metastore", -70), Id("metastore", -60), Id("metastore", -3));
        (await ApplyAsync("metastore", new RetentionPolicy(30))).Select(d => d.Id)
            .Should().BeEquivalentTo([Id("metastore", -50)]);

        var left = await BackupLister.ListAsync(_bed.Context(), "metastore", _bed.Cancellation);
        left.Should().ContainSingle().Which.Id.Should().Be(Id("metastore", -45), "the newest complete backup survives any retention");
    }

    [Fact]
    public async Task Backup_run_applies_retention_with_the_injected_clock()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("ret");
        var clock = new ManualTimeProvider(Now.AddDays(-40));

        var oldest = await _bed.RunBackupAsync(database, clock);
        clock.Now = Now.AddDays(-10);
        var middle = await _bed.RunBackupAsync(database, clock);
        clock.Now = Now;
        var newest = await _bed.RunBackupAsync(database, clock);

        newest.Deleted.Select(d => d.Id).Should().Equal(oldest.Backup.Id);
        var list = await BackupLister.ListAsync(_bed.Context(clock), null, _bed.Cancellation);
        list.Select(e => e.Id).Should().Equal(newest.Backup.Id, middle.Backup.Id);
        list.Should().OnlyContain(e => e.Status == BackupStatus.Complete && e.Sha256 != null && e.SizeBytes > 0);
    }

    private static string Id(string name, int days) => BackupLayout.NewId(name, Now.AddDays(days));

    private static string IdHours(string name, int hours) => BackupLayout.NewId(name, Now.AddHours(hours));

    private async Task<IReadOnlyList<BackupEntry>> ApplyAsync(string name, RetentionPolicy policy)
    {
        var context = _bed.Context(new ManualTimeProvider(Now));
        return await BackupRunner.ApplyRetentionAsync(context.OpenStore(), name, policy, Now, null, _bed.Cancellation);
    }

    /// <summary>Writes a backup's objects directly: the archive, and for a complete backup its manifest.</summary>
    private async Task CraftAsync(string name, DateTimeOffset createdAt, bool complete)
    {
        var target = S3Target.Parse(_bed.Target);
        var id = BackupLayout.NewId(name, createdAt);
        using var client = s3.CreateClient();
        await client.PutObjectAsync(
            new PutObjectRequest { BucketName = _bed.Bucket, Key = BackupLayout.DumpKey(target, name, id), ContentBody = "archive " + id, UseChunkEncoding = false },
            _bed.Cancellation);
        if (!complete)
        {
            return;
        }

        var manifest = new BackupManifest
        {
            Id = id,
            Name = name,
            Database = name,
            Source = "postgres@127.0.0.1:5432/" + name,
            ServerVersion = "15.0",
            PgDumpVersion = "15.0",
            StartedAt = createdAt,
            FinishedAt = createdAt.AddMinutes(1),
            SizeBytes = 8 + id.Length,
            Sha256 = new string('0', 64),
            ObjectKey = BackupLayout.DumpKey(target, name, id),
            Snapshot = "00000003-00000002-1",
            Tables = [],
        };
        await client.PutObjectAsync(
            new PutObjectRequest { BucketName = _bed.Bucket, Key = BackupLayout.ManifestKey(target, name, id), ContentBody = manifest.ToJson(), UseChunkEncoding = false },
            _bed.Cancellation);
    }
}
