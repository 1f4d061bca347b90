using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Spark Connect client authentication (4.x: a token from a Secret) and driver/executor RPC authentication and encryption
/// (spark.authenticate with a mounted secret file), and that no secret value leaves its Secret.
/// </summary>
public class ConnectAuthTests
{
    private const string TokenSecret = "spark-spark-k8s-connect-auth";
    private const string RpcSecret = "spark-spark-k8s-spark-auth";

    public static TheoryData<string> Versions() => ChartRender.Versions();

    private static IEnumerable<string> CommandWords(JsonObject container) =>
        new[] { "command", "args" }.SelectMany(f => (container[f] as JsonArray ?? []).Select(w => w?.ToString() ?? string.Empty));

    private static JsonObject? Env(JsonObject container, string name) =>
        container.Env().FirstOrDefault(e => (string?)e["name"] == name);

    private static (string? Name, string? Key) SecretRef(JsonObject? env) =>
        ((string?)env?["valueFrom"]?["secretKeyRef"]?["name"], (string?)env?["valueFrom"]?["secretKeyRef"]?["key"]);

    [Fact]
    public async Task On_spark_4_the_server_reads_the_token_from_the_secret_through_its_env_var()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var secret = rendered.Single("Secret", "connect-auth");
        var server = rendered.Single("Deployment", "connect").Container("spark-connect");

