using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

public class RbacTests
{
    public static TheoryData<string> Versions() => ChartRender.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Driver_role_grants_exactly_the_namespaced_resources_it_needs(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var role = rendered.Single("Role", "connect");
        var rules = role.Body["rules"]!.AsArray();

        rules.Should().ContainSingle();
        var rule = rules[0]!;
        rule["apiGroups"]!.AsArray().Select(g => (string?)g).Should().Equal("");
        rule["resources"]!.AsArray().Select(r => (string?)r).Should()
            .BeEquivalentTo("pods", "services", "configmaps", "persistentvolumeclaims");
        rule["verbs"]!.AsArray().Select(v => (string?)v).Should()
            .BeEquivalentTo("create", "get", "list", "watch", "update", "patch", "delete", "deletecollection");
        role.Namespace.Should().Be("spark");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Role_is_bound_to_the_server_service_account_only(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var sa = rendered.Single("ServiceAccount", "connect");
        var binding = rendered.Single("RoleBinding", "connect");

        ((string?)binding.Body["roleRef"]?["kind"]).Should().Be("Role");
        ((string?)binding.Body["roleRef"]?["name"]).Should().Be(rendered.Single("Role", "connect").Name);
        binding.Body["subjects"]!.AsArray().Select(s => ((string?)s!["kind"], (string?)s["name"], (string?)s["namespace"]))
            .Should().Equal(("ServiceAccount", sa.Name, "spark"));
        ((string?)rendered.Single("Deployment", "connect").PodSpec!["serviceAccountName"]).Should().Be(sa.Name);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task No_cluster_scoped_rbac_and_no_other_pod_gets_an_api_token(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);

        rendered.Objects.Select(o => o.Kind).Should().NotContain(["ClusterRole", "ClusterRoleBinding"]);
        rendered.PodWorkloads.Where(w => w.Labels.GetValueOrDefault(Rendered.ComponentLabel) != "connect")
            .Should().OnlyContain(w => (bool?)w.PodSpec!["automountServiceAccountToken"] == false);
    }
}
