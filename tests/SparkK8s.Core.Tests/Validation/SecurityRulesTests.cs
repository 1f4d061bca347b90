using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Security;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>The SEC rules: each fixture fails the rule it targets, and its fixed form passes.</summary>
public class SecurityRulesTests
{
    /// <param name="yaml">Documents, each starting with "---" on a line of its own (the fixtures below end without a newline).</param>
    private static IReadOnlyList<Finding> Run(string id, string yaml, string? environment = null, bool chartHasPolicies = true) =>
        SecurityRules.Find(id)!.Run(new SecurityCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml.Replace("---", "\n---", StringComparison.Ordinal)).Documents), environment, chartHasPolicies)).ToList();

    /// <summary>A Deployment with labels app.kubernetes.io/instance=spark and the given component, pod spec fields and containers.</summary>
    private static string Deployment(string name, string component, string containers, string podFields = "", string labels = "") => $$"""
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{name}}
          namespace: spark
          labels: {"app.kubernetes.io/component": {{component}}}
        spec:
          template:
            metadata:
              labels: {"app.kubernetes.io/instance": spark, "app.kubernetes.io/component": {{component}}{{labels}}}
            spec:
        {{RenderFixtures.Indent(podFields, 6)}}
              containers:
        {{RenderFixtures.Indent(containers, 8)}}
        """;

    private const string Hardened = """
          securityContext:
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
        """;

    private static string Container(string name, string image = "apache/spark:4.1.2-scala2.13-java21-python3-ubuntu", string extra = "") =>
        $"- name: {name}\n  image: {image}\n{Hardened.TrimEnd()}\n{extra}".TrimEnd();

    private static string Connect(string extra = "", string podFields = "") =>
        Deployment("connect", "connect", Container("spark-connect", extra: "  command: [/opt/spark/bin/spark-submit]\n" + extra), podFields);

    private static string Policy(string selector, string types = "[Ingress, Egress]") => $$"""
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: policy, namespace: spark}
        spec:
          podSelector: {{selector}}
          policyTypes: {{types}}
        """;

    [Fact]
    public void SEC001_fires_for_a_pod_no_policy_selects_and_passes_when_one_does()
    {
        var pod = Connect();

        Run("SEC001", pod).Should().ContainSingle().Which.Should().Match<Finding>(f => f.Severity == Severity.Error && f.Message.Contains("ingress and egress"));
        Run("SEC001", pod, chartHasPolicies: false).Should().ContainSingle().Which.Severity.Should().Be(Severity.Warning);
        Run("SEC001", pod + Policy("{matchLabels: {app.kubernetes.io/instance: spark}}")).Should().BeEmpty();
        Run("SEC001", pod + Policy("{}")).Should().BeEmpty("an empty podSelector selects every pod of the namespace");
        Run("SEC001", pod + Policy("{matchLabels: {app.kubernetes.io/instance: other}}")).Should().ContainSingle();
        Run("SEC001", pod + Policy("{matchExpressions: [{key: app.kubernetes.io/component, operator: In, values: [connect]}]}")).Should().BeEmpty();
        Run("SEC001", pod + Policy("{matchExpressions: [{key: app.kubernetes.io/component, operator: NotIn, values: [connect]}]}")).Should().ContainSingle();
        Run("SEC001", pod + Policy("{}", "[Ingress]")).Should().ContainSingle().Which.Message.Should().Contain("egress").And.NotContain("ingress and");
    }

    [Fact]
    public void SEC001_judges_executor_pod_templates_by_their_own_labels()
    {
        var configMap = """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: connect, namespace: spark, labels: {app.kubernetes.io/component: connect}}
            data:
              executor-pod-template.yaml: |
                apiVersion: v1
                kind: Pod
                metadata:
                  labels: {app.kubernetes.io/instance: spark, app.kubernetes.io/component: executor}
                spec:
                  containers:
                    - name: spark-executor
                      image: apache/spark:4.1.2
            """;

        Run("SEC001", configMap).Should().ContainSingle().Which.Message.Should().Contain("executor pods");
        Run("SEC001", configMap + Policy("{matchLabels: {app.kubernetes.io/component: executor}}")).Should().BeEmpty();
    }

    private static string ConnectService(string type) => $"""
        ---
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: connect, namespace: spark, labels: {"{"}app.kubernetes.io/component: connect{"}"}{"}"}
        spec:
          type: {type}
          ports: [{"{"}name: grpc, port: 15002{"}"}]
        """;

    [Theory]
    [InlineData("ClusterIP", false)]
    [InlineData("NodePort", true)]
    [InlineData("LoadBalancer", true)]
    public void SEC002_fires_on_an_unauthenticated_connect_service_beyond_cluster_ip(string type, bool fires)
    {
        Run("SEC002", Connect() + ConnectService(type)).Should().HaveCount(fires ? 1 : 0);
    }

    [Fact]
    public void SEC002_fires_on_an_ingress_or_grpc_route_to_connect_and_passes_with_a_token()
    {
        var route = """
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: connect, namespace: spark}
            spec:
              rules:
                - backendRefs: [{name: connect, port: 15002}]
            """;
        var ingress = """
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: connect, namespace: spark}
            spec:
              rules:
                - http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: connect, port: {number: 15002}}}}
            """;
        var unauthenticated = Connect() + ConnectService("ClusterIP");

        Run("SEC002", unauthenticated + route).Should().ContainSingle().Which.Field.Should().Be("spec.rules[0].backendRefs[0].name");
        Run("SEC002", unauthenticated + ingress).Should().ContainSingle().Which.Field.Should().Be("spec.rules[0].http.paths[0].backend.service.name");

        var withEnv = Connect("  env:\n    - name: SPARK_CONNECT_AUTHENTICATE_TOKEN\n      valueFrom: {secretKeyRef: {name: connect-auth, key: token}}") + ConnectService("LoadBalancer");
        Run("SEC002", withEnv + route + ingress).Should().BeEmpty();
        var withConf = RenderFixtures.ConnectConfigMap("spark.connect.authenticate.token x") + Connect() + ConnectService("NodePort");
        Run("SEC002", withConf).Should().BeEmpty();
    }

    private const string Minio = """
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: minio, namespace: spark, labels: {app.kubernetes.io/component: minio}}
        spec:
          template:
            spec:
              containers:
                - name: minio
                  image: minio/minio:RELEASE.2025-09-07T16-13-09Z
                  env:
                    - {name: MINIO_ROOT_USER, valueFrom: {secretKeyRef: {name: s3, key: AWS_ACCESS_KEY_ID}}}
                    - {name: MINIO_ROOT_PASSWORD, valueFrom: {secretKeyRef: {name: s3, key: AWS_SECRET_ACCESS_KEY}}}
        """;

    private const string Postgres = """
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: postgresql, namespace: spark, labels: {app.kubernetes.io/component: postgresql}}
        spec:
          template:
            spec:
              containers:
                - name: postgresql
                  image: postgres:17.9
                  env:
                    - {name: POSTGRES_USER, value: postgres}
                    - {name: POSTGRES_PASSWORD, valueFrom: {secretKeyRef: {name: pg, key: admin-password}}}
        """;

    [Fact]
    public void SEC003_fires_when_a_spark_pod_reads_the_minio_root_or_postgres_superuser_keys()
    {
        var root = Connect("  env:\n    - {name: AWS_SECRET_ACCESS_KEY, valueFrom: {secretKeyRef: {name: s3, key: AWS_SECRET_ACCESS_KEY}}}");
        Run("SEC003", Minio + root).Should().ContainSingle().Which.Should().Match<Finding>(f =>
            f.Severity == Severity.Error && f.Field == "spec.template.spec.containers[0].env[AWS_SECRET_ACCESS_KEY]" && f.Message.Contains("MinIO root"));

        var whole = Connect("  envFrom:\n    - secretRef: {name: s3}");
        Run("SEC003", Minio + whole).Should().ContainSingle("envFrom hands over the root pair").Which.Field.Should().Be("spec.template.spec.containers[0].envFrom[0]");

        var admin = Connect("  volumeMounts: [{name: pg, mountPath: /etc/pg}]", "volumes: [{name: pg, secret: {secretName: pg}}]");
        Run("SEC003", Postgres + admin).Should().ContainSingle().Which.Severity.Should().Be(Severity.Error);

        var own = Connect("  env:\n    - {name: AWS_SECRET_ACCESS_KEY, valueFrom: {secretKeyRef: {name: spark-s3, key: AWS_SECRET_ACCESS_KEY}}}");
        Run("SEC003", Minio + Postgres + own).Should().BeEmpty("Spark's own S3 user is not the root");
        var metastore = Deployment("metastore", "metastore", Container("metastore", "apache/hive:3.1.3",
            "  env:\n    - {name: AWS_SECRET_ACCESS_KEY, valueFrom: {secretKeyRef: {name: s3, key: AWS_SECRET_ACCESS_KEY}}}"));
        Run("SEC003", Minio + metastore).Should().BeEmpty("the metastore runs no Spark and no user code");
    }

    [Fact]
    public void SEC004_fires_when_the_metastore_or_a_backup_connects_as_the_superuser()
    {
        static string HiveSite(string user) => $"""
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {"{"}name: metastore, namespace: spark{"}"}
            data:
              hive-site.xml: |
                <configuration>
                  <property>
                    <name>javax.jdo.option.ConnectionUserName</name>
                    <value>{user}</value>
                  </property>
                </configuration>
            """;

        Run("SEC004", Postgres + HiveSite("postgres")).Should().ContainSingle().Which.Field.Should().Be("data[hive-site.xml]: javax.jdo.option.ConnectionUserName");
        Run("SEC004", Postgres + HiveSite("hive")).Should().BeEmpty();

        var backup = Deployment("backup", "backup", Container("backup", "registry.example.com/tools:0.1.0",
            "  args: [backup, run, --database, \"postgresql://postgres@db:5432/metastore\"]"));
        Run("SEC004", Postgres + backup).Should().ContainSingle().Which.Field.Should().Be("spec.template.spec.containers[0].args[3]");

        var adminPassword = Deployment("metastore", "metastore", Container("metastore", "apache/hive:3.1.3",
            "  env:\n    - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: pg, key: admin-password}}}\n    - {name: SERVICE_OPTS, value: \"-Djavax.jdo.option.ConnectionUserName=hive\"}"));
        Run("SEC004", Postgres + adminPassword).Should().ContainSingle().Which.Message.Should().Contain("superuser's password");

        var roles = Deployment("roles", "postgresql-roles", Container("roles", "postgres:17.9",
            "  env:\n    - {name: PGUSER, value: postgres}\n    - {name: PGPASSWORD, valueFrom: {secretKeyRef: {name: pg, key: admin-password}}}"));
        Run("SEC004", Postgres + roles).Should().BeEmpty("the role Job manages roles as the superuser; it is not a client of the database");
    }

    [Theory]
    [InlineData("- {name: DB_PASSWORD, value: hunter2}", true)]
    [InlineData("- {name: API_KEY, value: abc}", true)]
    [InlineData("- {name: JUPYTER_TOKEN, value: abc}", true)]
    [InlineData("- {name: SERVICE_OPTS, value: \"-Xmx1g -Djavax.jdo.option.ConnectionPassword=hunter2\"}", true)]
    [InlineData("- {name: SPARK_REMOTE, value: \"sc://connect:15002/;token=abc123\"}", true)]
    [InlineData("- {name: DATABASE_URL, value: \"postgresql://hive:hunter2@db:5432/metastore\"}", true)]
    [InlineData("- {name: ACCESS, value: AKIAIOSFODNN7EXAMPLE}", true)]
    [InlineData("- {name: SERVICE_OPTS, value: \"-Xmx1g -Djavax.jdo.option.ConnectionPassword=$(DB_PASSWORD)\"}", false)]
    [InlineData("- {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: pg, key: password}}}", false)]
    [InlineData("- {name: PASSWORD_FILE, value: /etc/secret/password}", false)]
    [InlineData("- {name: SPARK_REMOTE, value: \"sc://connect:15002/;token=${TOKEN}\"}", false)]
    [InlineData("- {name: SPARK_CONF_DIR, value: /opt/spark/conf}", false)]
    public void SEC005_fires_on_credential_literals_in_env(string env, bool fires)
    {
        Run("SEC005", Connect("  env:\n    " + env)).Should().HaveCount(fires ? 1 : 0);
    }

    [Fact]
    public void SEC005_fires_on_credentials_in_arguments()
    {
        Run("SEC005", Connect("  args: [--conf, spark.connect.authenticate.token=abc]")).Should().ContainSingle().Which.Field.Should().Be("spec.template.spec.containers[0].args[1]");
        Run("SEC005", Connect("  args: [--conf, spark.driver.port=7078]")).Should().BeEmpty();
    }

    [Fact]
    public void SEC006_warns_about_images_without_a_digest_only_in_prod()
    {
        var tagged = Connect();
        var pinned = Deployment("connect", "connect", Container("c", "apache/spark:4.1.2@sha256:" + new string('a', 64)));

        Run("SEC006", tagged, "prod").Should().ContainSingle().Which.Severity.Should().Be(Severity.Warning);
        Run("SEC006", tagged, "dev").Should().BeEmpty();
        Run("SEC006", pinned, "prod").Should().BeEmpty();
    }

    [Fact]
    public void SEC007_is_an_error_for_runtime_downloads_in_prod_and_a_warning_elsewhere()
    {
        var download = Deployment("connect", "connect", Container("fetch-jars", extra: "  command: [/bin/bash, -ec, \"wget -q -O a.jar $URL\"]"));
        var pip = Deployment("jupyter", "jupyter", Container("install", "quay.io/jupyter/base-notebook:python-3.10", "  command: [bash, -c, \"pip install pyspark-client==4.1.2\"]"));
        var packages = RenderFixtures.ConnectConfigMap("spark.jars.packages org.apache.hadoop:hadoop-aws:3.4.2");

        var remote = RenderFixtures.ConnectConfigMap("spark.jars https://repo.example.com/a.jar,local:///opt/b.jar");
        var repositories = RenderFixtures.ConnectConfigMap("spark.jars.repositories https://repo.example.com/maven");

        Run("SEC007", download, "prod").Should().ContainSingle().Which.Message.Should().Contain("wget");
        Run("SEC007", pip, "prod").Should().ContainSingle().Which.Message.Should().Contain("pip install");
        Run("SEC007", packages, "prod").Should().ContainSingle().Which.Field.Should().EndWith("spark.jars.packages");
        Run("SEC007", remote, "prod").Should().ContainSingle().Which.Message.Should().Contain("spark.jars");
        Run("SEC007", repositories, "prod").Should().ContainSingle().Which.Message.Should().Contain("spark.jars.repositories");
        Run("SEC007", download + pip + packages, "prod").Should().OnlyContain(f => f.Severity == Severity.Error);
        Run("SEC007", download + pip + packages, "staging").Should().HaveCount(3).And.OnlyContain(f => f.Severity == Severity.Warning);
        Run("SEC007", download, null).Should().ContainSingle().Which.Severity.Should().Be(Severity.Warning);
        Run("SEC007", Connect(), "prod").Should().BeEmpty();
        Run("SEC007", RenderFixtures.ConnectConfigMap("spark.jars local:///opt/b.jar"), "prod").Should().BeEmpty();
    }

    [Theory]
    [InlineData("apache/spark", true)]
    [InlineData("apache/spark:latest", true)]
    [InlineData("registry:5000/org/spark:stable", true)]
    [InlineData("apache/spark:4.1.2", false)]
    [InlineData("quay.io/jupyter/base-notebook:python-3.10", false)]
    [InlineData("registry:5000/org/spark@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    public void SEC008_fires_on_latest_missing_or_versionless_tags(string image, bool fires)
    {
        Run("SEC008", Deployment("a", "connect", Container("c", image))).Should().HaveCount(fires ? 1 : 0);
    }

    [Fact]
    public void SEC009_to_SEC013_fire_on_unhardened_pods_and_pass_hardened_ones()
    {
        var hardened = Connect();
        foreach (var id in new[] { "SEC009", "SEC010", "SEC011", "SEC012", "SEC013" })
        {
            Run(id, hardened).Should().BeEmpty(id);
        }

        var writable = Deployment("a", "connect", "- name: c\n  image: x:1\n  securityContext: {allowPrivilegeEscalation: false}");
        Run("SEC009", writable).Should().ContainSingle().Which.Field.Should().Be("spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem");
        Run("SEC010", Connect(podFields: "volumes: [{name: host, hostPath: {path: /var/run}}]")).Should().ContainSingle().Which.Field.Should().Be("spec.template.spec.volumes[0].hostPath");
        Run("SEC011", Connect(podFields: "hostNetwork: true\nhostPID: true\nhostIPC: false")).Should().HaveCount(2);
        Run("SEC012", Deployment("a", "connect", "- name: c\n  image: x:1\n  securityContext: {privileged: true, allowPrivilegeEscalation: true}")).Should().HaveCount(2);
        Run("SEC012", Deployment("a", "connect", "- name: c\n  image: x:1")).Should().ContainSingle("allowPrivilegeEscalation must be set false explicitly");
        Run("SEC013", Deployment("a", "connect", "- name: c\n  image: x:1\n  securityContext: {capabilities: {add: [NET_ADMIN]}}"))
            .Should().ContainSingle().Which.Message.Should().Contain("NET_ADMIN");
    }

    private static string Role(string rules, string account = "connect") => $"""
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {"{"}name: role, namespace: spark{"}"}
        rules:
        {RenderFixtures.Indent(rules, 2)}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {"{"}name: role, namespace: spark{"}"}
        roleRef: {"{"}apiGroup: rbac.authorization.k8s.io, kind: Role, name: role{"}"}
        subjects: [{"{"}kind: ServiceAccount, name: {account}, namespace: spark{"}"}]
        """;

    [Fact]
    public void SEC014_fires_on_wildcards_escalation_and_secret_reads_by_user_code()
    {
        var connect = Connect(podFields: "serviceAccountName: connect");

        Run("SEC014", connect + Role("- {apiGroups: [\"\"], resources: [pods, configmaps], verbs: [create, get, list, watch, delete]}")).Should().BeEmpty();
        Run("SEC014", connect + Role("- {apiGroups: [\"\"], resources: [pods], verbs: [\"*\"]}")).Should().ContainSingle().Which.Message.Should().Contain("wildcard");
        Run("SEC014", connect + Role("- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind, escalate]}")).Should().ContainSingle().Which.Message.Should().Contain("bind, escalate");
        Run("SEC014", connect + Role("- {apiGroups: [\"\"], resources: [secrets], verbs: [get]}")).Should().ContainSingle().Which.Field.Should().Be("rules[0].resources");
        Run("SEC014", connect + Role("- {apiGroups: [\"\"], resources: [secrets], verbs: [get]}", account: "backup"))
            .Should().BeEmpty("a role bound to an account no user-code pod runs as may read Secrets");
    }

    [Fact]
    public void Every_rule_has_a_unique_id_title_description_fix_and_help_uri()
    {
        SecurityRules.All.Select(r => r.Id).Should().OnlyHaveUniqueItems().And.BeInAscendingOrder();
        SecurityRules.All.Should().OnlyContain(r => r.Id.StartsWith("SEC", StringComparison.Ordinal) && r.Title.Length > 0 && r.Description.Length > r.Title.Length && r.Fix.Length > 0);
        SecurityRules.All.Should().OnlyContain(r => Uri.IsWellFormedUriString(r.HelpUri, UriKind.Absolute) && r.HelpUri.EndsWith("#" + r.Id.ToLowerInvariant(), StringComparison.Ordinal));
    }
}