        secret.Name.Should().Be(TokenSecret);
        secret.Body["data"]!.AsObject().Select(p => p.Key).Should().Equal("token");
        secret.Body["metadata"]!["annotations"]!["helm.sh/resource-policy"]!.ToString().Should().Be("keep");
        SecretRef(Env(server, "SPARK_CONNECT_AUTHENTICATE_TOKEN")).Should().Be((TokenSecret, "token"));
        rendered.SparkDefaults("connect").Keys.Should().NotContain("spark.connect.authenticate.token", "the token stays out of the ConfigMap");
        CommandWords(server).Should().NotContain(w => w.Contains("authenticate.token"), "and out of the command line");
    }

    [Fact]
    public async Task Jupyter_assembles_spark_remote_from_the_token_env_var_at_runtime()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var jupyter = rendered.Single("Deployment", "jupyter").Container("jupyter");
        var names = jupyter.Env().Select(e => (string?)e["name"]).ToList();

        SecretRef(Env(jupyter, "SPARK_CONNECT_TOKEN")).Should().Be((TokenSecret, "token"));
        // Kubernetes expands $(VAR) only from variables defined earlier in the list.
        names.IndexOf("SPARK_CONNECT_TOKEN").Should().BeLessThan(names.IndexOf("SPARK_REMOTE"));
        // Not ";token=": the 4.x Python client turns a token into a TLS channel, and the server's port is plaintext;
        // another URL parameter becomes gRPC metadata, here the bearer header the server checks.
        ((string?)Env(jupyter, "SPARK_REMOTE")!["value"]).Should().Be(
            "sc://spark-spark-k8s-connect.spark.svc:15002/;authorization=Bearer%20$(SPARK_CONNECT_TOKEN)");
    }

    [Fact]
    public async Task On_spark_3_5_there_is_no_token_and_spark_remote_is_the_plain_url()
    {
        var rendered = await ChartRender.RenderAsync("3.5");

        rendered.WithComponent("connect-auth").Should().BeEmpty();
        Env(rendered.Single("Deployment", "connect").Container("spark-connect"), "SPARK_CONNECT_AUTHENTICATE_TOKEN").Should().BeNull();
        ((string?)Env(rendered.Single("Deployment", "jupyter").Container("jupyter"), "SPARK_REMOTE")!["value"])
            .Should().Be("sc://spark-spark-k8s-connect.spark.svc:15002");
    }

    [Fact]
    public async Task An_existing_token_secret_replaces_the_generated_one_and_auth_can_be_switched_off()
    {
        var existing = await ChartRender.RenderAsync(RenderInput.Version("4.1", "connect.auth.existingSecret=my-token", "connect.auth.key=tk"));
        var off = await ChartRender.RenderAsync(RenderInput.Version("4.1", "connect.auth.enabled=false"));

        existing.WithComponent("connect-auth").Should().BeEmpty();
        SecretRef(Env(existing.Single("Deployment", "connect").Container("spark-connect"), "SPARK_CONNECT_AUTHENTICATE_TOKEN")).Should().Be(("my-token", "tk"));
        SecretRef(Env(existing.Single("Deployment", "jupyter").Container("jupyter"), "SPARK_CONNECT_TOKEN")).Should().Be(("my-token", "tk"));
        off.WithComponent("connect-auth").Should().BeEmpty();
        Env(off.Single("Deployment", "connect").Container("spark-connect"), "SPARK_CONNECT_AUTHENTICATE_TOKEN").Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Driver_and_executors_authenticate_and_encrypt_with_the_secret_mounted_as_a_file(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var conf = rendered.SparkDefaults("connect");
        var secret = rendered.Single("Secret", "spark-auth");

        using var scope = new AssertionScope();
        secret.Name.Should().Be(RpcSecret);
        conf["spark.authenticate"].Should().Be("true");
        conf["spark.network.crypto.enabled"].Should().Be("true");
        conf["spark.authenticate.secret.file"].Should().Be("/opt/spark/secrets/rpc/secret");
        conf.Keys.Should().NotContain("spark.authenticate.secret", "no literal secret in the conf");
        foreach (var (pod, container) in new[] { (rendered.Single("Deployment", "connect"), "spark-connect"), (rendered.ExecutorPodTemplate, "spark-executor") })
        {
            var volume = PodSpecs.Items(pod.PodSpec, "volumes").Single(v => (string?)v["name"] == "spark-auth");
            ((string?)volume["secret"]?["secretName"]).Should().Be(RpcSecret, pod.DisplayName);
            ((string?)volume["secret"]?["items"]?[0]?["key"]).Should().Be("secret", pod.DisplayName);
            var mount = PodSpecs.Items(pod.Container(container), "volumeMounts").Single(m => (string?)m["name"] == "spark-auth");
            ((string?)mount["mountPath"]).Should().Be("/opt/spark/secrets/rpc", pod.DisplayName);
            ((bool?)mount["readOnly"]).Should().BeTrue(pod.DisplayName);
            Env(pod.Container(container), "SPARK_AUTHENTICATE_SECRET").Should().BeNull($"{pod.DisplayName} gets the secret from the file");
        }

        // Executors read the file only when their bootstrap conf has a k8s:// master: the entrypoint passes it as a JVM option.
        ((string?)Env(rendered.ExecutorPodTemplate.Container("spark-executor"), "SPARK_JAVA_OPT_9999")?["value"])
            .Should().Be("-Dspark.master=" + conf["spark.master"]);
        conf["spark.master"].Should().StartWith("k8s://");
    }

    [Fact]
    public async Task Rpc_auth_off_renders_no_secret_no_mount_and_no_properties()
    {
        var rendered = await ChartRender.RenderAsync(RenderInput.Version("4.1", "connect.rpcAuth.enabled=false"));

        rendered.WithComponent("spark-auth").Should().BeEmpty();
        rendered.SparkDefaults("connect").Keys.Should().NotContain(k => k.StartsWith("spark.authenticate") || k.StartsWith("spark.network.crypto"));
        PodSpecs.Items(rendered.ExecutorPodTemplate.PodSpec, "volumes").Should().NotContain(v => (string?)v["name"] == "spark-auth");
        Env(rendered.ExecutorPodTemplate.Container("spark-executor"), "SPARK_JAVA_OPT_9999").Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task No_secret_value_reaches_a_command_line_an_env_literal_or_a_config_map(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var values = rendered.OfKind("Secret")
            .SelectMany(s => s.Body["data"]!.AsObject().Select(p => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!))))
            .ToList();
        var visible = rendered.PodWorkloads.SelectMany(w => w.AllContainers())
            .SelectMany(c => CommandWords(c).Concat(c.Env().Select(e => (string?)e["value"] ?? string.Empty)))
            .Concat(rendered.OfKind("ConfigMap").SelectMany(c => c.Body["data"]!.AsObject().Select(d => (string?)d.Value ?? string.Empty)))
            .ToList();

        values.Should().NotBeEmpty();
        values.Should().OnlyContain(v => !visible.Any(text => text.Contains(v)));
    }

    [Fact]
    public async Task Connect_is_published_through_a_grpc_route_or_an_ingress_that_match_the_strict_schemas()
    {
        var route = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            connect:
              expose:
                type: grpcroute
                host: connect.example.com
                grpcRoute: {parentRefs: [{name: gateway, namespace: infra, sectionName: https}]}
            """));
        var ingress = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            connect:
              expose:
                type: ingress
                host: connect.example.com
                ingress: {className: nginx, clusterIssuer: letsencrypt, annotations: {nginx.ingress.kubernetes.io/backend-protocol: GRPC}}
            """));
        var grpcRoute = route.Single("GRPCRoute", "connect");
        var ing = ingress.Single("Ingress", "connect");

        using var scope = new AssertionScope();
        KubeSchema.Validate(grpcRoute).Should().BeEmpty();
        KubeSchema.Validate(ing).Should().BeEmpty();
        ((string?)grpcRoute.Body["spec"]!["rules"]![0]!["backendRefs"]![0]!["name"]).Should().Be("spark-spark-k8s-connect");
        Network.Json.Int(grpcRoute.Body["spec"]!["rules"]![0]!["backendRefs"]![0]!["port"]).Should().Be(15002);
        ((string?)ing.Body["metadata"]!["annotations"]!["cert-manager.io/cluster-issuer"]).Should().Be("letsencrypt");
        ((string?)ing.Body["spec"]!["tls"]![0]!["secretName"]).Should().Be("spark-spark-k8s-connect-tls");
        ((string?)ing.Body["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["port"]!["name"]).Should().Be("grpc");
        (await ChartRender.RenderAsync("4.1")).Objects.Should().NotContain(o => o.Kind == "GRPCRoute" || o.Kind == "Ingress", "not published by default");
    }

    [Theory]
    [InlineData("spark.version=3.5", "connect.expose.type", "Spark 3.5 has no Connect authentication")]
    [InlineData("connect.auth.enabled=false", "connect.expose.type", "needs the client token")]
    [InlineData("connect.expose.host=", "connect.expose.host", "set the host name")]
    [InlineData("connect.expose.type=grpcroute", "connect.expose.grpcRoute.parentRefs", "name the Gateway")]
    public async Task Publishing_without_the_token_or_without_a_host_or_gateway_is_refused(string set, string key, string reason)
    {
        var render = () => ChartRender.RenderUncachedAsync(new RenderInput(
            Sets: ["connect.expose.type=ingress", "connect.expose.host=connect.example.com", set]));

        (await render.Should().ThrowAsync<SparkK8s.Core.Helm.HelmException>()).Which.Message.Should().Contain(key).And.Contain(reason);
    }
}
