using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// The two scripts that handle credentials, run for real: the MinIO setup Job's script (with a recording stand-in for
/// mc, since s3rver has no IAM to enforce) and the metastore's render-config script; both pass shellcheck.
/// Their absolute paths (/credentials, /policies, /db-password, ...) are moved into a temporary directory.
/// </summary>
public class CredentialScriptTests
{
    private static string Script(Rendered rendered, Func<KubeObject, bool> workload, string container)
    {
        var command = (JsonArray)rendered.PodWorkloads.First(workload).Container(container)["command"]!;
        return (string)command[^1]!;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string shell, string script, IReadOnlyDictionary<string, string> environment)
    {
        // stdin closed at once: a command that reads it (mc reading a key) must get it from the script, never block.
        var start = new ProcessStartInfo(shell) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-ec");
        start.ArgumentList.Add(script);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task ShellcheckAsync(string shell, string script)
    {
        using var temp = new TempDirectory("shellcheck");
        var file = temp.WriteFile("script.sh", script);
        var (exitCode, output) = await RunAsync("/bin/sh", "shellcheck -s \"$SHELL_KIND\" \"$SCRIPT\"", new Dictionary<string, string> { ["SHELL_KIND"] = shell, ["SCRIPT"] = file });
        exitCode.Should().Be(0, output);
    }

    [Fact]
    public async Task Minio_setup_creates_one_user_and_policy_per_purpose_idempotently_with_keys_never_as_arguments()
    {
        var rendered = await ChartRender.RenderAsync(CredentialBoundaryTests.Everything());
        var script = Script(rendered, w => w.Kind == "Job" && w.Name.Contains("minio-buckets", StringComparison.Ordinal), "create-buckets");
        await ShellcheckAsync("sh", script);

        using var temp = new TempDirectory("minio-setup");
        var secrets = new Dictionary<string, (string Access, string Secret)>
        {
            ["spark"] = ("spark-user", "spark-secret-0123456789"),
            ["history"] = ("history-user", "history-secret-0123456789"),
            ["backup"] = ("backup-user", "backup-secret-0123456789"),
            ["mlflow"] = ("mlflow-user", "mlflow-secret-0123456789"),
        };
        foreach (var (purpose, (access, secret)) in secrets)
        {
            temp.WriteFile(Path.Combine("credentials", purpose, "access-key"), access);
            temp.WriteFile(Path.Combine("credentials", purpose, "secret-key"), secret);
            temp.WriteFile(Path.Combine("policies", $"{purpose}.json"), "{}");
        }

        // A stand-in mc: logs its arguments and stdin; "policy attach" says the policy is attached when ATTACHED exists.
        var log = temp.Combine("mc.log");
        temp.WriteFile(Path.Combine("bin", "mc"), """
            #!/bin/sh
            printf 'ARGS %s\n' "$*" >>"$MC_LOG"
            case "$*" in
              "alias set"*|"admin user add"*) printf 'STDIN %s\n' "$(cat)" >>"$MC_LOG" ;;
              "admin policy attach"*) if [ -e "$ATTACHED" ]; then echo "mc: <ERROR> The specified policy change is already in effect." >&2; exit 1; fi ;;
              "pipe"*) cat >/dev/null ;;
            esac
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp.Combine("bin", "mc"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var local = script.Replace("/credentials/", temp.Combine("credentials") + "/", StringComparison.Ordinal)
            .Replace("/policies/", temp.Combine("policies") + "/", StringComparison.Ordinal);
        var job = rendered.PodWorkloads.First(w => w.Kind == "Job" && w.Name.Contains("minio-buckets", StringComparison.Ordinal)).Container("create-buckets");
        var environment = job.Env().Where(e => e["value"] is not null).ToDictionary(e => (string)e["name"]!, e => (string)e["value"]!);
        environment["PATH"] = $"{temp.Combine("bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        environment["MINIO_ROOT_USER"] = "root-user";
        environment["MINIO_ROOT_PASSWORD"] = "root-password-0123456789";
        environment["MC_LOG"] = log;
        environment["ATTACHED"] = temp.Combine("attached");

        var first = await RunAsync("/bin/sh", local, environment);
        first.ExitCode.Should().Be(0, first.Output);
        File.WriteAllText(temp.Combine("attached"), string.Empty);
        var second = await RunAsync("/bin/sh", local, environment);
        second.ExitCode.Should().Be(0, "a second run finds the policies attached: " + second.Output);

        var lines = File.ReadAllLines(log);
        var args = lines.Where(l => l.StartsWith("ARGS ", StringComparison.Ordinal)).ToList();
        string[] allSecrets = ["root-password-0123456789", .. secrets.Values.Select(s => s.Secret)];
        args.Should().NotContain(a => allSecrets.Any(s => a.Contains(s, StringComparison.Ordinal)), "secret keys reach mc on stdin only");
        lines.Should().Contain("STDIN root-user", "the root user's keys go to mc alias set on stdin");
        foreach (var (purpose, (access, secret)) in secrets)
        {
            args.Should().Contain($"ARGS admin user add s3 {access}");
            lines.Should().Contain($"STDIN {secret}");
            args.Should().Contain($"ARGS admin policy create s3 spark-spark-k8s-{purpose} {temp.Combine("policies", $"{purpose}.json")}");
            args.Should().Contain($"ARGS admin policy attach s3 spark-spark-k8s-{purpose} --user {access}");
        }

        args.Should().Contain("ARGS mb --ignore-existing s3/spark-backups");
        args.Should().Contain("ARGS mb --ignore-existing s3/mlflow", "MLflow's artifact bucket");
        (first.Output + second.Output).Should().NotContain(allSecrets[0]).And.NotContain(secrets["backup"].Secret);

        // Any other attach failure fails the Job.
        File.Delete(temp.Combine("attached"));
        environment["ATTACHED"] = "/nonexistent";
        temp.WriteFile(Path.Combine("bin", "mc"), "#!/bin/sh\ncase \"$*\" in \"admin policy attach\"*) echo 'mc: <ERROR> access denied' >&2; exit 1 ;; \"alias set\"*|\"admin user add\"*|pipe*) cat >/dev/null ;; esac\n");
        var denied = await RunAsync("/bin/sh", local, environment);
        denied.ExitCode.Should().NotBe(0);
        denied.Output.Should().Contain("access denied");
    }

    [Theory]
    [InlineData("plain0123456789")]
    [InlineData("it's <\"quoted\"> & $HOME `id` \\n %s -- &amp;")]
    public async Task The_metastore_config_gets_the_password_from_the_secret_file_escaped_and_nowhere_else(string password)
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var deployment = rendered.Single("Deployment", "metastore");
        var script = Script(rendered, w => w == deployment, "render-config");
        await ShellcheckAsync("bash", script);
        script.Should().NotContain("set -x");

        using var temp = new TempDirectory("render-config");
        temp.WriteFile(Path.Combine("db-password", "password"), password);
        temp.WriteFile(Path.Combine("config-template", "hive-site.xml"), rendered.ConfigData("metastore", "hive-site.xml"));
        Directory.CreateDirectory(temp.Combine("config"));
        var local = script.Replace("/db-password/", temp.Combine("db-password") + "/", StringComparison.Ordinal)
            .Replace("/config-template/", temp.Combine("config-template") + "/", StringComparison.Ordinal)
            .Replace("/config/", temp.Combine("config") + "/", StringComparison.Ordinal);

        var (exitCode, output) = await RunAsync("/bin/bash", local, new Dictionary<string, string>());

        exitCode.Should().Be(0, output);
        output.Should().NotContain(password);
        var xml = XDocument.Parse(File.ReadAllText(temp.Combine("config", "hive-site.xml")));
        var properties = xml.Root!.Elements("property").ToDictionary(p => (string)p.Element("name")!, p => (string)p.Element("value")!);
        properties["javax.jdo.option.ConnectionPassword"].Should().Be(password);
        var template = XDocument.Parse(rendered.ConfigData("metastore", "hive-site.xml")).Root!.Elements("property")
            .ToDictionary(p => (string)p.Element("name")!, p => (string)p.Element("value")!);
        properties.Where(p => p.Key != "javax.jdo.option.ConnectionPassword").Should().BeEquivalentTo(template);

        // Only the init container mounts the password; the config it writes is in memory, read-only in the metastore.
        var volumes = deployment.PodSpec!["volumes"]!.AsArray().OfType<JsonObject>().ToDictionary(v => (string)v["name"]!);
        ((string?)volumes["config"]["emptyDir"]!["medium"]).Should().Be("Memory");
        deployment.AllContainers().Where(c => PodSpecs.Items(c, "volumeMounts").Any(m => (string?)m["name"] == "db-password"))
            .Select(c => (string?)c["name"]).Should().Equal("render-config");
    }
}
