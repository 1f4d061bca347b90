using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using Npgsql;
using SparkK8s.Integration.Tests.Backup;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Chart;

/// <summary>
/// The chart's PostgreSQL roles Job, run for real: its rendered script (one block per row of the application-database
/// table, templates/postgresql/_databases.tpl) against a local PostgreSQL server gives each application a
/// non-superuser role that owns its database, and running it again changes nothing but the password.
/// </summary>
[Collection(BackupCollection.Name)]
public sealed class PostgresRolesJobTests(PostgresServerFixture postgres)
{
    private static readonly string Suffix = $"{Environment.ProcessId}";

    private static async Task<string> RenderedScriptAsync(params string[] sets)
    {
        var objects = await TestHelm.RenderAsync(null, sets, cancellationToken: TestContext.Current.CancellationToken);
        var job = objects.Single(o => o.Kind == "Job" && o.Name.Contains("postgresql-roles", StringComparison.Ordinal));
        var command = (JsonArray)job.Body["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!;
        command.Select(n => (string?)n).Take(2).Should().Equal("/bin/bash", "-ec");
        return (string)command[2]!;
    }

    private Task RunAsync(string script, string database, string user, string password) =>
        RunAsync(script, database, user, password, new Dictionary<string, string>());

    private async Task RunAsync(string script, string database, string user, string password, IReadOnlyDictionary<string, string> extra)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-ec");
        start.ArgumentList.Add(script);
        start.Environment["PATH"] = $"{PostgresServerFixture.BinDirectory}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["PGHOST"] = postgres.Host;
        start.Environment["PGPORT"] = postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = "postgres";
        start.Environment["PGUSER"] = PostgresServerFixture.SuperUser;
        start.Environment["PGPASSWORD"] = PostgresServerFixture.Password;
        start.Environment["DB_METASTORE_NAME"] = database;
        start.Environment["DB_METASTORE_OWNER"] = user;
        start.Environment["DB_METASTORE_PASSWORD"] = password;
        start.Environment["RESTORE_OWNER"] = user;
        foreach (var (key, value) in extra)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.ExitCode.Should().Be(0, await stdout + await stderr);
    }

    private async Task<NpgsqlConnection> OpenAsAsync(string database, string user, string password)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = postgres.Host, Port = postgres.Port, Username = user, Password = password, Database = database, Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    [Fact]
    public async Task Creates_a_least_privilege_owner_idempotently_and_follows_password_changes()
    {
        var script = await RenderedScriptAsync();
        var database = $"roles_{Suffix}";
        var user = $"hive-{Suffix}";
        await using (var admin = await postgres.OpenAsync("postgres", TestContext.Current.CancellationToken))
        {
            foreach (var sql in new[] { $"DROP DATABASE IF EXISTS \"{database}\"", $"DROP ROLE IF EXISTS \"{user}\"", $"CREATE DATABASE \"{database}\"" })
            {
                await using var command = new NpgsqlCommand(sql, admin);
                await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }
        }

        const string first = "it's \"quoted\"; DROP ROLE postgres; --";
        await RunAsync(script, database, user, first);
        await RunAsync(script, database, user, "rotated-password");

        await using (var admin = await postgres.OpenAsync(database, TestContext.Current.CancellationToken))
        {
            await using var query = new NpgsqlCommand(
                "SELECT r.rolsuper, r.rolcreaterole, r.rolreplication, r.rolbypassrls, r.rolcreatedb, r.rolcanlogin, pg_get_userbyid(d.datdba) "
                + "FROM pg_roles r, pg_database d WHERE r.rolname = @user AND d.datname = @db", admin);
            query.Parameters.AddWithValue("user", user);
            query.Parameters.AddWithValue("db", database);
            await using var reader = await query.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            (await reader.ReadAsync(TestContext.Current.CancellationToken)).Should().BeTrue("the role exists");
            new[] { reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3) }.Should().OnlyContain(b => !b, "no superuser, createrole, replication or bypassrls");
            reader.GetBoolean(4).Should().BeTrue("backup verify creates a scratch database");
            reader.GetBoolean(5).Should().BeTrue();
            reader.GetString(6).Should().Be(user, "the metastore owns its database");
        }

        await using (var app = await OpenAsAsync(database, user, "rotated-password"))
        {
            await using var create = new NpgsqlCommand("CREATE TABLE public.\"DBS\" (id int)", app);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var stale = async () => await OpenAsAsync(database, user, first);
        await stale.Should().ThrowAsync<PostgresException>("the second run set the new password");
    }

