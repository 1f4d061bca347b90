using FluentAssertions;
using SparkK8s.Core.Backup;
using SparkK8s.Core.Errors;
using Xunit;

namespace SparkK8s.Core.Tests.Backup;

public class BackupParsingTests
{
    private static readonly BackupEnvironment NoEnvironment = BackupEnvironment.From(new Dictionary<string, string>());

    [Fact]
    public void Parses_a_libpq_uri_without_password()
    {
        var uri = PostgresUri.Parse("postgresql://hive@spark-postgresql:5433/metastore?sslmode=require", "--database", NoEnvironment);

        uri.Should().BeEquivalentTo(new { Host = "spark-postgresql", Port = 5433, User = "hive", Database = "metastore" });
        uri.ToLibpqUri().Should().Be("postgresql://hive@spark-postgresql:5433/metastore?sslmode=require");
        uri.Display.Should().Be("hive@spark-postgresql:5433/metastore");
    }

    [Theory]
    [InlineData("postgresql://hive:secret@h/db", "PGPASSWORD")]
    [InlineData("postgresql://hive@h/db?password=secret", "PGPASSWORD")]
    [InlineData("postgresql://hive@h/", "names no database")]
    [InlineData("postgresql://hive@h/db?foo=1", "'foo' is not supported")]
    [InlineData("jdbc:postgresql://h/db", "not a PostgreSQL connection URI")]
    public void Rejects_bad_uris_naming_the_flag(string text, string expected)
    {
        var parse = () => PostgresUri.Parse(text, "--scratch", NoEnvironment);

        parse.Should().Throw<UserInputException>().Which.Message.Should().StartWith("--scratch").And.Contain(expected).And.NotContain("secret");
    }

    [Fact]
    public void The_password_comes_from_the_libpq_environment_only()
    {
        var environment = BackupEnvironment.From(new Dictionary<string, string> { ["PGPASSWORD"] = "pw", ["PGPASSFILE"] = "/etc/pgpass" });
        var uri = PostgresUri.Parse("postgres://u@h/db", "--database", environment);

        uri.ToNpgsqlConnectionString(environment).Should().Contain("Password=pw").And.Contain("Passfile=/etc/pgpass");
        uri.ToolEnvironment(environment)["PGPASSWORD"].Should().Be("pw");
        uri.ToLibpqUri().Should().NotContain("pw");
    }

    [Theory]
    [InlineData("s3://backups/platform/prod", "backups", "platform/prod/")]
    [InlineData("s3://backups", "backups", "")]
    [InlineData("s3://backups/", "backups", "")]
    public void Parses_targets(string text, string bucket, string keyPrefix)
    {
        var target = S3Target.Parse(text);

        target.Bucket.Should().Be(bucket);
        target.KeyPrefix.Should().Be(keyPrefix);
    }

    [Theory]
    [InlineData("backups/x")]
    [InlineData("s3://Bad_Bucket/x")]
    [InlineData("")]
    public void Rejects_bad_targets(string text) =>
        ((Action)(() => S3Target.Parse(text))).Should().Throw<UserInputException>().Which.Message.Should().Contain("--target");

    [Theory]
    [InlineData("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)", 15, 14)]
    [InlineData("16.2", 16, 2)]
    [InlineData("17beta1", 17, 0)]
    [InlineData("pg_restore (PostgreSQL) 9.6.24", 9, 6)]
    public void Parses_postgres_versions(string text, int major, int minor) =>
        PgVersion.Parse(text).Should().Be(new PgVersion(major, minor));

