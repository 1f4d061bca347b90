using FluentAssertions;
using SparkK8s.Core.Backup;
using SparkK8s.Core.Errors;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

[Collection(BackupCollection.Name)]
public sealed class FaultTests(PostgresServerFixture postgres, S3ServerFixture s3)
{
    private readonly BackupTestBed _bed = new(postgres, s3);

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_clear_message()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("pw");
        var variables = _bed.Variables;
        variables["PGPASSWORD"] = "wrong";

        var run = () => BackupRunner.RunAsync(
            _bed.Context(variables: variables), new BackupRunOptions(_bed.Uri(database), null, new RetentionPolicy()), null, _bed.Cancellation);

        (await run.Should().ThrowAsync<OperationFailedException>()).Which.Message
            .Should().Contain("rejected the login").And.Contain("--database").And.Contain("PGPASSWORD").And.NotContain("wrong");
        (await ListAllKeysAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_bucket_and_wrong_credentials_are_refused_before_dumping()
    {
        var database = await _bed.CreateSmallDatabaseAsync("bucket");
        var missing = () => BackupRunner.RunAsync(
            _bed.Context(target: "s3://no-such-bucket/x"), new BackupRunOptions(_bed.Uri(database), null, new RetentionPolicy()), null, _bed.Cancellation);
        (await missing.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("'no-such-bucket' does not exist").And.Contain("--target");

        await _bed.WithBucketAsync();
        var variables = _bed.Variables;
        // s3rver checks the access key id (it does not verify SigV4 signatures).
        variables["AWS_ACCESS_KEY_ID"] = "NOT-A-KEY";
        var badCredentials = () => BackupLister.ListAsync(_bed.Context(variables: variables), null, _bed.Cancellation);
        (await badCredentials.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("rejected the credentials").And.Contain("AWS_ACCESS_KEY_ID");
    }

    [Fact]
    public async Task An_unreachable_database_or_s3_gives_a_clear_error()
    {
        await _bed.WithBucketAsync();
        var closedPort = FreePort.Next();
        var unreachable = PostgresUri.Parse($"postgresql://postgres@127.0.0.1:{closedPort}/x", "--database", BackupEnvironment.From(_bed.Variables));
        var run = () => BackupRunner.RunAsync(_bed.Context(), new BackupRunOptions(unreachable, null, new RetentionPolicy()), null, _bed.Cancellation);
        (await run.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("cannot reach PostgreSQL").And.Contain($"127.0.0.1:{closedPort}");

        var context = _bed.Context() with { S3 = new S3Settings($"http://127.0.0.1:{closedPort}", "us-east-1") };
        var list = () => BackupLister.ListAsync(context, null, _bed.Cancellation);
        (await list.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("unreachable").And.Contain("--s3-endpoint");
    }

    [Fact]
    public async Task Pg_dump_missing_or_older_than_the_server_is_refused()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("tools");
        using var bin = new TempDirectory("pgbin");
        var options = new BackupRunOptions(_bed.Uri(database), null, new RetentionPolicy());

        var missing = () => BackupRunner.RunAsync(_bed.Context() with { PgBin = bin.Path }, options, null, _bed.Cancellation);
        (await missing.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("--pg-bin").And.Contain("pg_dump");

        var fake = bin.WriteFile("pg_dump", "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }

        var old = () => BackupRunner.RunAsync(_bed.Context() with { PgBin = bin.Path }, options, null, _bed.Cancellation);
        (await old.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("pg_dump 9.6").And.Contain("older than the server 15");
        (await ListAllKeysAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Restoring_into_a_non_empty_database_needs_clean_and_confirmation()
    {
        await _bed.WithBucketAsync();
        var source = await _bed.CreateSmallDatabaseAsync("src");
        await _bed.RunBackupAsync(source);
        var target = await _bed.CreateSmallDatabaseAsync("busy_target");
        await postgres.ExecuteAsync(target, "INSERT INTO t VALUES (-1); CREATE TABLE extra (x int);", _bed.Cancellation);
        var options = new BackupRestoreOptions("latest", null, _bed.Uri(target));

        var refused = () => BackupRestorer.RestoreAsync(_bed.Context(), options, (_, _) => Task.FromResult(true), null, _bed.Cancellation);
        (await refused.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("not empty").And.Contain("--clean");

        var declined = () => BackupRestorer.RestoreAsync(_bed.Context(), options with { Clean = true }, (_, _) => Task.FromResult(false), null, _bed.Cancellation);
        (await declined.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("cancelled");
        (await postgres.ScalarAsync<long>(target, "SELECT count(*) FROM t", _bed.Cancellation)).Should().Be(101, "nothing was changed");

        var asked = new List<string>();
        var restored = await BackupRestorer.RestoreAsync(
            _bed.Context(), options with { Clean = true }, (question, _) => { asked.Add(question); return Task.FromResult(true); }, null, _bed.Cancellation);

        asked.Should().ContainSingle().Which.Should().Contain(target);
        restored.Status.Should().Be(CheckStatus.Pass);
        (await postgres.ScalarAsync<long>(target, "SELECT count(*) FROM t", _bed.Cancellation)).Should().Be(100);
    }

    [Fact]
    public async Task An_unknown_table_in_tables_is_refused_before_dumping()
    {
        await _bed.WithBucketAsync();
        var database = await _bed.CreateSmallDatabaseAsync("tables");
        var options = new BackupRunOptions(_bed.Uri(database), null, new RetentionPolicy()) { Tables = ["public.t", "public.missing"] };

        var run = () => BackupRunner.RunAsync(_bed.Context(), options, null, _bed.Cancellation);

        (await run.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("--tables").And.Contain("public.missing");
        (await ListAllKeysAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Verify_refuses_a_scratch_database_that_is_the_source()
    {
        await _bed.WithBucketAsync();
        var source = await _bed.CreateSmallDatabaseAsync("self");
        await _bed.RunBackupAsync(source);

        var verify = () => BackupVerifier.VerifyAsync(_bed.Context(), new BackupVerifyOptions("latest", null, _bed.Uri(source, "--scratch")), null, _bed.Cancellation);

        (await verify.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("--scratch");
        (await postgres.ScalarAsync<long>(source, "SELECT count(*) FROM t", _bed.Cancellation)).Should().Be(100);
    }

    private async Task<IReadOnlyList<string>> ListAllKeysAsync()
    {
        using var client = s3.CreateClient();
        var response = await client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = _bed.Bucket }, _bed.Cancellation);
        return (response.S3Objects ?? []).Select(o => o.Key).ToList();
    }
}
