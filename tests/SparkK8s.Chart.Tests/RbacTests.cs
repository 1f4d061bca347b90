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
        var rules = role.Body["rules"]!.AsArray().Select(r => (
            Groups: string.Join(",", r!["apiGroups"]!.AsArray().Select(g => (string?)g)),
            Resources: string.Join(",", r["resources"]!.AsArray().Select(x => (string?)x)),
            Verbs: r["verbs"]!.AsArray().Select(v => (string)v!).Order().ToList())).ToList();

        // Pods as the k8s scheduler backend manages executors; the executors' ConfigMap; no Services (a client-mode
        // driver creates none) and no PersistentVolumeClaims unless on-demand executor PVCs are asked for.
        rules.Select(r => (r.Groups, r.Resources)).Should().Equal(("", "pods"), ("", "configmaps"));
        rules[0].Verbs.Should().Equal("create", "delete", "deletecollection", "get", "list", "patch", "watch");
        rules[1].Verbs.Should().Equal("create", "delete", "deletecollection");
        role.Namespace.Should().Be("spark");
    }

    [Fact]
    public async Task On_demand_executor_pvcs_add_the_claims_rule_and_nothing_else()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            connect:
              sparkConf:
                spark.kubernetes.executor.volumes.persistentVolumeClaim.data.options.claimName: OnDemand
            """));
        var rules = rendered.Single("Role", "connect").Body["rules"]!.AsArray();

        rules.Select(r => (string?)r!["resources"]![0]).Should().Equal("pods", "configmaps", "persistentvolumeclaims");
        rules[2]!["verbs"]!.AsArray().Select(v => (string?)v).Should().BeEquivalentTo("get", "list", "create", "delete", "deletecollection");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_component_runs_as_its_own_service_account_and_only_the_driver_gets_a_token(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Sets: [$"spark.version={version}", "backup.enabled=true", "backup.verify.enabled=true", "restore.enabled=true", "restore.backupId=latest"]));
        var accounts = rendered.OfKind("ServiceAccount").ToDictionary(a => a.Name);

        using var scope = new FluentAssertions.Execution.AssertionScope();
        foreach (var workload in rendered.PodWorkloads)
        {
            var component = PodSpecs.PodLabels(workload)[Rendered.ComponentLabel];
            var account = (string?)workload.PodSpec!["serviceAccountName"];
            account.Should().Be($"spark-spark-k8s-{component}", workload.DisplayName);
            accounts.Should().ContainKey(account!, workload.DisplayName);
            var talksToApi = component == "connect";
            ((bool?)accounts[account!].Body["automountServiceAccountToken"]).Should().Be(talksToApi, account);
            ((bool?)workload.PodSpec["automountServiceAccountToken"]).Should().Be(talksToApi, workload.DisplayName);
        }

        accounts.Keys.Should().BeEquivalentTo(rendered.PodWorkloads.Select(w => (string)w.PodSpec!["serviceAccountName"]!).Distinct(),
            "no ServiceAccount without a pod");
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