    [Fact]
    public void Keys_round_trip_through_the_layout()
    {
        var target = S3Target.Parse("s3://bkt/p");
        var id = BackupLayout.NewId("metastore", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "0a1b2c3d");

        id.Should().Be("metastore-20260102T030405Z-0a1b2c3d");
        BackupLayout.ParseKey(target, BackupLayout.DumpKey(target, "metastore", id)).Should().Be(("metastore", id, false));
        BackupLayout.ParseKey(target, BackupLayout.ManifestKey(target, "metastore", id)).Should().Be(("metastore", id, true));
        BackupLayout.ParseKey(target, "p/metastore/notes.txt").Should().BeNull();
        BackupLayout.TimestampOf(id).Should().Be(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    }

    [Fact]
    public void Retention_keeps_the_newest_complete_backup_whatever_its_age()
    {
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        BackupEntry Entry(int daysAgo, BackupStatus status, string name = "metastore") =>
            new($"{name}-{daysAgo}", name, status, now.AddDays(-daysAgo), 1, null);
        var backups = new[] { Entry(90, BackupStatus.Complete), Entry(60, BackupStatus.Complete), Entry(5, BackupStatus.Incomplete), Entry(0, BackupStatus.Incomplete), Entry(99, BackupStatus.Complete, "mlflow") };

        new RetentionPolicy(30).SelectExpired(backups, now).Select(b => b.Id).Should().BeEquivalentTo("metastore-90", "metastore-5");
        new RetentionPolicy(30, KeepLast: 5).SelectExpired(backups, now).Select(b => b.Id).Should().BeEquivalentTo(["metastore-5"]);
        ((Action)(() => new RetentionPolicy(30, 0).Validate())).Should().Throw<UserInputException>().Which.Message.Should().Contain("--keep-last");
    }

    [Fact]
    public void New_ids_carry_a_random_suffix_and_old_ids_still_parse()
    {
        var target = S3Target.Parse("s3://bucket/p");
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var first = BackupLayout.NewId("metastore", at);
        var second = BackupLayout.NewId("metastore", at);

        first.Should().NotBe(second, "two runs in the same second must not share an id").And.MatchRegex("^metastore-20260102T030405Z-[0-9a-f]{8}$");
        BackupLayout.ParseKey(target, "p/metastore/metastore-20260102T030405Z.dump").Should().Be(("metastore", "metastore-20260102T030405Z", false));
        BackupLayout.TimestampOf("metastore-20260102T030405Z").Should().Be(at);
        BackupLayout.TimestampOf(first).Should().Be(at);
    }

    [Fact]
    public void A_manifest_from_a_future_format_or_broken_json_is_unreadable_with_a_reason()
    {
        BackupManifest.FromJson("""{ "formatVersion": 2, "archive": {} }""", out var future).Should().BeNull();
        future.Should().Contain("format");
        BackupManifest.FromJson("{ nope", out var broken).Should().BeNull();
        broken.Should().Contain("not valid JSON");
    }

    [Fact]
    public void Retention_never_deletes_unreadable_backups_and_counts_them_toward_keep_last()
    {
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        BackupEntry Entry(string id, int storedDaysAgo, BackupStatus status) =>
            new(id, "metastore", status, now.AddDays(-storedDaysAgo), 1, null) { StoredAt = now.AddDays(-storedDaysAgo) };
        var backups = new[]
        {
            Entry("c50", 50, BackupStatus.Complete), Entry("u60", 60, BackupStatus.Unreadable), Entry("b90", 90, BackupStatus.Complete),
            Entry("a100", 100, BackupStatus.Complete), Entry("u200", 200, BackupStatus.Unreadable),
        };

        new RetentionPolicy(30, KeepLast: 2).SelectExpired(backups, now).Select(b => b.Id).Should().BeEquivalentTo("b90", "a100");
    }

    [Fact]
    public void Retention_ages_backups_by_the_servers_stored_time_not_the_claimed_one()
    {
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var claimedFuture = new BackupEntry("ahead", "metastore", BackupStatus.Complete, now.AddDays(35), 1, null) { StoredAt = now.AddDays(-40) };
        var newest = new BackupEntry("newest", "metastore", BackupStatus.Complete, now.AddDays(-1), 1, null) { StoredAt = now.AddDays(-1) };

        new RetentionPolicy(30).SelectExpired([claimedFuture, newest], now).Select(b => b.Id).Should().Equal("ahead");
        claimedFuture.FutureDated.Should().BeTrue();
        newest.FutureDated.Should().BeFalse();
    }

    [Fact]
    public void A_full_disk_is_not_retried_as_a_network_error()
    {
        S3Errors.IsTransient(new IOException("No space left on device", 28)).Should().BeFalse();
        S3Errors.IsTransient(new HttpRequestException("copy failed", new IOException("No space left on device", 28))).Should().BeFalse();
        S3Errors.IsTransient(new IOException("Connection reset by peer")).Should().BeTrue();
        S3Errors.IsTransient(new Amazon.Runtime.AmazonClientException("Expected hash not equal to calculated hash")).Should().BeFalse();
    }

    [Fact]
    public void Clock_skew_beyond_five_minutes_refuses_with_a_clear_message()
    {
        var server = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        ((Action)(() => BackupClock.EnsureInSync(server.AddMinutes(4), server, "retention"))).Should().NotThrow();
        ((Action)(() => BackupClock.EnsureInSync(server.AddDays(35), server, "retention"))).Should().Throw<OperationFailedException>()
            .Which.Message.Should().Contain("35 days ahead of the S3 server's").And.Contain("NTP");
        ((Action)(() => BackupClock.EnsureInSync(server.AddMinutes(-10), server, "retention"))).Should().Throw<OperationFailedException>()
            .Which.Message.Should().Contain("10 minutes behind");
    }
}
