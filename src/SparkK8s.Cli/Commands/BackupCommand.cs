using System.CommandLine;
using System.Globalization;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Backup;
using SparkK8s.Core.Errors;
using Spectre.Console;

namespace SparkK8s.Cli.Commands;

/// <summary><c>spark-k8s backup run|list|verify|restore</c>: PostgreSQL backups to S3, verified restores.</summary>
public static class BackupCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Back up PostgreSQL databases (Hive Metastore, Airflow, MLflow) to S3, list, verify and restore them.";

    public static Command Create()
    {
        var command = new Command("backup", Description);
        command.Subcommands.Add(CreateRun());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateRestore());
        return command;
    }

    private static Command CreateRun()
    {
        var shared = new SharedOptions();
        var database = DatabaseOption("--database", "Database to back up, as a libpq URI: postgresql://user@host:5432/metastore. The password comes from PGPASSWORD or PGPASSFILE.");
        var name = new Option<string?>("--name") { Description = "Backup name (a folder under the target); defaults to the database name." };
        var retentionDays = new Option<int>("--retention-days") { Description = "Delete complete backups older than this many days.", DefaultValueFactory = _ => 30 };
        var keepLast = new Option<int>("--keep-last") { Description = "Always keep this many newest complete backups, whatever their age (at least 1).", DefaultValueFactory = _ => 1 };
        var tables = new Option<string[]>("--tables")
        {
            Description = "Tables (schema.table) whose row counts go into the manifest; default: all user tables.",
            AllowMultipleArgumentsPerToken = true,
        };
        var partSize = new Option<int>("--part-size-mib")
        {
            Description = "Size of each S3 upload part in MiB (5-512). S3 allows 10,000 parts, so the largest backup is this x 10,000 (default 16 MiB: 156.25 GiB).",
            DefaultValueFactory = _ => MultipartUploader.DefaultPartSize / (1024 * 1024),
        };
        var command = new Command("run", "Dump a database with pg_dump -Fc, stream it to S3 with a SHA-256 and a manifest, then apply retention.");
        AddOptions(command, database, name, retentionDays, keepLast, tables, partSize);
        shared.AddTo(command);
        command.SetAction(Interruptible(async (parseResult, cancellationToken) =>
        {
            var (terminal, format, context) = shared.Resolve(parseResult);
            var options = new BackupRunOptions(
                PostgresUri.Parse(parseResult.GetValue(database), "--database", context.Environment),
                parseResult.GetValue(name),
                new RetentionPolicy(parseResult.GetValue(retentionDays), parseResult.GetValue(keepLast)))
            {
                Tables = SplitList(parseResult.GetValue(tables)),
                PartSizeBytes = PartSizeBytes(parseResult.GetValue(partSize)),
            };
            var result = await terminal.WithProgressAsync("Backing up", format, status =>
                BackupRunner.RunAsync(context, options, Report(status), cancellationToken)).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, result);
                return CliApplication.ExitOk;
            }

            var manifest = result.Manifest;
            terminal.Ansi.WriteLine($"Backup {manifest.Id} complete: {FormatSize(manifest.SizeBytes)}, sha256 {manifest.Sha256}");
            terminal.Ansi.WriteLine($"Stored at s3://{context.Target.Bucket}/{manifest.ObjectKey} (pg_dump {manifest.PgDumpVersion}, server {manifest.ServerVersion}, {(manifest.FinishedAt - manifest.StartedAt).TotalSeconds:0.0} s)");
            var table = new Table().AddColumns("TABLE", "ROWS");
            foreach (var row in manifest.Tables)
            {
                table.AddRow(Markup.Escape(row.QualifiedName), row.Rows.ToString(CultureInfo.InvariantCulture));
            }

            terminal.Ansi.Write(table);
            terminal.Ansi.WriteLine(result.Deleted.Count == 0
                ? "Retention: nothing to delete."
                : $"Retention deleted: {string.Join(", ", result.Deleted.Select(d => $"{d.Id} ({d.Status.ToString().ToLowerInvariant()})"))}");
            return CliApplication.ExitOk;
        }));
        return command;
    }

    private static Command CreateList()
    {
        var shared = new SharedOptions();
        var name = new Option<string?>("--name") { Description = "Only backups with this name." };
        var command = new Command("list", "List the backups under --target with status, age, size and checksum.");
        command.Options.Add(name);
        shared.AddTo(command);
        command.SetAction(Interruptible(async (parseResult, cancellationToken) =>
        {
            var (terminal, format, context) = shared.Resolve(parseResult);
            var entries = await BackupLister.ListAsync(context, parseResult.GetValue(name), cancellationToken).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, entries);
                return CliApplication.ExitOk;
            }

            if (entries.Count == 0)
            {
                terminal.Ansi.WriteLine($"No backups under {context.Target}.");
                return CliApplication.ExitOk;
            }

            var now = context.Time.GetUtcNow();
            var table = new Table().AddColumns("ID", "NAME", "STATUS", "CREATED (UTC)", "STORED BY S3 (UTC)", "AGE", "SIZE", "SHA-256", "NOTE");
            foreach (var entry in entries)
            {
                table.AddRow(
                    Markup.Escape(entry.Id),
                    Markup.Escape(entry.Name),
                    entry.Status switch
                    {
                        BackupStatus.Complete => "complete",
                        BackupStatus.Unreadable => "[red]unreadable[/]",
                        _ => "[yellow]incomplete[/]",
                    },
                    entry.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    entry.StoredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    FormatAge(now - entry.StoredAt),
                    FormatSize(entry.SizeBytes),
                    entry.Sha256 ?? "-",
                    Markup.Escape(Note(entry)));
            }

            terminal.Ansi.Write(table);
            if (entries.Any(e => e.FutureDated))
            {
                await terminal.Error.WriteLineAsync("warning: some backups are dated in the future: the clock of the node that wrote them was ahead of the S3 server. They are ordered and aged by the S3 server's time.").ConfigureAwait(false);
            }

            return CliApplication.ExitOk;
        }));
        return command;
    }

    private static string Note(BackupEntry entry) => entry switch
    {
        { Status: BackupStatus.Unreadable } => entry.Problem ?? "the manifest cannot be read",
        { FutureDated: true } => "dated in the future (the writer's clock was ahead)",
        _ => string.Empty,
    };

    private static Command CreateVerify()
    {
        var shared = new SharedOptions();
        var backup = new Option<string>("--backup") { Description = "Backup id, or 'latest'.", DefaultValueFactory = _ => BackupStore.Latest };
        var name = new Option<string?>("--name") { Description = "With --backup latest: the newest backup with this name." };
        var scratch = DatabaseOption("--scratch", "Scratch database to restore into, as a libpq URI; it is dropped and re-created. Must not be a real database.");
        var keepScratch = new Option<bool>("--keep-scratch") { Description = "Keep the scratch database afterwards for inspection." };
        var command = new Command("verify", "Download a backup, check its SHA-256, restore it into a scratch database and compare row counts. Exit 1 on any mismatch.");
        AddOptions(command, backup, name, scratch, keepScratch);
        shared.AddTo(command);
        command.SetAction(Interruptible(async (parseResult, cancellationToken) =>
        {
            var (terminal, format, context) = shared.Resolve(parseResult);
            var options = new BackupVerifyOptions(
                parseResult.GetValue(backup),
                parseResult.GetValue(name),
                PostgresUri.Parse(parseResult.GetValue(scratch), "--scratch", context.Environment))
            {
                KeepScratch = parseResult.GetValue(keepScratch),
            };
            var result = await terminal.WithProgressAsync("Verifying", format, status =>
                BackupVerifier.VerifyAsync(context, options, Report(status), cancellationToken)).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, result);
            }
            else
            {
                WriteChecks(terminal, $"Verify of {result.BackupId} in scratch database {result.ScratchDatabase}", result.Checksum, result.Tables, result.Status);
            }

            if (result.Error is not null)
            {
                await terminal.Error.WriteLineAsync($"error: {result.Error}").ConfigureAwait(false);
            }

            return result.Status == CheckStatus.Pass ? CliApplication.ExitOk : CliApplication.ExitFindings;
        }));
        return command;
    }

    private static Command CreateRestore()
    {
        var shared = new SharedOptions();
        var backup = new Option<string>("--backup") { Description = "Backup id, or 'latest'.", Required = true };
        var name = new Option<string?>("--name") { Description = "With --backup latest: the newest backup with this name." };
        var database = DatabaseOption("--database", "Database to restore into, as a libpq URI. The password comes from PGPASSWORD or PGPASSFILE.");
        var clean = new Option<bool>("--clean") { Description = "Allow a non-empty target: drop and re-create the objects the backup contains (asks for confirmation)." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Confirm --clean without a prompt (needed when there is no terminal)." };
        var create = new Option<bool>("--create") { Description = "Create the target database if it does not exist." };
        var command = new Command("restore", "Restore a backup into a database: checksum first, one transaction, row counts checked against the manifest.");
        AddOptions(command, backup, name, database, clean, yes, create);
        shared.AddTo(command);
        command.SetAction(Interruptible(async (parseResult, cancellationToken) =>
        {
            var (terminal, format, context) = shared.Resolve(parseResult);
            var options = new BackupRestoreOptions(
                parseResult.GetValue(backup)!,
                parseResult.GetValue(name),
                PostgresUri.Parse(parseResult.GetValue(database), "--database", context.Environment))
            {
                Clean = parseResult.GetValue(clean),
                Create = parseResult.GetValue(create),
            };
            var assumeYes = parseResult.GetValue(yes);
            var mayPrompt = options.Clean && !assumeYes;
            BackupRestorer.Confirm confirm = (question, _) => Task.FromResult(Confirm(terminal, question, assumeYes));

            // A prompt cannot run under the progress spinner, so restores that may ask run without it.
            var result = mayPrompt
                ? await BackupRestorer.RestoreAsync(context, options, confirm, null, cancellationToken).ConfigureAwait(false)
                : await terminal.WithProgressAsync("Restoring", format, status =>
                    BackupRestorer.RestoreAsync(context, options, confirm, Report(status), cancellationToken)).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, result);
            }
            else
            {
                WriteChecks(terminal, $"Restore of {result.BackupId} into database {result.Database}", result.Checksum, result.Tables, result.Status);
            }

            return result.Status == CheckStatus.Pass ? CliApplication.ExitOk : CliApplication.ExitFindings;
        }));
        return command;
    }

    private static bool Confirm(Terminal terminal, string question, bool assumeYes)
    {
        if (assumeYes)
        {
            return true;
        }

        if (!terminal.Interactive || Console.IsInputRedirected)
        {
            throw new UserInputException($"--clean needs confirmation: {question} There is no terminal to ask on; pass --yes to confirm.");
        }

        return terminal.Ansi.Prompt(new ConfirmationPrompt(Markup.Escape(question)) { DefaultValue = false });
    }

    private static void WriteChecks(Terminal terminal, string title, ChecksumCheck checksum, IReadOnlyList<TableCheck> tables, CheckStatus status)
    {
        terminal.Ansi.WriteLine(title);
        terminal.Ansi.WriteLine($"Checksum: {Verdict(checksum.Status)} (sha256 {checksum.Actual ?? "-"})");
        if (tables.Count > 0)
        {
            var table = new Table().AddColumns("TABLE", "EXPECTED ROWS", "ACTUAL ROWS", "RESULT");
            foreach (var check in tables)
            {
                table.AddRow(
                    Markup.Escape($"{check.Schema}.{check.Table}"),
                    check.ExpectedRows.ToString(CultureInfo.InvariantCulture),
                    check.ActualRows?.ToString(CultureInfo.InvariantCulture) ?? "missing",
                    check.Status == CheckStatus.Pass ? "PASS" : "[red]FAIL[/]");
            }

            terminal.Ansi.Write(table);
        }

        terminal.Ansi.WriteLine($"Result: {Verdict(status)}");
    }

    private static string Verdict(CheckStatus status) => status == CheckStatus.Pass ? "PASS" : "FAIL";

    private static void AddOptions(Command command, params Option[] options)
    {
        foreach (var option in options)
        {
            command.Options.Add(option);
        }
    }

    private static int PartSizeBytes(int mebibytes) =>
        mebibytes is >= MultipartUploader.MinimumPartSize / (1024 * 1024) and <= MultipartUploader.MaximumPartSize / (1024 * 1024)
            ? mebibytes * 1024 * 1024
            : throw new UserInputException(
                $"--part-size-mib: {mebibytes} is outside {MultipartUploader.MinimumPartSize / (1024 * 1024)}-{MultipartUploader.MaximumPartSize / (1024 * 1024)}; S3 parts must be at least 5 MiB, and two parts are held in memory.");

    /// <summary>Runs a subcommand's action; when Ctrl-C or SIGTERM stops it, says what was interrupted before exiting.</summary>
    private static Func<ParseResult, CancellationToken, Task<int>> Interruptible(Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (parseResult, cancellationToken) =>
        {
            try
            {
                return await action(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (BackupInterruptedException ex)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                throw;
            }
        };

    private static Option<string> DatabaseOption(string flag, string description) => new(flag) { Description = description, Required = true };

    private static Action<BackupProgress> Report(Action<string> status) =>
        progress => status(progress.Bytes > 0 ? $"{progress.Stage} ({FormatSize(progress.Bytes)})" : progress.Stage);

    private static string[] SplitList(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    internal static string FormatSize(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} B",
    };

    private static string FormatAge(TimeSpan age) => age.TotalDays >= 1
        ? $"{(int)age.TotalDays}d {age.Hours}h"
        : age.TotalHours >= 1 ? $"{(int)age.TotalHours}h {age.Minutes}m" : $"{Math.Max(0, (int)age.TotalMinutes)}m";

    /// <summary>The options every backup subcommand takes: where the backups are, how to reach S3, tools, output.</summary>
    private sealed class SharedOptions
    {
        private readonly Option<string> _target = new("--target") { Description = "Backup location: s3://bucket/prefix.", Required = true };
        private readonly Option<string?> _endpoint = new("--s3-endpoint") { Description = "S3-compatible endpoint URL (MinIO...); path-style addressing is used. Default: AWS S3." };
        private readonly Option<string?> _region = new("--s3-region") { Description = "S3 region (default: AWS_REGION or us-east-1). Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY." };
        private readonly Option<string?> _pgBin = new("--pg-bin") { Description = "Directory holding pg_dump/pg_restore (default: newest suitable on PATH or /usr/lib/postgresql/<major>/bin)." };
        private readonly Option<string?> _tempDir = new("--temp-dir")
        {
            Description = "Deprecated and ignored: verify and restore now stream the archive into pg_restore and stage nothing on disk.",
            Hidden = true,
        };
        private readonly Option<OutputFormat> _output = OutputOptions.Create();

        public void AddTo(Command command) => AddOptions(command, _target, _endpoint, _region, _pgBin, _tempDir, _output);

        public (Terminal Terminal, OutputFormat Format, BackupContext Context) Resolve(ParseResult parseResult)
        {
            var context = new BackupContext(
                S3Target.Parse(parseResult.GetValue(_target)),
                new S3Settings(parseResult.GetValue(_endpoint), parseResult.GetValue(_region)),
                BackupEnvironment.Process,
                TimeProvider.System,
                parseResult.GetValue(_pgBin));
            context.S3.Validate();
            return (Terminal.For(parseResult), parseResult.GetValue(_output), context);
        }
    }
}