    [Fact]
    public async Task Backup_and_restore_roles_are_idempotent_and_can_do_only_their_job()
    {
        var script = await RenderedScriptAsync("backup.enabled=true", "restore.enabled=true", "restore.backupId=latest");
        var database = $"roles2_{Suffix}";
        var (user, backup, restore) = ($"hive2-{Suffix}", $"hive2_backup_{Suffix}", $"hive2_restore_{Suffix}");
        await using (var admin = await postgres.OpenAsync("postgres", TestContext.Current.CancellationToken))
        {
            foreach (var sql in new[]
            {
                $"DROP DATABASE IF EXISTS \"{database}\"", $"DROP ROLE IF EXISTS \"{restore}\"", $"DROP ROLE IF EXISTS \"{backup}\"",
                $"DROP ROLE IF EXISTS \"{user}\"", $"CREATE DATABASE \"{database}\"",
            })
            {
                await using var command = new NpgsqlCommand(sql, admin);
                await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }
        }

        var roles = new Dictionary<string, string>
        {
            ["BACKUP_USER"] = backup, ["BACKUP_PASSWORD"] = "backup-pw", ["RESTORE_USER"] = restore, ["RESTORE_PASSWORD"] = "restore-pw",
        };
        await RunAsync(script, database, user, "app-pw", roles);
        await RunAsync(script, database, user, "app-pw", roles);

        await using (var app = await OpenAsAsync(database, user, "app-pw"))
        {
            await using var create = new NpgsqlCommand("CREATE TABLE public.\"TBLS\" (id int); INSERT INTO public.\"TBLS\" VALUES (1), (2)", app);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using (var admin = await postgres.OpenAsync(database, TestContext.Current.CancellationToken))
        {
            await using var query = new NpgsqlCommand(
                "SELECT rolname, rolsuper, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname IN (@a, @b, @c)", admin);
            query.Parameters.AddWithValue("a", user);
            query.Parameters.AddWithValue("b", backup);
            query.Parameters.AddWithValue("c", restore);
            await using var reader = await query.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var seen = 0;
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                seen++;
                new[] { reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4) }.Should().OnlyContain(b => !b, reader.GetString(0));
            }

            seen.Should().Be(3, "the metastore, backup and restore roles exist, none a superuser");
        }

        // The backup role can pg_dump the metastore database...
        var dump = new ProcessStartInfo(Path.Combine(PostgresServerFixture.BinDirectory, "pg_dump")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-Fc", "--no-password", $"--dbname=postgresql://{backup}@{postgres.Host}:{postgres.Port}/{database}" })
        {
            dump.ArgumentList.Add(arg);
        }

        dump.Environment["PGPASSWORD"] = "backup-pw";
        using (var process = Process.Start(dump)!)
        {
            var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken);
            var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            await output;
            process.ExitCode.Should().Be(0, await errors);
        }

        // ...but not change it.
        await using (var reader = await OpenAsAsync(database, backup, "backup-pw"))
        {
            await using var write = new NpgsqlCommand("INSERT INTO public.\"TBLS\" VALUES (3)", reader);
            var denied = async () => await write.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            (await denied.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.InsufficientPrivilege);
        }

