using System.Globalization;
using Npgsql;
using SparkK8s.Core.Processes;
using Xunit;

namespace SparkK8s.Testing;

/// <summary>
/// A real PostgreSQL server from the machine's binaries (<c>/usr/lib/postgresql/&lt;newest&gt;/bin</c>: initdb, pg_ctl)
/// on 127.0.0.1 and a random port, with password (SCRAM) authentication and its own data directory.
/// initdb/pg_ctl refuse root, so as root they run as the <c>postgres</c> system user (runuser) and the data directory is
/// handed to that user; as any other user they run directly. Use as a class or collection fixture.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public const string SuperUser = "postgres";
    public const string Password = "fixture-secret";
    private const string RunAsUser = "postgres";

    private readonly TempDirectory _root = new("postgres");
    private string[] _asUser = [];

    public static string BinDirectory { get; } = FindBinDirectory();
    public int Port { get; private set; }
    public string Host => "127.0.0.1";
    private string DataDirectory => _root.Combine("data");

    /// <summary>The libpq environment a client needs (the password never goes on a command line).</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string> { ["PGPASSWORD"] = Password };

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        if (await IsRootAsync(cancellationToken))
        {
            _asUser = ["runuser", "-u", RunAsUser, "--"];
            await RunCheckedAsync(["chown", "-R", $"{RunAsUser}:", _root.Path], cancellationToken, asUser: false);
        }

        var passwordFile = _root.WriteFile("pwfile", Password + "\n");
        if (_asUser.Length > 0)
        {
            await RunCheckedAsync(["chown", $"{RunAsUser}:", passwordFile], cancellationToken, asUser: false);
        }

        await RunCheckedAsync(
            [Path.Combine(BinDirectory, "initdb"), "-D", DataDirectory, "-U", SuperUser, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"],
            cancellationToken);
        File.Delete(passwordFile);

        Port = FreePort.Next();
        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"""

            listen_addresses = '127.0.0.1'
            port = {Port.ToString(CultureInfo.InvariantCulture)}
            unix_socket_directories = ''
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            max_connections = 60
            """,
            cancellationToken);
        await RunCheckedAsync(
            [Path.Combine(BinDirectory, "pg_ctl"), "-D", DataDirectory, "-l", _root.Combine("data", "server.log"), "-w", "-t", "60", "start"],
            cancellationToken);
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>A libpq URI for <paramref name="database"/> as the superuser, without password.</summary>
    public string Uri(string database, string user = SuperUser) => $"postgresql://{user}@{Host}:{Port.ToString(CultureInfo.InvariantCulture)}/{database}";

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = SuperUser,
        Password = Password,
        Database = database,
        Pooling = false,
        CommandTimeout = 120,
    }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("postgres", $"CREATE DATABASE \"{database}\"", cancellationToken);

    public async Task DropDatabaseAsync(string database, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", cancellationToken);

    public async Task ExecuteAsync(string database, string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<T> ScalarAsync<T>(string database, string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync([Path.Combine(BinDirectory, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        }

        _root.Dispose();
    }

    private async Task RunCheckedAsync(string[] command, CancellationToken cancellationToken, bool asUser = true)
    {
        var result = await RunAsync(command, cancellationToken, asUser);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"'{string.Join(' ', command)}' failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput}");
        }
    }

    private Task<ProcessResult> RunAsync(string[] command, CancellationToken cancellationToken, bool asUser = true)
    {
        string[] full = asUser ? [.. _asUser, .. command] : command;
        return ProcessRunner.RunAsync(full[0], full.Skip(1), cancellationToken);
    }

    private static async Task<bool> IsRootAsync(CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("id", ["-u"], cancellationToken);
        return result.StandardOutput.Trim() == "0";
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Where(d => File.Exists(Path.Combine(d, "bin", "pg_ctl")) && int.TryParse(Path.GetFileName(d), out _))
                .OrderByDescending(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))
                .FirstOrDefault()
            : null;
        return newest is null
            ? throw new DirectoryNotFoundException($"no PostgreSQL server binaries under {root}/<major>/bin; install postgresql-15 (./test.sh does when run as root)")
            : Path.Combine(newest, "bin");
    }
}
