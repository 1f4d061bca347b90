using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>Every preset x environment x Spark version renders, as the documented install command does.</summary>
public class PresetMatrixTests
{
    /// <summary>The Airflow components (issue 11): "airflow" labels its ConfigMaps and Secrets.</summary>
    private static readonly string[] Airflow =
        ["airflow", "airflow-api-server", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "airflow-statsd", "airflow-migrate", "airflow-db"];

    private static readonly Dictionary<string, string[]> PresetComponents = new()
    {
        // The Jobs' components (metastore-schema, minio-buckets, postgresql-roles) label their ServiceAccounts and NetworkPolicies.
        ["jupyter-connect-k8s"] = ["connect", "history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles", "jupyter"],
        ["connect-k8s-minimal"] = ["connect"],
        ["jupyter-connect-standalone"] = ["connect", "standalone-master", "standalone-worker", "history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles", "jupyter"],
        ["cost-optimized"] = ["connect", "history-server", "minio", "minio-buckets"],
        ["jupyter-mlflow-connect-k8s"] = ["connect", "history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles", "jupyter", "mlflow"],
        ["batch-submit"] = ["history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles", "job-submitter", "job-driver", "job-executor"],
        ["batch-operator"] = ["history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles", "job-application", "job-driver", "job-executor"],
        ["airflow-connect-k8s"] = [.. Airflow, "connect", "history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles"],
        ["airflow-connect-standalone"] = [.. Airflow, "connect", "standalone-master", "standalone-worker", "history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles"],
        ["airflow-k8s-submit"] = [.. Airflow, "history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles", "job-submitter", "job-driver", "job-executor"],
        ["airflow-operator"] = [.. Airflow, "history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles", "job-application", "job-driver", "job-executor"],
        ["jupyter-connect-k8s-gpu"] = ["connect", "history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles", "jupyter"],
        ["airflow-gpu-connect-k8s"] = [.. Airflow, "connect", "history-server", "metastore", "metastore-schema", "minio", "minio-buckets", "postgresql", "postgresql-roles"],
    };

    /// <summary>The Spark lines a preset renders on: all, unless a component of its recipe works on some only (compose.yaml sparkLines).</summary>
    public static IReadOnlyList<string> LinesOf(string preset)
    {
        var catalog = SparkK8s.Core.Composer.ComposeCatalog.Load(RepoPaths.Chart);
        var recipe = catalog.FindPreset(preset);
        var components = recipe is null ? [] : recipe.With.Select(catalog.FindComponent).OfType<SparkK8s.Core.Composer.CatalogComponent>();
        return SparkK8s.Core.Composer.ComposeCatalog.SparkLinesOf(components) ?? ChartRender.SparkVersions;
    }


    /// <summary>What runs each preset's jobs: submit presets Jobs and CronJobs, operator presets (Scheduled)SparkApplications.</summary>
    private static readonly Dictionary<string, string[]> PresetJobKinds = new()
    {
        ["batch-submit"] = ["CronJob", "Job"],
        ["batch-operator"] = ["ScheduledSparkApplication", "SparkApplication"],
        ["airflow-k8s-submit"] = ["CronJob", "Job"],
        ["airflow-operator"] = ["ScheduledSparkApplication", "SparkApplication"],
    };