        // The restore role acts as the metastore role: what it creates belongs to the metastore.
        await using (var restorer = await OpenAsAsync(database, restore, "restore-pw"))
        {
            await using var create = new NpgsqlCommand("CREATE TABLE public.\"RESTORED\" (id int); SELECT tableowner FROM pg_tables WHERE tablename = 'RESTORED'", restorer);
            ((string?)await create.ExecuteScalarAsync(TestContext.Current.CancellationToken)).Should().Be(user);
        }
    }

    [Fact]
    public async Task Every_application_database_of_the_table_is_created_with_its_owner_and_the_script_runs_twice()
    {
        var script = await RenderedScriptAsync("airflow.enabled=true", "backup.enabled=true");
        script.Should().Contain("DB_AIRFLOW_NAME").And.Contain("DB_METASTORE_NAME");
        var (metastore, airflow) = ($"meta3_{Suffix}", $"airflow3_{Suffix}");
        var (hive, owner, backup) = ($"hive3_{Suffix}", $"airflow3_{Suffix}", $"backup3_{Suffix}");
        await using (var admin = await postgres.OpenAsync("postgres", TestContext.Current.CancellationToken))
        {
            foreach (var sql in new[]
            {
                $"DROP DATABASE IF EXISTS \"{metastore}\"", $"DROP DATABASE IF EXISTS \"{airflow}\"", $"DROP ROLE IF EXISTS \"{backup}\"",
                $"DROP ROLE IF EXISTS \"{hive}\"", $"DROP ROLE IF EXISTS \"{owner}\"",
            })
            {
                await using var command = new NpgsqlCommand(sql, admin);
                await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }
        }

        var rows = new Dictionary<string, string>
        {
            ["DB_AIRFLOW_NAME"] = airflow, ["DB_AIRFLOW_OWNER"] = owner, ["DB_AIRFLOW_PASSWORD"] = "airflow-pw",
            ["BACKUP_USER"] = backup, ["BACKUP_PASSWORD"] = "backup-pw",
        };

        // Neither database exists before the first run: the Job creates both; the second run finds them and succeeds.
        await RunAsync(script, metastore, hive, "hive-pw", rows);
        await RunAsync(script, metastore, hive, "hive-pw", rows);

        await using (var admin = await postgres.OpenAsync("postgres", TestContext.Current.CancellationToken))
        {
            await using var query = new NpgsqlCommand(
                "SELECT d.datname, pg_get_userbyid(d.datdba), r.rolsuper, r.rolcreaterole FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba "
                + "WHERE d.datname IN (@a, @b) ORDER BY d.datname", admin);
            query.Parameters.AddWithValue("a", airflow);
            query.Parameters.AddWithValue("b", metastore);
            await using var reader = await query.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var owners = new Dictionary<string, string>();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                owners[reader.GetString(0)] = reader.GetString(1);
                new[] { reader.GetBoolean(2), reader.GetBoolean(3) }.Should().OnlyContain(b => !b, "an application owner is no superuser and cannot create roles");
            }

            owners.Should().Equal(new Dictionary<string, string> { [airflow] = owner, [metastore] = hive });
        }

        await using (var app = await OpenAsAsync(airflow, owner, "airflow-pw"))
        {
            await using var create = new NpgsqlCommand("CREATE TABLE public.dag (dag_id text)", app);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        // The backup role may connect to the new database as well (GRANT CONNECT for every row).
        await using (var reader = await OpenAsAsync(airflow, backup, "backup-pw"))
        {
            await using var select = new NpgsqlCommand("SELECT count(*) FROM public.dag", reader);
            (await select.ExecuteScalarAsync(TestContext.Current.CancellationToken)).Should().Be(0L);
        }
    }

    [Fact]
    public async Task Mlflow_gets_its_tracking_and_auth_databases_under_one_owner_and_the_script_runs_twice()
    {
        var script = await RenderedScriptAsync("mlflow.enabled=true", "mlflow.auth.enabled=true", "backup.enabled=true");
        script.Should().Contain("DB_MLFLOW_NAME").And.Contain("DB_MLFLOW_AUTH_NAME");
        var (metastore, tracking, auth) = ($"meta4_{Suffix}", $"mlflow4_{Suffix}", $"mlflow4_auth_{Suffix}");
        var (hive, owner, backup) = ($"hive4_{Suffix}", $"mlflow4_{Suffix}", $"backup4_{Suffix}");
        await using (var admin = await postgres.OpenAsync("postgres", TestContext.Current.CancellationToken))
        {
            foreach (var sql in new[]
            {
                $"DROP DATABASE IF EXISTS \"{metastore}\"", $"DROP DATABASE IF EXISTS \"{tracking}\"", $"DROP DATABASE IF EXISTS \"{auth}\"",
                $"DROP ROLE IF EXISTS \"{backup}\"", $"DROP ROLE IF EXISTS \"{hive}\"", $"DROP ROLE IF EXISTS \"{owner}\"",
            })
            {
                await using var command = new NpgsqlCommand(sql, admin);
                await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }
        }

        // Both rows name the same owner and credential (templates/postgresql/_databases.tpl: mlflow, mlflow-auth).
        var rows = new Dictionary<string, string>
        {
            ["DB_MLFLOW_NAME"] = tracking, ["DB_MLFLOW_OWNER"] = owner, ["DB_MLFLOW_PASSWORD"] = "mlflow-pw",
            ["DB_MLFLOW_AUTH_NAME"] = auth, ["DB_MLFLOW_AUTH_OWNER"] = owner, ["DB_MLFLOW_AUTH_PASSWORD"] = "mlflow-pw",
            ["BACKUP_USER"] = backup, ["BACKUP_PASSWORD"] = "backup-pw",
        };
        await RunAsync(script, metastore, hive, "hive-pw", rows);
        await RunAsync(script, metastore, hive, "hive-pw", rows);

        await using (var admin = await postgres.OpenAsync("postgres", TestContext.Current.CancellationToken))
        {
            await using var query = new NpgsqlCommand(
                "SELECT d.datname, pg_get_userbyid(d.datdba), r.rolsuper, r.rolcreaterole, r.rolreplication, r.rolbypassrls FROM pg_database d "
                + "JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname IN (@a, @b)", admin);
            query.Parameters.AddWithValue("a", tracking);
            query.Parameters.AddWithValue("b", auth);
            await using var reader = await query.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var owners = new Dictionary<string, string>();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                owners[reader.GetString(0)] = reader.GetString(1);
                new[] { reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5) }.Should().OnlyContain(b => !b, "MLflow's role is no superuser");
            }

            owners.Should().Equal(new Dictionary<string, string> { [tracking] = owner, [auth] = owner });
        }

        // MLflow creates its tables itself (alembic migrations) in both databases; the backup role can read them.
        foreach (var database in new[] { tracking, auth })
        {
            await using (var app = await OpenAsAsync(database, owner, "mlflow-pw"))
            {
                await using var create = new NpgsqlCommand("CREATE TABLE public.alembic_version (version_num varchar(32))", app);
                await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            await using var reader = await OpenAsAsync(database, backup, "backup-pw");
            await using var select = new NpgsqlCommand("SELECT count(*) FROM public.alembic_version", reader);
            (await select.ExecuteScalarAsync(TestContext.Current.CancellationToken)).Should().Be(0L, database);
        }
    }
}
