using System.Text.Json;
using FluentAssertions;
using SparkK8s.Cli;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

/// <summary>The <c>spark-k8s backup</c> subcommands in-process: exit codes, JSON shapes and error messages.</summary>
[Collection(BackupCollection.Name)]
public sealed class BackupCliTests
{
    private readonly BackupTestBed _bed;
    private readonly PostgresServerFixture _postgres;

    public BackupCliTests(PostgresServerFixture postgres, S3ServerFixture s3)
    {
        _bed = new BackupTestBed(postgres, s3);
        _postgres = postgres;

        // The CLI reads the real process environment; every fixture uses the same credentials, so this is race-free.
        foreach (var (name, value) in _bed.Variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Fact]
    public async Task Run_list_verify_and_restore_print_the_documented_json()
    {
        await _bed.WithBucketAsync();
        var database = _bed.Database("cli");
        await _bed.CreateMetastoreAsync(database);

        var run = await RunAsync("backup", "run", "--database", _postgres.Uri(database), "--name", "metastore", "--tables", "public.TBLS,DBS", "-o", "json");
        run.Exit.Should().Be(0, run.Error);
        var runJson = JsonDocument.Parse(run.Output).RootElement;
        var id = runJson.GetProperty("backup").GetProperty("id").GetString();
        runJson.GetProperty("manifest").GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("table").GetString()).Should().Equal("TBLS", "DBS");
        runJson.GetProperty("deleted").GetArrayLength().Should().Be(0);

        var list = await RunAsync("backup", "list", "--output", "json");
        list.Exit.Should().Be(0, list.Error);
        var entry = JsonDocument.Parse(list.Output).RootElement.EnumerateArray().Should().ContainSingle().Subject;
        entry.EnumerateObject().Select(p => p.Name).Should().Equal("id", "name", "status", "createdAt", "sizeBytes", "sha256", "storedAt", "futureDated", "problem");
        entry.GetProperty("futureDated").GetBoolean().Should().BeFalse();
        entry.GetProperty("id").GetString().Should().Be(id);
        entry.GetProperty("status").GetString().Should().Be("complete");
        entry.GetProperty("sha256").GetString().Should().MatchRegex("^[0-9a-f]{64}$");
        entry.GetProperty("sizeBytes").GetInt64().Should().BePositive();

        var verify = await RunAsync("backup", "verify", "--backup", "latest", "--scratch", _postgres.Uri(_bed.Database("cli_scratch")), "-o", "json");
        verify.Exit.Should().Be(0, verify.Error);
        var verifyJson = JsonDocument.Parse(verify.Output).RootElement;
        verifyJson.GetProperty("status").GetString().Should().Be("pass");
        verifyJson.GetProperty("checksum").GetProperty("status").GetString().Should().Be("pass");
        verifyJson.GetProperty("tables").EnumerateArray().Should().HaveCount(2).And.OnlyContain(t => t.GetProperty("status").GetString() == "pass");

        var restore = await RunAsync("backup", "restore", "--backup", id!, "--database", _postgres.Uri(_bed.Database("cli_restored")), "--create", "-o", "json");
        restore.Exit.Should().Be(0, restore.Error);
        JsonDocument.Parse(restore.Output).RootElement.GetProperty("status").GetString().Should().Be("pass");

        var table = await RunAsync("backup", "list");
        table.Exit.Should().Be(0);
        table.Output.Should().Contain(id).And.Contain("complete");
    }

    [Fact]
    public async Task Restore_into_a_non_empty_database_is_refused_and_clean_needs_yes_without_a_terminal()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("cli_busy", rows: 2);
        (await RunAsync("backup", "run", "--database", _postgres.Uri(database))).Exit.Should().Be(0);
        await _postgres.ExecuteAsync(database, "INSERT INTO t VALUES (3);", _bed.Cancellation);

        var refused = await RunAsync("backup", "restore", "--backup", "latest", "--database", _postgres.Uri(database));
        refused.Exit.Should().Be(1);
        refused.Error.Should().Contain("not empty").And.Contain("--clean");

        var unconfirmed = await RunAsync("backup", "restore", "--backup", "latest", "--database", _postgres.Uri(database), "--clean");
        unconfirmed.Exit.Should().Be(2);
        unconfirmed.Error.Should().Contain("--yes");
        (await _postgres.ScalarAsync<long>(database, "SELECT count(*) FROM t", _bed.Cancellation)).Should().Be(3);

