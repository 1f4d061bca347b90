using Amazon.S3.Model;
using FluentAssertions;
using SparkK8s.Core.Backup;
using SparkK8s.Core.Errors;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

/// <summary>
/// Retention and <c>latest</c> by the S3 server's clock. Ages are crafted on the server side: s3rver reports an object
/// file's mtime as its LastModified, so <see cref="BackupTestBed.SetStoredAt(string, DateTimeOffset)"/> sets it.
/// </summary>
[Collection(BackupCollection.Name)]
public sealed class RetentionTests(PostgresServerFixture postgres, S3ServerFixture s3)
{
    private readonly BackupTestBed _bed = new(postgres, s3);
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task Deletes_expired_complete_and_stale_incomplete_backups_only()
    {
        await _bed.WithBucketAsync();
        var m40 = await CraftAsync("metastore", -40);
        var m35 = await CraftAsync("metastore", -35);
        var m20 = await CraftAsync("metastore", -20);
        var m1 = await CraftAsync("metastore", -1);
        var i2 = await CraftAsync("metastore", -2, complete: false);
        var i0 = await CraftAsync("metastore", -2.0 / 24, complete: false);
        var a60 = await CraftAsync("airflow", -60);
        var a50 = await CraftAsync("airflow", -50);

        var deleted = await ApplyAsync("metastore", new RetentionPolicy(30));

        deleted.Select(d => d.Id).Should().BeEquivalentTo(m40, m35, i2);
        var left = await BackupLister.ListAsync(_bed.Context(), null, _bed.Cancellation);
        left.Select(e => (e.Id, e.Status)).Should().BeEquivalentTo(new[]
        {
            (m20, BackupStatus.Complete),
            (m1, BackupStatus.Complete),
            (i0, BackupStatus.Incomplete),
            (a60, BackupStatus.Complete),
            (a50, BackupStatus.Complete),
        });
    }

    [Fact]
    public async Task Never_deletes_the_newest_complete_backup_and_honours_keep_last()
    {
        await _bed.WithBucketAsync();
        var ids = new List<string>();
        foreach (var days in new[] { -70, -60, -50, -45 })
        {
            ids.Add(await CraftAsync("metastore", days));
        }

        var incomplete = await CraftAsync("metastore", -3, complete: false);

        (await ApplyAsync("metastore", new RetentionPolicy(30, KeepLast: 2))).Select(d => d.Id)
            .Should().BeEquivalentTo(ids[0], ids[1], incomplete);
        (await ApplyAsync("metastore", new RetentionPolicy(30))).Select(d => d.Id)
            .Should().BeEquivalentTo([ids[2]]);

        var left = await BackupLister.ListAsync(_bed.Context(), "metastore", _bed.Cancellation);
        left.Should().ContainSingle().Which.Id.Should().Be(ids[3], "the newest complete backup survives any retention");
    }

    [Fact]
    public async Task Order_and_age_come_from_the_server_not_from_the_writers_claimed_time()
    {
        await _bed.WithBucketAsync();
        // Claimed 100 days old by a writer whose clock was behind, but stored by S3 just now: young, and newest.
        var behind = await CraftAsync("metastore", storedDays: 0, claimedDays: -100);
        var older = await CraftAsync("metastore", storedDays: -40, claimedDays: 0);

        (await ApplyAsync("metastore", new RetentionPolicy(30))).Select(d => d.Id).Should().Equal(older);
        (await _bed.Context().OpenStore().ResolveAsync("latest", "metastore", _bed.Cancellation)).Id.Should().Be(behind);
    }

    [Fact]
    public async Task Backup_run_applies_retention_on_the_server_clock()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("ret");

        var oldest = await _bed.RunBackupAsync(database);
        var middle = await _bed.RunBackupAsync(database);
        _bed.SetStoredAt(oldest.Backup, _now.AddDays(-40));
        _bed.SetStoredAt(middle.Backup, _now.AddDays(-10));
        var newest = await _bed.RunBackupAsync(database);

