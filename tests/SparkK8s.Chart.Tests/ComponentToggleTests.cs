using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>Each component renders its objects when enabled and none when disabled.</summary>
public class ComponentToggleTests
{
    /// <summary>component label, values key, the extra values a valid "off" needs, kinds expected when on.</summary>
    private static readonly (string Component, string Key, string OffValues, string Kinds)[] Components =
    [
        ("connect", "connect", "jupyter: {enabled: false}", "ConfigMap,Deployment,Service,ServiceAccount,Role,RoleBinding,NetworkPolicy"),
        ("history-server", "historyServer", "", "ConfigMap,Deployment,Service,ServiceAccount,NetworkPolicy"),
        ("minio", "minio", "s3: {endpoint: 'https://s3.example.invalid', credentials: {existingSecret: s3-creds}}", "StatefulSet,Service,Job,ConfigMap,ServiceAccount,NetworkPolicy"),
        ("metastore", "metastore", "", "ConfigMap,Deployment,Service,Job,ServiceAccount,NetworkPolicy"),
        ("postgresql", "postgresql", "metastore: {externalDatabase: {host: pg.example.invalid, existingSecret: pg-creds}}", "StatefulSet,Service,Secret,Job,ServiceAccount,NetworkPolicy"),
        ("jupyter", "jupyter", "", "Deployment,Service,Secret,PersistentVolumeClaim,ServiceAccount,NetworkPolicy"),
    ];

    public static TheoryData<string, string, string, string, string> ComponentsByVersion()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var version in ChartRender.SparkVersions)
        {
            foreach (var (component, key, offValues, kinds) in Components)
            {
                data.Add(version, component, key, offValues, kinds);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ComponentsByVersion))]
    public async Task Enabled_component_renders_its_objects(string version, string component, string key, string offValues, string kinds)
    {
        _ = key;
        _ = offValues;
        var rendered = await ChartRender.RenderAsync(version);

        rendered.WithComponent(component).Select(o => o.Kind).Distinct()
            .Should().BeEquivalentTo(kinds.Split(','));
    }

    [Theory]
    [MemberData(nameof(ComponentsByVersion))]
    public async Task Disabled_component_renders_nothing(string version, string component, string key, string offValues, string kinds)
    {
        _ = kinds;
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Sets: [$"spark.version={version}", $"{key}.enabled=false"],
            ValuesYaml: offValues.Length == 0 ? null : offValues));

        rendered.Objects.Should().NotBeEmpty();
        rendered.Objects.Should().NotContain(o => o.Labels[Rendered.ComponentLabel].StartsWith(component, StringComparison.Ordinal));
        rendered.Objects.Should().NotContain(o => o.Name.Contains("-" + component, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Everything_off_but_connect_with_external_services()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/connect-k8s-minimal.yaml"]));

        rendered.Objects.Select(o => o.Labels[Rendered.ComponentLabel]).Distinct()
            .Should().BeEquivalentTo("connect", "executor", "default-deny", "connect-auth", "spark-auth");
        rendered.OfKind("Secret").Select(s => s.Labels[Rendered.ComponentLabel])
            .Should().BeEquivalentTo(["connect-auth", "spark-auth"], "external S3 uses existingSecret; only the Connect token and the RPC secret are generated");
    }

    [Fact]
    public async Task External_postgresql_is_used_by_the_metastore()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Sets: ["postgresql.enabled=false"],
            ValuesYaml: "metastore: {externalDatabase: {host: pg.example.invalid, port: 6432, database: hms, username: hms, existingSecret: pg-creds, passwordKey: pw}}"));

        rendered.ConfigData("metastore", "hive-site.xml").Should().Contain("jdbc:postgresql://pg.example.invalid:6432/hms");
        var password = rendered.Single("Deployment", "metastore").PodSpec!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "db-password")!["secret"]!;
        ((string?)password["secretName"]).Should().Be("pg-creds");
        ((string?)password["items"]![0]!["key"]).Should().Be("pw");
    }
}