        var confirmed = await RunAsync("backup", "restore", "--backup", "latest", "--database", _postgres.Uri(database), "--clean", "--yes");
        confirmed.Exit.Should().Be(0, confirmed.Error);
        confirmed.Output.Should().Contain("PASS");
        (await _postgres.ScalarAsync<long>(database, "SELECT count(*) FROM t", _bed.Cancellation)).Should().Be(2);
    }

    [Fact]
    public async Task A_corrupt_backup_fails_verify_and_restore_with_exit_1()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("cli_corrupt", rows: 5000);
        var run = await RunAsync("backup", "run", "--database", _postgres.Uri(database), "-o", "json");
        run.Exit.Should().Be(0, run.Error);
        await _bed.FlipBytesAsync(JsonDocument.Parse(run.Output).RootElement.GetProperty("manifest").GetProperty("objectKey").GetString()!);

        var verify = await RunAsync("backup", "verify", "--scratch", _postgres.Uri(_bed.Database("cli_corrupt_scratch")), "-o", "json");
        verify.Exit.Should().Be(1);
        var json = JsonDocument.Parse(verify.Output).RootElement;
        json.GetProperty("status").GetString().Should().Be("fail");
        json.GetProperty("checksum").GetProperty("status").GetString().Should().Be("fail");
        verify.Error.Should().Contain("is corrupt");

        var restore = await RunAsync("backup", "restore", "--backup", "latest", "--database", _postgres.Uri(_bed.Database("cli_corrupt_target")), "--create", "-o", "json");
        restore.Exit.Should().Be(1);
        restore.Error.Should().Contain("is corrupt").And.Contain("rolled back").And.NotContain("Exception");
        restore.Output.Should().BeEmpty();
    }

    [Theory]
    [InlineData("run --database postgresql://u@h/db", "--target")]
    [InlineData("run --target http://bucket/x --database postgresql://u@h/db", "--target")]
    [InlineData("run --target s3://bucket/x --database postgresql://u:secret@h/db", "PGPASSWORD")]
    [InlineData("run --target s3://bucket/x --database mysql://h/db", "--database")]
    [InlineData("run --target s3://bucket/x --database postgresql://u@h/db --retention-days 0", "--retention-days")]
    [InlineData("list --target s3://bucket/x --s3-endpoint ftp://x", "--s3-endpoint")]
    [InlineData("list --target s3://bucket/x --s3-endpoint http://user:secret@127.0.0.1:9000", "--s3-endpoint")]
    [InlineData("list --target s3://bucket/x --s3-endpoint http://127.0.0.1:9000/some/path?x=1", "--s3-endpoint")]
    [InlineData("list --target s3://bucket/x --s3-endpoint http://127.0.0.1:0", "--s3-endpoint")]
    [InlineData("list --target s3://bucket/x --s3-region bad_region!", "--s3-region")]
    [InlineData("run --target s3://bucket/x --database postgresql://u@h/db --part-size-mib 4", "--part-size-mib")]
    [InlineData("verify --target s3://bucket/x", "--scratch")]
    [InlineData("restore --target s3://bucket/x --database postgresql://u@h/db", "--backup")]
    public async Task Bad_input_exits_2_naming_the_flag(string arguments, string named)
    {
        var result = await RunAsync(arguments.Split(' ').Prepend("backup").ToArray(), withTarget: false);

        result.Exit.Should().Be(2);
        result.Error.Should().Contain(named).And.NotContain("   at ").And.NotContain("secret").And.NotContain("Exception");
        result.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Unreachable_s3_exits_1_with_a_clear_message()
    {
        var result = await RunAsync(["backup", "list", "--target", "s3://backups/x", "--s3-endpoint", $"http://127.0.0.1:{FreePort.Next()}", "-o", "json"], withTarget: false);

        result.Exit.Should().Be(1);
        result.Error.Should().StartWith("error: S3 endpoint").And.Contain("unreachable").And.NotContain("   at ");
        result.Output.Should().BeEmpty();
    }

    /// <summary>Issue #7: the scratch database exists, has tables and was not created by verify: exit 2, nothing dropped.</summary>
    [Fact]
    public async Task Verify_into_an_existing_unmarked_database_exits_2_and_drops_nothing()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("cli_src", rows: 3);
        (await RunAsync("backup", "run", "--database", _postgres.Uri(database))).Exit.Should().Be(0);
        var important = await _bed.CreateSmallDatabaseAsync("cli_important", rows: 100);

        var verify = await RunAsync("backup", "verify", "--scratch", _postgres.Uri(important), "-o", "json");

        verify.Exit.Should().Be(2);
        verify.Error.Should().Contain("--scratch").And.Contain("nothing was dropped").And.NotContain("Exception");
        verify.Output.Should().BeEmpty();
        (await _postgres.ScalarAsync<long>(important, "SELECT count(*) FROM t", _bed.Cancellation)).Should().Be(100);
    }

    [Fact]
    public async Task List_flags_an_unreadable_manifest_in_the_table_and_in_json()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("cli_unreadable", rows: 3);
        var run = await RunAsync("backup", "run", "--database", _postgres.Uri(database), "--name", "metastore", "-o", "json");
        run.Exit.Should().Be(0, run.Error);
        var id = JsonDocument.Parse(run.Output).RootElement.GetProperty("backup").GetProperty("id").GetString()!;
        using (var client = _bed.S3.CreateClient())
        {
            await client.PutObjectAsync(
                new Amazon.S3.Model.PutObjectRequest
                {
                    BucketName = _bed.Bucket,
                    Key = SparkK8s.Core.Backup.BackupLayout.ManifestKey(SparkK8s.Core.Backup.S3Target.Parse(_bed.Target), "metastore", id),
                    ContentBody = """{ "formatVersion": 9 }""",
                    UseChunkEncoding = false,
                },
                _bed.Cancellation);
        }

        var json = await RunAsync("backup", "list", "-o", "json");
        json.Exit.Should().Be(0, json.Error);
        var entry = JsonDocument.Parse(json.Output).RootElement.EnumerateArray().Should().ContainSingle().Subject;
        entry.GetProperty("status").GetString().Should().Be("unreadable");
        entry.GetProperty("problem").GetString().Should().Contain("format");

        var table = await RunAsync("backup", "list");
        table.Output.Should().Contain("unreadable");
        var restore = await RunAsync("backup", "restore", "--backup", id, "--database", _postgres.Uri(_bed.Database("cli_unreadable_target")), "--create");
        restore.Exit.Should().Be(1);
        restore.Error.Should().Contain("unreadable");
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] arguments) => RunAsync(arguments, withTarget: true);

    private async Task<(int Exit, string Output, string Error)> RunAsync(string[] arguments, bool withTarget)
    {
        string[] full = withTarget ? [.. arguments, "--target", _bed.Target, "--s3-endpoint", _bed.S3.Endpoint] : arguments;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApplication.RunAsync(full, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