        newest.Deleted.Select(d => d.Id).Should().Equal(oldest.Backup.Id);
        var list = await BackupLister.ListAsync(_bed.Context(), null, _bed.Cancellation);
        list.Select(e => e.Id).Should().Equal(newest.Backup.Id, middle.Backup.Id);
        list.Should().OnlyContain(e => e.Status == BackupStatus.Complete && e.Sha256 != null && e.SizeBytes > 0);
    }

    /// <summary>Issue #7: one run on a node 35 days ahead deleted all five good backups, and latest then restored stale data.</summary>
    [Fact]
    public async Task A_node_35_days_ahead_deletes_nothing_and_latest_still_restores_the_newest_data()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("skew", rows: 100);
        var good = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            good.Add((await _bed.RunBackupAsync(database)).Backup.Id);
        }

        var ahead = new ManualTimeProvider(DateTimeOffset.UtcNow.AddDays(35));
        var skewed = () => _bed.RunBackupAsync(database, ahead);

        (await skewed.Should().ThrowAsync<OperationFailedException>()).Which.Message
            .Should().Contain("retention was refused").And.Contain("35 days ahead").And.Contain("Nothing was deleted");
        var afterSkew = await BackupLister.ListAsync(_bed.Context(), null, _bed.Cancellation);
        afterSkew.Where(e => e.Status == BackupStatus.Complete).Select(e => e.Id).Should().Contain(good).And.HaveCount(6);
        var futureDated = afterSkew.Should().ContainSingle(e => e.FutureDated, "only the backup written by the node ahead is dated in the future").Subject;
        good.Should().NotContain(futureDated.Id);

        await postgres.ExecuteAsync(database, "INSERT INTO t SELECT generate_series(101, 150);", _bed.Cancellation);
        var fresh = await _bed.RunBackupAsync(database);
        fresh.Deleted.Should().BeEmpty();

        (await _bed.Context().OpenStore().ResolveAsync("latest", "metastore", _bed.Cancellation)).Id.Should().Be(fresh.Backup.Id);
        var target = _bed.Database("skew_restored");
        var restored = await BackupRestorer.RestoreAsync(
            _bed.Context(), new BackupRestoreOptions("latest", "metastore", _bed.Uri(target)) { Create = true }, (_, _) => Task.FromResult(true), null, _bed.Cancellation);
        restored.Status.Should().Be(CheckStatus.Pass);
        (await postgres.ScalarAsync<long>(target, "SELECT count(*) FROM t", _bed.Cancellation)).Should().Be(150, "latest is the newest backup by server time");
    }

    [Fact]
    public async Task Unreadable_manifests_are_listed_never_deleted_and_count_toward_keep_last()
    {
        await _bed.WithBucketAsync();
        var a = await CraftAsync("metastore", -100);
        var b = await CraftAsync("metastore", -90);
        var future = await CraftAsync("metastore", -60, manifestJson: """{ "formatVersion": 2, "archive": { "sha512": "..." } }""");
        var c = await CraftAsync("metastore", -50);
        var garbage = await CraftAsync("metastore", -200, manifestJson: "{ not json");

        var listed = await BackupLister.ListAsync(_bed.Context(), "metastore", _bed.Cancellation);
        listed.Where(e => e.Status == BackupStatus.Unreadable).Select(e => e.Id).Should().BeEquivalentTo(future, garbage);
        listed.Single(e => e.Id == future).Problem.Should().Contain("manifest");

        var deleted = await ApplyAsync("metastore", new RetentionPolicy(30, KeepLast: 2));

        deleted.Select(d => d.Id).Should().BeEquivalentTo([a, b], "the unreadable backup at -60 days holds the second keep-last place");
        var left = await BackupLister.ListAsync(_bed.Context(), "metastore", _bed.Cancellation);
        left.Select(e => e.Id).Should().BeEquivalentTo(c, future, garbage);
        var resolve = () => _bed.Context().OpenStore().ResolveAsync(future, null, _bed.Cancellation);
        (await resolve.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("unreadable");
    }

    private async Task<IReadOnlyList<BackupEntry>> ApplyAsync(string name, RetentionPolicy policy)
    {
        var context = _bed.Context();
        return await BackupRunner.ApplyRetentionAsync(context.OpenStore(), name, policy, _now, null, _bed.Cancellation);
    }

    private Task<string> CraftAsync(string name, double storedDays, bool complete = true, string? manifestJson = null) =>
        CraftAsync(name, storedDays, storedDays, complete, manifestJson);

    /// <summary>
    /// Writes a backup's objects directly (the archive, and for a complete backup its manifest), claiming a start time
    /// <paramref name="claimedDays"/> from now and stored by the server <paramref name="storedDays"/> from now.
    /// </summary>
    private async Task<string> CraftAsync(string name, double storedDays, double claimedDays, bool complete = true, string? manifestJson = null)
    {
        var target = S3Target.Parse(_bed.Target);
        var createdAt = _now.AddDays(claimedDays);
        var id = BackupLayout.NewId(name, createdAt);
        using var client = s3.CreateClient();
        var dumpKey = BackupLayout.DumpKey(target, name, id);
        await client.PutObjectAsync(
            new PutObjectRequest { BucketName = _bed.Bucket, Key = dumpKey, ContentBody = "archive " + id, UseChunkEncoding = false },
            _bed.Cancellation);
        _bed.SetStoredAt(dumpKey, _now.AddDays(storedDays));
        if (!complete)
        {
            return id;
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
            ObjectKey = dumpKey,
            Snapshot = "00000003-00000002-1",
            Tables = [],
        };
        var manifestKey = BackupLayout.ManifestKey(target, name, id);
        await client.PutObjectAsync(
            new PutObjectRequest { BucketName = _bed.Bucket, Key = manifestKey, ContentBody = manifestJson ?? manifest.ToJson(), UseChunkEncoding = false },
            _bed.Cancellation);
        _bed.SetStoredAt(manifestKey, _now.AddDays(storedDays));
        return id;
    }
}
