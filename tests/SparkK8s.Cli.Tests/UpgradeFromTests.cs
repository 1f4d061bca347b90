using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>validate --upgrade-from: release N rendered with dev values, N+1 with prod values.</summary>
public class UpgradeFromTests
{
    [Fact]
    public async Task Every_immutable_field_change_from_dev_to_prod_is_named()
    {
        using var temp = new TempDirectory();
        var previous = temp.Combine("previous.yaml");
        var render = await CliRunner.RunAsync("render", "jupyter-connect-k8s", "--env", "dev");
        render.ExitCode.Should().Be(0, render.Stderr);
        await File.WriteAllTextAsync(previous, render.Stdout, TestContext.Current.CancellationToken);

        // prod uses external S3; MinIO is switched back on to upgrade the dev release with its volume.
        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--env", "prod",
            "--set", "minio.enabled=true", "--set", "minio.persistence.storageClass=fast", "--upgrade-from", previous, "--output", "json");

        result.ExitCode.Should().Be(1, result.Stderr);
        using var json = result.Json();
        var findings = json.RootElement.GetProperty("runs")[0].GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("stage").GetString() == "upgrade")
            .Select(f => $"{f.GetProperty("id").GetString()} {f.GetProperty("object").GetString()} {f.GetProperty("field").GetString()}")
            .ToList();
        findings.Should().BeEquivalentTo(
            "SPK031 StatefulSet/spark-spark-k8s-minio spec.volumeClaimTemplates[data].spec.resources.requests.storage",
            "SPK031 StatefulSet/spark-spark-k8s-minio spec.volumeClaimTemplates[data].spec.storageClassName",
            "SPK031 StatefulSet/spark-spark-k8s-postgresql spec.volumeClaimTemplates[data].spec.resources.requests.storage",
            "SPK033 PersistentVolumeClaim/spark-spark-k8s-jupyter spec.resources.requests.storage");
    }

    [Fact]
    public async Task The_same_values_upgrade_cleanly()
    {
        using var temp = new TempDirectory();
        var render = await CliRunner.RunAsync("render", "connect-k8s-minimal", "--env", "prod");
        var previous = temp.WriteFile("previous.yaml", render.Stdout);

        var result = await CliRunner.RunAsync("validate", "connect-k8s-minimal", "--env", "prod", "--upgrade-from", previous, "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout);
        result.Stdout.Should().NotContain("SPK031").And.NotContain("SPK032").And.NotContain("SPK033");
    }

    [Fact]
    public async Task Bad_upgrade_from_input_is_a_usage_error_naming_the_flag()
    {
        using var temp = new TempDirectory();
        var empty = temp.WriteFile("empty.yaml", "# nothing\n");
        var broken = temp.WriteFile("broken.yaml", "kind: [unclosed\n");

        (await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--upgrade-from", temp.Combine("missing.yaml"))).ShouldBeUsageError("--upgrade-from", "helm get manifest");
        (await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--upgrade-from", empty)).ShouldBeUsageError("--upgrade-from", "no Kubernetes objects");
        (await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--upgrade-from", broken)).ShouldBeUsageError("--upgrade-from", "invalid YAML");
        (await CliRunner.RunAsync("validate", "--all", "--upgrade-from", empty)).ShouldBeUsageError("--upgrade-from", "--all");
    }
}
