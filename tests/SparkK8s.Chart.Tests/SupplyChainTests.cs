using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Issue 9 §5: image digests through the one image helper, https-only download URLs, ephemeral-storage requests and
/// limits on every container with a sizeLimit on every emptyDir, the OpenShift mode and Routes, and external S3 in prod.
/// </summary>
public class SupplyChainTests
{
    private static readonly string Digest = "sha256:" + new string('0', 32) + new string('f', 32);

    /// <summary>Every image map of values.yaml (values path) and how to see it in a render.</summary>
    public static TheoryData<string> ImageMaps() => new("connect.image", "historyServer.image", "minio.image", "minio.mcImage", "metastore.image", "postgresql.image", "jupyter.image", "backup.image");

    [Theory]
    [MemberData(nameof(ImageMaps))]
    public async Task A_digest_on_an_image_map_pins_every_container_of_that_image(string imageMap)
    {
        var repository = "registry.example.com/pinned/" + imageMap.Replace('.', '-').ToLowerInvariant();
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/jupyter-connect-k8s.yaml"],
            Sets: [$"{imageMap}.repository={repository}", $"{imageMap}.digest={Digest}", "backup.enabled=true", "backup.verify.enabled=true"]));

        var images = Containers(rendered).Select(c => (string)c.Container["image"]!).Where(i => i.StartsWith(repository + ":", StringComparison.Ordinal)).ToList();
        images.Should().NotBeEmpty().And.OnlyContain(i => i.EndsWith("@" + Digest, StringComparison.Ordinal) && ImageReference.Parse(i).Tag!.Length > 0,
            "repository:tag@digest keeps the tag for people and the version label");
        if (imageMap == "connect.image")
        {
            rendered.SparkDefaults("connect")["spark.kubernetes.container.image"].Should().EndWith("@" + Digest, "executors run the pinned image too");
        }
    }

    [Fact]
    public async Task Without_digests_no_image_carries_one()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/jupyter-connect-k8s.yaml"]));

        Containers(rendered).Should().OnlyContain(c => !((string)c.Container["image"]!).Contains('@'));
    }

    [Theory]
    [InlineData("connect: {image: {digest: 'sha256:abc'}}", "connect/image/digest")]
    [InlineData("jupyter: {image: {digest: 'md5:0123456789abcdef0123456789abcdef'}}", "jupyter/image/digest")]
    [InlineData("jars: {repository: 'http://repo1.maven.org/maven2'}", "jars/repository")]
    [InlineData("jupyter: {pipIndexUrl: 'http://pypi.example.invalid/simple'}", "jupyter/pipIndexUrl")]
    [InlineData("ephemeralStorage: {tmp: 'lots'}", "ephemeralStorage/tmp")]
    [InlineData("openshift: {routes: {jupyter: {host: 'Not A Host'}}}", "openshift/routes/jupyter/host")]
    public async Task Bad_digests_plain_http_downloads_and_bad_sizes_are_rejected(string values, string path)
    {
        var error = await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: values));

        error.Should().Match(e => e.Contains(path.Replace('/', '.') + ":") || e.Contains("'/" + path + "'"), error);
    }

    public static TheoryData<string, string, string> Matrix() => PresetMatrixTests.Matrix();

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_container_has_ephemeral_storage_and_every_empty_dir_a_size_limit(string preset, string environment, string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"],
            Sets: [$"spark.version={version}"]));

        foreach (var (obj, container) in Containers(rendered))
        {
            var name = $"{obj} container {(string?)container["name"]}";
            container["resources"]?["requests"]?["ephemeral-storage"].Should().NotBeNull(name);
            container["resources"]?["limits"]?["ephemeral-storage"].Should().NotBeNull(name);
        }

        foreach (var (obj, spec) in PodSpecsOf(rendered))
        {
            foreach (var volume in PodSpecs.Items(spec, "volumes").Where(v => v["emptyDir"] is not null))
            {
                volume["emptyDir"]!["sizeLimit"].Should().NotBeNull($"{obj} volume {(string?)volume["name"]}");
            }
        }
    }

    [Fact]
    public async Task The_executor_template_keeps_its_ephemeral_storage_beside_the_cpu_and_memory_spark_sets()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/jupyter-connect-k8s.yaml"],
            Sets: ["connect.executor.ephemeralStorage.limit=100Gi"]));

        var resources = rendered.ExecutorPodTemplate.Container("spark-executor")["resources"]!;
        ((string?)resources["limits"]!["ephemeral-storage"]).Should().Be("100Gi");
        resources["requests"]!.AsObject().Select(p => p.Key).Should().Equal("ephemeral-storage");
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task OpenShift_mode_leaves_uids_gids_and_fs_group_to_the_restricted_v2_scc(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/jupyter-connect-k8s.yaml", "environments/prod.yaml"],
            Sets: [$"spark.version={version}", "openshift.enabled=true"]));

        var specs = PodSpecsOf(rendered).ToList();
        specs.Should().HaveCountGreaterThan(3);
        foreach (var (obj, spec) in specs)
        {
            var context = spec["securityContext"]!.AsObject();
            context.Select(p => p.Key).Should().NotContain(["runAsUser", "runAsGroup", "fsGroup", "fsGroupChangePolicy"], obj);
            ((bool?)context["runAsNonRoot"]).Should().BeTrue(obj);
            foreach (var container in PodSpecs.Items(spec, "initContainers").Concat(PodSpecs.Items(spec, "containers")))
            {
                container["securityContext"]!.AsObject().Select(p => p.Key).Should().NotContain(["runAsUser", "runAsGroup"], obj);
            }
        }

        var plain = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/jupyter-connect-k8s.yaml"], Sets: [$"spark.version={version}"]));
        PodSpecsOf(plain).Should().OnlyContain(p => p.Spec["securityContext"]!["runAsUser"] != null, "outside OpenShift the fixed UIDs stay");
    }

    [Fact]
    public async Task OpenShift_routes_point_at_the_jupyter_and_history_server_services_with_edge_tls()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/jupyter-connect-k8s.yaml"],
            Sets: ["openshift.routes.jupyter.enabled=true", "openshift.routes.historyServer.enabled=true", "openshift.routes.jupyter.host=notebooks.apps.example.com"]));

        var routes = rendered.OfKind("Route").ToList();
        routes.Select(r => r.Labels[Rendered.ComponentLabel]).Should().BeEquivalentTo("jupyter", "history-server");
        foreach (var route in routes)
        {
            route.ApiVersion.Should().Be("route.openshift.io/v1");
            var service = rendered.OfKind("Service").Single(s => s.Name == (string?)route.Body["spec"]!["to"]!["name"]);
            ((string?)route.Body["spec"]!["to"]!["kind"]).Should().Be("Service");
            var port = (string?)route.Body["spec"]!["port"]!["targetPort"];
            service.Body["spec"]!["ports"]!.AsArray().Select(p => (string?)p!["targetPort"]).Should().Contain(port, "the Route targets a port the Service exposes");
            ((string?)route.Body["spec"]!["tls"]!["termination"]).Should().Be("edge");
            ((string?)route.Body["spec"]!["tls"]!["insecureEdgeTerminationPolicy"]).Should().Be("Redirect");
            route.Body["spec"]!.AsObject().Select(p => p.Key).Should().BeSubsetOf(["host", "to", "port", "tls", "wildcardPolicy"], "fields of the route.openshift.io/v1 RouteSpec");
        }

        ((string?)routes.Single(r => r.Labels[Rendered.ComponentLabel] == "jupyter").Body["spec"]!["host"]).Should().Be("notebooks.apps.example.com");
        (await ChartRender.RenderAsync(new RenderInput(Files: ["presets/jupyter-connect-k8s.yaml"]))).OfKind("Route").Should().BeEmpty("Routes are opt-in");
        (await ChartRender.RenderAsync(new RenderInput(Files: ["presets/connect-k8s-minimal.yaml"], Sets: ["openshift.routes.jupyter.enabled=true"])))
            .OfKind("Route").Should().BeEmpty("no Route to a component that is off");
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Prod_uses_external_s3_with_a_placeholder_endpoint_validate_flags(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/jupyter-connect-k8s.yaml", "environments/prod.yaml"],
            Sets: [$"spark.version={version}"]));

        rendered.WithComponent("minio").Should().BeEmpty("prod does not run the in-chart MinIO");
        rendered.SparkDefaults("connect")["spark.hadoop.fs.s3a.endpoint"].Should().Be("https://s3.example.invalid");
        var model = SparkRenderModel.From(rendered.Objects.Select(o => new RenderedDocument(string.Empty, o)).ToList());
        SparkChecks.Run(new SparkCheckContext(model, version, KnownSparkProperties.For(version)))
            .Should().Contain(f => f.Id == "SPK005" && f.Message.Contains("s3.example.invalid"));

        var dev = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/jupyter-connect-k8s.yaml", "environments/dev.yaml"], Sets: [$"spark.version={version}"]));
        dev.WithComponent("minio").Should().NotBeEmpty("dev and staging keep MinIO");
    }

    private static IEnumerable<(string Object, JsonObject Spec)> PodSpecsOf(Rendered rendered) =>
        rendered.PodWorkloads.Concat(rendered.SparkPodTemplates).Select(w => (w.DisplayName, w.PodSpec!));

    private static IEnumerable<(string Object, JsonObject Container)> Containers(Rendered rendered) =>
        PodSpecsOf(rendered).SelectMany(p => PodSpecs.Items(p.Spec, "initContainers").Concat(PodSpecs.Items(p.Spec, "containers")).Select(c => (p.Object, c)));
}
