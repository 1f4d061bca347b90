using FluentAssertions;
using SparkK8s.Cli.Live;
using SparkK8s.Testing;
using SparkK8s.Testing.Kube;
using Xunit;

namespace SparkK8s.Cli.Tests.Operations;

/// <summary>upgrade-test against the fake API server with a recording helm; previous charts from git and from helm package.</summary>
public class UpgradeTestCommandTests
{
    /// <summary>MinIO's volume size in values.yaml (the only "size: 10Gi" there).</summary>
    private const string MinioSize = "    # -- Volume size.\n    size: 10Gi\n";

    private static Task<CliResult> RunAsync(KubeTestBed bed, FakeHelm helm, params string[] args) =>
        bed.RunAsync(["upgrade-test", .. args, "--helm", helm.Path]);

    [Fact]
    public async Task From_a_git_ref_it_installs_the_previous_chart_smokes_upgrades_and_checks_secrets()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "not-installed");
        var helm = FakeHelm.Create(bed.Temp);
        var smoke = new SmokeDouble(true);
        LiveServices.Use(smoke: smoke);

        var result = await RunAsync(bed, helm, "--from", "HEAD", "jupyter-connect-k8s", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("id").GetString()} {s.GetProperty("outcome").GetString()}")
            .Should().Equal("UPG001 passed", "UPG002 passed", "UPG003 passed", "UPG004 passed", "UPG005 passed", "UPG006 passed");
        helm.Installs.Should().HaveCount(2);
        helm.Installs[0][3].Should().EndWith(Path.Combine("previous", "charts", "spark-k8s")).And.NotBe(RepoPaths.Chart);
        var previousPreset = Path.Combine("previous", "charts", "spark-k8s", "presets", "jupyter-connect-k8s.yaml");
        helm.Installs[0].Should().Contain(a => a.EndsWith(previousPreset, StringComparison.Ordinal), "the previous chart's own preset");
        helm.Installs[1][3].Should().Be(RepoPaths.Chart);
        smoke.Runs.Should().Be(2);
        json.RootElement.GetProperty("steps")[4].GetProperty("detail").GetString().Should().Be("2 Secret(s) hold the same data");
    }

    [Fact]
    public async Task From_a_packaged_chart()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "not-installed");
        var package = await Core.Processes.ProcessRunner.RunAsync(TestHelm.Client.ExecutablePath, ["package", RepoPaths.Chart, "-d", bed.Temp.Path], TestContext.Current.CancellationToken);
        package.Succeeded.Should().BeTrue(package.StandardError);
        var tgz = Directory.GetFiles(bed.Temp.Path, "spark-k8s-*.tgz").Single();
        var helm = FakeHelm.Create(bed.Temp);
        LiveServices.Use(smoke: new SmokeDouble(true));

        var result = await RunAsync(bed, helm, "--from", tgz, "connect-k8s-minimal");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        result.Stdout.Should().Contain("UPG006").And.Contain("upgrade-test: passed.");
        helm.Installs[0][3].Should().EndWith(Path.Combine("previous", "spark-k8s"));
    }

    [Fact]
    public async Task An_immutable_field_change_is_found_offline_before_the_cluster_is_touched()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "not-installed");
        var old = CopyChart(bed.Temp, MinioSize, MinioSize.Replace("10Gi", "20Gi", StringComparison.Ordinal));
        var package = await Core.Processes.ProcessRunner.RunAsync(TestHelm.Client.ExecutablePath, ["package", old, "-d", bed.Temp.Combine("pkg")], TestContext.Current.CancellationToken);
        package.Succeeded.Should().BeTrue(package.StandardError);
        var helm = FakeHelm.Create(bed.Temp);
        var smoke = new SmokeDouble(true);
        LiveServices.Use(smoke: smoke);

        var result = await RunAsync(bed, helm, "--from", Directory.GetFiles(bed.Temp.Combine("pkg"), "*.tgz").Single(), "jupyter-connect-k8s", "--output", "json");

        result.ExitCode.Should().Be(1);
        using var json = result.Json();
        var step = json.RootElement.GetProperty("steps").EnumerateArray().Single();
        step.GetProperty("id").GetString().Should().Be("UPG001");
        step.GetProperty("detail").GetString().Should().Contain("SPK031 StatefulSet/spark-spark-k8s-minio");
        helm.Installs.Should().BeEmpty();
        smoke.Runs.Should().Be(0);
    }

    [Fact]
    public async Task An_immutable_field_refusal_from_the_cluster_fails_the_upgrade_step()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "not-installed");
        var helm = FakeHelm.Create(bed.Temp, (0, string.Empty),
            (1, "Error: UPGRADE FAILED: cannot patch \"spark-spark-k8s-minio\" with kind StatefulSet: StatefulSet.apps \"spark-spark-k8s-minio\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        var smoke = new SmokeDouble(true);
        LiveServices.Use(smoke: smoke);

        var result = await RunAsync(bed, helm, "--from", "HEAD", "jupyter-connect-k8s", "--output", "json");

        result.ExitCode.Should().Be(1);
        using var json = result.Json();
        var last = json.RootElement.GetProperty("steps").EnumerateArray().Last();
        last.GetProperty("id").GetString().Should().Be("UPG004");
        last.GetProperty("detail").GetString().Should().StartWith("Kubernetes refused an immutable field").And.Contain("immutable-fields.md");
        smoke.Runs.Should().Be(1);
    }

    [Fact]
    public async Task A_secret_whose_data_changed_fails_without_printing_the_values()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "not-installed");
        var lists = 0;
        bed.Server.OnRequest = request =>
        {
            if (request.Path == "/api/v1/namespaces/spark/secrets" && request.Query.Contains("app.kubernetes.io%2Finstance", StringComparison.Ordinal) && Interlocked.Increment(ref lists) == 2)
            {
                var secret = bed.Server.List("/api/v1/namespaces/spark/secrets").Single(s => (string?)s["metadata"]!["name"] == "spark-spark-k8s-postgresql");
                secret["data"]!["password"] = "cmVnZW5lcmF0ZWQ=";
                bed.Server.Upsert("/api/v1/namespaces/spark/secrets", secret);
            }
        };
        var helm = FakeHelm.Create(bed.Temp);
        LiveServices.Use(smoke: new SmokeDouble(true));

        var result = await RunAsync(bed, helm, "--from", "HEAD", "jupyter-connect-k8s", "--output", "json");

        result.ExitCode.Should().Be(1, result.Stdout + result.Stderr);
        using var json = result.Json();
        var last = json.RootElement.GetProperty("steps").EnumerateArray().Last();
        last.GetProperty("id").GetString().Should().Be("UPG005");
        last.GetProperty("detail").GetString().Should().Contain("data changed: spark-spark-k8s-postgresql");
        result.Stdout.Should().NotContain("cmVnZW5lcmF0ZWQ=").And.NotContain("regenerated").And.NotContain("cGFzc3dvcmQtMQ==");
    }

    [Fact]
    public async Task An_existing_release_and_bad_refs_are_usage_errors_that_change_nothing()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        var helm = FakeHelm.Create(bed.Temp);
        LiveServices.Use(smoke: new SmokeDouble(true));

        (await RunAsync(bed, helm, "--from", "HEAD", "jupyter-connect-k8s")).ShouldBeUsageError("--release", "already exists", "Nothing was changed");
        (await RunAsync(bed, helm, "--from", "no-such-ref-anywhere", "jupyter-connect-k8s")).ShouldBeUsageError("--from", "'no-such-ref-anywhere'");
        (await RunAsync(bed, helm, "--from", "--upload-pack=touch", "jupyter-connect-k8s")).ExitCode.Should().Be(2);
        (await RunAsync(bed, helm, "--from", bed.Temp.Combine("missing.tgz"), "jupyter-connect-k8s")).ShouldBeUsageError("--from", "does not exist");
        (await RunAsync(bed, helm, "jupyter-connect-k8s")).ShouldBeUsageError("--from");
        helm.Installs.Should().BeEmpty();
        bed.Server.Mutations.Should().BeEmpty();
    }

    /// <summary>A copy of the chart with one line of values.yaml changed, to stand for an older release of it.</summary>
    private static string CopyChart(TempDirectory temp, string line, string replacement)
    {
        var target = temp.Combine("old", "spark-k8s");
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Chart, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Chart, file);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        var values = Path.Combine(target, "values.yaml");
        var text = File.ReadAllText(values);
        text.Should().Contain(line);
        File.WriteAllText(values, text.Replace(line, replacement, StringComparison.Ordinal));
        return target;
    }
}