    private static IEnumerable<string> Names(string folder) =>
        Directory.GetFiles(Path.Combine(RepoPaths.Chart, folder), "*.yaml").Select(Path.GetFileNameWithoutExtension).Order()!;

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var preset in Names("presets"))
        {
            foreach (var environment in Names("environments"))
            {
                foreach (var version in LinesOf(preset))
                {
                    data.Add(preset, environment, version);
                }
            }
        }

        return data;
    }

    [Fact]
    public void Required_presets_and_environments_exist()
    {
        Names("presets").Should().Contain(PresetComponents.Keys);
        Names("environments").Should().BeEquivalentTo("dev", "staging", "prod");
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Preset_renders_in_every_environment_and_version(string preset, string environment, string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"],
            Sets: [$"spark.version={version}"]));

        var components = rendered.Objects.Select(o => o.Labels[Rendered.ComponentLabel]).ToHashSet();
        if (PresetComponents.TryGetValue(preset, out var expected))
        {
            // prod backs up the metastore database (with verify runs) when the preset has one.
            string[] backups = environment == "prod" && expected.Contains("postgresql") ? ["backup", "backup-verify"] : [];
            // prod uses external S3 instead of the in-chart MinIO (environments/prod.yaml).
            var stores = environment == "prod" ? expected.Where(c => c is not ("minio" or "minio-buckets")) : expected;
            // "logging": the log4j2 files of logging.format json (staging and prod), shared by the components that log JSON.
            components.Where(c => c is not ("s3" or "executor" or "default-deny" or "connect-auth" or "spark-auth" or "logging")).Should().BeEquivalentTo(stores.Concat(backups));
        }

        if (PresetJobKinds.TryGetValue(preset, out var jobKinds))
        {
            rendered.Objects.Where(o => o.Labels.ContainsKey("spark-k8s.io/job")).Select(o => o.Kind)
                .Where(k => k is "Job" or "CronJob" or "SparkApplication" or "ScheduledSparkApplication").Distinct().Order()
                .Should().Equal(jobKinds);
            rendered.OfKind("Deployment").Should().NotContain(d => d.Labels[Rendered.ComponentLabel] == "connect");
            return;
        }

        rendered.Single("Deployment", "connect").Should().NotBeNull();
        var executorImage = rendered.SparkDefaults("connect").TryGetValue("spark.kubernetes.container.image", out var image)
            ? image
            : (string?)rendered.Single("Deployment", "standalone-worker").Containers().First()["image"];
        // dev runs the official image (jars downloaded and checked at start); staging and prod the project's baked image.
        // GPU presets run the spark-gpu image (images/spark-gpu) in every environment.
        var repository = rendered.Input.Files!.Any(f => f.Contains("gpu", StringComparison.Ordinal)) ? "spark-k8s/spark-gpu"
            : environment == "dev" ? "apache/spark" : "spark-k8s/spark";
        executorImage.Should().StartWith($"{repository}:{version}.");
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    public async Task Cost_optimized_scales_executors_to_zero_on_spot_nodes_with_decommissioning(string environment)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/cost-optimized.yaml", $"environments/{environment}.yaml"]));
        var conf = rendered.SparkDefaults("connect");

        conf["spark.dynamicAllocation.minExecutors"].Should().Be("0");
        conf["spark.decommission.enabled"].Should().Be("true");
        conf["spark.storage.decommission.shuffleBlocks.enabled"].Should().Be("true");
        var spec = rendered.ExecutorPodTemplate.PodSpec!;
        spec["nodeSelector"]!.AsObject().Select(p => p.Key).Should().ContainSingle().Which.Should().Contain("CHANGE-ME");
        ((string?)spec["tolerations"]![0]!["key"]).Should().Contain("CHANGE-ME");
        rendered.Single("Deployment", "connect").PodSpec!["tolerations"].Should().BeNull("the driver does not go to spot nodes");
    }

    [Theory]
    [InlineData("dev", "2", "3d", 1)]
    [InlineData("staging", "8", "14d", 1)]
    [InlineData("prod", "32", "30d", 2)]
    public async Task Environments_size_executors_retention_and_replicas(string environment, string maxExecutors, string maxAge, int metastoreReplicas)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/jupyter-connect-k8s.yaml", $"environments/{environment}.yaml"]));

        rendered.SparkDefaults("connect")["spark.dynamicAllocation.maxExecutors"].Should().Be(maxExecutors);
        rendered.SparkDefaults("history-server")["spark.history.fs.cleaner.maxAge"].Should().Be(maxAge);
        ((long?)rendered.Single("Deployment", "metastore").Body["spec"]?["replicas"]).Should().Be(metastoreReplicas);
    }

    public static TheoryData<string, string> PresetsByEnvironment()
    {
        var data = new TheoryData<string, string>();
        foreach (var preset in Names("presets"))
        {
            foreach (var environment in Names("environments"))
            {
                data.Add(preset, environment);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PresetsByEnvironment))]
    public async Task Preset_passes_strict_lint(string preset, string environment)
    {
        var result = await TestHelm.Client.LintAsync(
            new HelmRenderRequest
            {
                ChartDirectory = RepoPaths.Chart,
                Namespace = "spark",
                ValueFiles = [Path.Combine(RepoPaths.Chart, "presets", preset + ".yaml"), Path.Combine(RepoPaths.Chart, "environments", environment + ".yaml")],
            },
            strict: true,
            TestContext.Current.CancellationToken);

        result.Succeeded.Should().BeTrue(result.StandardOutput + result.StandardError);
    }

    [Fact]
    public void Every_preset_starts_with_a_description_header()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Chart, "presets"), "*.yaml"))
        {
            var first = File.ReadLines(file).First();
            first.Should().MatchRegex(@"^# description: \S.{9,}$", Path.GetFileName(file));
        }
    }

    [Fact]
    public void Minimal_preset_uses_flaggable_placeholders()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Chart, "presets", "connect-k8s-minimal.yaml"));

        text.Should().Contain("https://s3.example.invalid").And.Contain("CHANGE-ME");
    }
}
