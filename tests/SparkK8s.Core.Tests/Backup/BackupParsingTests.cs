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
        var id = BackupLayout.NewId("metastore", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        id.Should().Be("metastore-20260102T030405Z");
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
}
