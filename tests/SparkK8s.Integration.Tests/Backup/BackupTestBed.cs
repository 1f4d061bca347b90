using SparkK8s.Core.Backup;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

/// <summary>Per-test set-up over the shared servers: a unique bucket and database names, contexts and data helpers.</summary>
public sealed class BackupTestBed(PostgresServerFixture postgres, S3ServerFixture s3)
{
    private static int _counter;

    public PostgresServerFixture Postgres => postgres;
    public S3ServerFixture S3 => s3;
    public string Suffix { get; } = $"{Environment.ProcessId}x{Interlocked.Increment(ref _counter)}";
    public string Bucket => $"backups-{Suffix}";
    public string Target => $"s3://{Bucket}/platform";
    public CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>PGPASSWORD and the AWS variables for the fixtures, as the process environment would carry them.</summary>
    public Dictionary<string, string> Variables => new(postgres.ClientEnvironment.Concat(s3.ClientEnvironment));

    public async Task<BackupTestBed> WithBucketAsync()
    {
        await s3.CreateBucketAsync(Bucket);
        return this;
    }

    public string Database(string name) => $"{name}_{Suffix}";

    public BackupContext Context(TimeProvider? time = null, IReadOnlyDictionary<string, string>? variables = null, string? target = null) =>
        new(S3Target.Parse(target ?? Target), new S3Settings(s3.Endpoint, "us-east-1"), BackupEnvironment.From(variables ?? Variables), time ?? TimeProvider.System);

    public PostgresUri Uri(string database, string flag = "--database") =>
        PostgresUri.Parse(postgres.Uri(database), flag, BackupEnvironment.From(Variables));

    public Task<BackupRunResult> RunBackupAsync(
        string database, TimeProvider? time = null, RetentionPolicy? retention = null, Action<BackupProgress>? progress = null, int? partSize = null, CancellationToken? cancellation = null) =>
        BackupRunner.RunAsync(
            Context(time),
            new BackupRunOptions(Uri(database), "metastore", retention ?? new RetentionPolicy()) { PartSizeBytes = partSize ?? MultipartUploader.DefaultPartSize },
            progress,
            cancellation ?? Cancellation);

    /// <summary>Sets the S3 server's LastModified of an object (s3rver reports its file's mtime), to craft server-side ages.</summary>
    public void SetStoredAt(string key, DateTimeOffset storedAt) =>
        File.SetLastWriteTimeUtc(s3.ObjectFile(Bucket, key), storedAt.UtcDateTime);

    /// <summary>Sets LastModified of a backup's archive and manifest.</summary>
    public void SetStoredAt(BackupEntry backup, DateTimeOffset storedAt)
    {
        var target = S3Target.Parse(Target);
        foreach (var key in new[] { BackupLayout.DumpKey(target, backup.Name, backup.Id), BackupLayout.ManifestKey(target, backup.Name, backup.Id) })
        {
            if (File.Exists(s3.ObjectFile(Bucket, key)))
            {
                SetStoredAt(key, storedAt);
            }
        }
    }

    /// <summary>Re-uploads an object with <paramref name="count"/> extra bytes at its end.</summary>
    public async Task AppendBytesAsync(string key, int count)
    {
        using var client = s3.CreateClient();
        using var buffer = new MemoryStream();
        using (var response = await client.GetObjectAsync(Bucket, key, Cancellation))
        {
            await response.ResponseStream.CopyToAsync(buffer, Cancellation);
        }

        buffer.Write(new byte[count]);
        buffer.Position = 0;
        await client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = Bucket, Key = key, InputStream = buffer, UseChunkEncoding = false }, Cancellation);
    }

    /// <summary>Corrupts an object in s3rver's storage, behind S3's back: its ETag (MD5) no longer matches its bytes.</summary>
    public async Task CorruptInStorageAsync(string key)
    {
        var path = s3.ObjectFile(Bucket, key);
        var bytes = await File.ReadAllBytesAsync(path, Cancellation);
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 16; i++)
        {
            bytes[i] ^= 0xFF;
        }

        var mtime = File.GetLastWriteTimeUtc(path);
        await File.WriteAllBytesAsync(path, bytes, Cancellation);
        File.SetLastWriteTimeUtc(path, mtime);
    }

    /// <summary>Creates a database with one table <c>t</c> of <paramref name="rows"/> rows (ids 1..rows).</summary>
    public async Task<string> CreateSmallDatabaseAsync(string name, int rows = 100)
    {
        var database = Database(name);
        await postgres.CreateDatabaseAsync(database, Cancellation);
        await postgres.ExecuteAsync(database, $"CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, {rows});", Cancellation);
        return database;
    }

    /// <summary>Creates a database with a Hive-Metastore-like schema: thousands of rows, bytea and large text.</summary>
    public async Task CreateMetastoreAsync(string database, int scale = 1)
    {
        await postgres.CreateDatabaseAsync(database, Cancellation);
        await postgres.ExecuteAsync(database, MetastoreSql.Schema, Cancellation);
        await postgres.ExecuteAsync(database, MetastoreSql.Data(scale), Cancellation);
    }

    /// <summary>Each table's row count and an order-independent checksum of its content.</summary>
    public async Task<Dictionary<string, (long Rows, string Checksum)>> FingerprintAsync(string database)
    {
        var result = new Dictionary<string, (long, string)>();
        foreach (var table in MetastoreSql.Tables)
        {
            var rows = await postgres.ScalarAsync<long>(database, $"SELECT count(*) FROM \"{table}\"", Cancellation);
            var checksum = await postgres.ScalarAsync<string>(
                database, $"SELECT md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) FROM \"{table}\" t", Cancellation);
            result[table] = (rows, checksum);
        }

        return result;
    }

    /// <summary>Corrupts a stored object in place: inverts 16 bytes in its middle.</summary>
    public async Task FlipBytesAsync(string key)
    {
        using var client = s3.CreateClient();
        byte[] bytes;
        using (var response = await client.GetObjectAsync(Bucket, key, Cancellation))
        using (var buffer = new MemoryStream())
        {
            await response.ResponseStream.CopyToAsync(buffer, Cancellation);
            bytes = buffer.ToArray();
        }

        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 16; i++)
        {
            bytes[i] ^= 0xFF;
        }

        await client.PutObjectAsync(
            new Amazon.S3.Model.PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(bytes), UseChunkEncoding = false }, Cancellation);
    }
}
