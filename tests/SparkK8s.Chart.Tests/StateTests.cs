using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// State that survives restarts, upgrades and drains (issue 8 §5): volume ownership, metastore port and start order,
/// startup probes, disruption budgets and spreading of replicated components.
/// </summary>
public class StateTests
{
    public static TheoryData<string> Environments() => new("dev", "staging", "prod");

    private static Task<Rendered> RenderEnvironment(string environment) =>
        ChartRender.RenderAsync(new RenderInput(Files: [$"environments/{environment}.yaml"]));

    private static bool HasPvc(KubeObject workload) =>
        (workload.Body["spec"]?["volumeClaimTemplates"] as JsonArray)?.Count > 0
        || PodSpecs.Items(workload.PodSpec, "volumes").Any(v => v["persistentVolumeClaim"] is not null);

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Every_pod_with_a_persistent_volume_skips_the_recursive_chown(string environment)
    {
        var rendered = await RenderEnvironment(environment);
        var withPvc = rendered.PodWorkloads.Where(HasPvc).ToList();

        // prod runs no MinIO (external S3, environments/prod.yaml).
        withPvc.Select(w => w.Labels[Rendered.ComponentLabel]).Should().Contain(environment == "prod" ? ["postgresql", "jupyter"] : ["postgresql", "minio", "jupyter"]);
        using var scope = new AssertionScope();
        foreach (var workload in withPvc)
        {
            ((string?)workload.PodSpec!["securityContext"]?["fsGroupChangePolicy"]).Should().Be("OnRootMismatch", workload.DisplayName);
        }
    }

    [Fact]
    public async Task Metastore_port_also_sets_the_METASTORE_PORT_env_the_image_prefers()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: ["metastore.port=9999"]));
        var metastore = rendered.Single("Deployment", "metastore").Container("metastore");

        ((string?)metastore.EnvVar("METASTORE_PORT")["value"]).Should().Be("9999");
        ((long?)PodSpecs.Items(metastore, "ports").Single()["containerPort"]).Should().Be(9999);
    }

    [Fact]
    public async Task The_metastore_waits_for_its_schema_instead_of_crash_looping()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var deployment = rendered.Single("Deployment", "metastore");
        var inits = deployment.InitContainers().ToList();

        inits.Select(c => (string?)c["name"]).Last().Should().Be("wait-for-schema", "it needs the JDBC driver the first init container fetches");
        var wait = inits.Last();
        var command = ((JsonArray)wait["command"]!).Select(n => (string?)n).ToList();
        command.Last().Should().Contain("until /opt/hive/bin/schematool -dbType \"$DB_DRIVER\" -info").And.Contain("sleep");
        ((string?)wait["image"]).Should().Be((string?)deployment.Container("metastore")["image"]);
        inits.Select(c => (string?)c["name"]).First().Should().Be("render-config", "schematool reads the password from the hive-site.xml it writes");
        wait.Env().Should().NotContain(e => (string?)e["name"] == "DB_PASSWORD", "the password is in the rendered hive-site.xml, not in the environment");
    }

    [Theory]
    [InlineData("Deployment", "connect", "spark-connect")]
    [InlineData("Deployment", "metastore", "metastore")]
    [InlineData("StatefulSet", "postgresql", "postgresql")]
    public async Task Slow_starting_components_have_a_startup_probe(string kind, string component, string container)
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var c = rendered.Single(kind, component).Container(container);

        var startup = c["startupProbe"];
        startup.Should().NotBeNull();
        var budget = (long)startup!["periodSeconds"]! * (long)startup["failureThreshold"]!;
        budget.Should().BeGreaterThanOrEqualTo(300, "a first start (jar download, initdb) may take minutes");
        JsonNode.DeepEquals(StripTiming(startup), StripTiming(c["readinessProbe"]!)).Should().BeTrue("it probes what readiness probes");
    }

    private static JsonObject StripTiming(JsonNode probe)
    {
        var copy = probe.DeepClone().AsObject();
        foreach (var key in new[] { "initialDelaySeconds", "periodSeconds", "failureThreshold", "timeoutSeconds", "successThreshold" })
        {
            copy.Remove(key);
        }

        return copy;
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Every_replicated_component_has_a_disruption_budget_and_spreads_over_nodes(string environment)
    {
        var rendered = await RenderEnvironment(environment);
        var replicated = rendered.OfKind("Deployment").Concat(rendered.OfKind("StatefulSet"))
            .Where(w => (long?)w.Body["spec"]?["replicas"] > 1).ToList();
        var budgets = rendered.OfKind("PodDisruptionBudget").ToList();

        if (environment == "prod")
        {
            replicated.Should().NotBeEmpty("prod runs two metastores");
        }

        budgets.Should().HaveCount(replicated.Count, "a budget on a single replica would block every node drain");
        using var scope = new AssertionScope();
        foreach (var workload in replicated)
        {
            var selector = workload.Body["spec"]!["selector"]!["matchLabels"]!;
            budgets.Should().ContainSingle(b => JsonNode.DeepEquals(b.Body["spec"]!["selector"]!["matchLabels"], selector), workload.DisplayName)
                .Which.Body["spec"]!["maxUnavailable"]!.GetValue<long>().Should().Be(1);
            var term = workload.PodSpec!["affinity"]?["podAntiAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"]?[0]?["podAffinityTerm"];
            ((string?)term?["topologyKey"]).Should().Be("kubernetes.io/hostname", workload.DisplayName);
            JsonNode.DeepEquals(term?["labelSelector"]?["matchLabels"], selector).Should().BeTrue(workload.DisplayName);
        }
    }
}
