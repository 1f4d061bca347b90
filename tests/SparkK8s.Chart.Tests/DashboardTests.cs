using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Processes;
using SparkK8s.Testing;
using SparkK8s.Testing.Monitoring;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// The Grafana dashboards (charts/spark-k8s/monitoring/dashboards/*.json): valid dashboard JSON with stable uids, a
/// datasource variable, PromQL that promtool parses and that uses only catalogued metric names, and one ConfigMap per
/// dashboard with the sidecar's label.
/// </summary>
public class DashboardTests
{
    private static string Directory => Path.Combine(RepoPaths.Chart, "monitoring", "dashboards");

    private static readonly string[] Expected =
        ["spark-applications", "spark-backups", "spark-celeborn", "spark-connect", "spark-cost", "spark-executors", "spark-history-server", "spark-platform"];

    public static TheoryData<string> Dashboards() => new(Expected);

    private static JsonObject Load(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, $"{name}.json")))!.AsObject();

    private static IEnumerable<JsonObject> Panels(JsonObject dashboard) =>
        (dashboard["panels"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(p => new[] { p }.Concat((p["panels"] as JsonArray ?? []).OfType<JsonObject>()));

    private static IEnumerable<(string Panel, string Expr)> Expressions(JsonObject dashboard) =>
        Panels(dashboard).SelectMany(p => (p["targets"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(t => ((string?)p["title"] ?? "", (string?)t["expr"] ?? "")));

    [Fact]
    public void The_dashboard_folder_holds_exactly_the_documented_dashboards()
    {
        System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)
            .Should().Equal(Expected);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_json_is_valid_with_a_stable_uid_and_unique_panel_ids(string name)
    {
        var dashboard = Load(name);

        using var _ = new AssertionScope();
        ((int?)dashboard["schemaVersion"]).Should().BeGreaterThanOrEqualTo(36);
        // Stable: the uid is the file's name (spark-<x> -> spark-k8s-<x>), so links and provisioning survive edits.
        ((string?)dashboard["uid"]).Should().Be(name.Replace("spark-", "spark-k8s-", StringComparison.Ordinal));
        ((string?)dashboard["uid"])!.Length.Should().BeLessThanOrEqualTo(40);
        ((string?)dashboard["title"]).Should().StartWith("Spark K8s / ");
        var ids = Panels(dashboard).Select(p => (int?)p["id"]).ToList();
        ids.Should().OnlyHaveUniqueItems().And.NotContainNulls();
        Panels(dashboard).Where(p => (string?)p["type"] != "row").Should().NotBeEmpty()
            .And.OnlyContain(p => !string.IsNullOrWhiteSpace((string?)p["title"]) && !string.IsNullOrWhiteSpace((string?)p["description"]));
        Expressions(dashboard).Should().NotBeEmpty().And.OnlyContain(e => e.Expr.Length > 0);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_panel_queries_prometheus_through_the_datasource_variable(string name)
    {
        var dashboard = Load(name);
        var variables = dashboard["templating"]!["list"]!.AsArray().OfType<JsonObject>().ToList();

        using var _ = new AssertionScope();
        var datasource = variables.Should().ContainSingle(v => (string?)v["name"] == "datasource").Subject;
        ((string?)datasource["type"]).Should().Be("datasource");
        ((string?)datasource["query"]).Should().Be("prometheus");
        foreach (var panel in Panels(dashboard).Where(p => (string?)p["type"] != "row"))
        {
            var sources = new[] { panel["datasource"] }.Concat((panel["targets"] as JsonArray ?? []).Select(t => t!["datasource"]));
            sources.Should().OnlyContain(d => d != null && (string?)d["type"] == "prometheus" && (string?)d["uid"] == "${datasource}", (string?)panel["title"]);
        }

        // The release is picked by variables whose defaults the chart fills in; no panel hard-codes a namespace or release.
        variables.Select(v => (string?)v["name"]).Should().Contain(["namespace", "release"]);
        Expressions(dashboard).Should().OnlyContain(e => e.Expr.Contains("$namespace", StringComparison.Ordinal), "every query selects the release's namespace");
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_expression_uses_only_catalogued_metric_names(string name)
    {
        var catalogue = MetricCatalogue.LoadDefault();
        var unknown = Expressions(Load(name))
            .SelectMany(e => PromQlMetricNames.Extract(e.Expr).Select(m => (e.Panel, Metric: m)))
            .Where(e => !catalogue.Contains(e.Metric))
            .Select(e => $"{e.Panel}: {e.Metric}")
            .ToList();

        unknown.Should().BeEmpty("add the series to charts/spark-k8s/monitoring/catalogue/<source>.yaml with its upstream source, or fix the name");
    }

    [Fact]
    public async Task Every_expression_parses_with_promtool()
    {
        var queries = Expected.SelectMany(name => Expressions(Load(name)).Select(e => (name, e.Expr))).ToList();

        var result = await PromtoolCheckRulesAsync(queries);

        result.ExitCode.Should().Be(0, result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task The_promtool_check_fails_on_a_query_that_does_not_parse()
    {
        var result = await PromtoolCheckRulesAsync([("broken", "sum(rate(up{namespace=\"$namespace\"}[$__rate_interval])")]);

        result.ExitCode.Should().NotBe(0);
    }

    /// <summary>
    /// Wraps each query in a recording rule (Grafana variables replaced by what they expand to) and runs
    /// <c>promtool check rules</c> on the file.
    /// </summary>
    private static async Task<ProcessResult> PromtoolCheckRulesAsync(IReadOnlyList<(string Dashboard, string Expr)> queries)
    {
        var promtool = ProcessRunner.FindOnPath("promtool")
            ?? throw new InvalidOperationException("promtool is not installed (apt-get install prometheus; ./test.sh installs it when run as root)");
        using var temp = new TempDirectory();
        var rules = new StringBuilder("groups:\n");
        foreach (var group in queries.GroupBy(q => q.Dashboard))
        {
            rules.Append($"  - name: {group.Key}\n    rules:\n");
            var i = 0;
            foreach (var (_, expr) in group)
            {
                var promql = PromQlMetricNames.SubstituteGrafanaVariables(
                    expr.Replace("$namespace", "spark", StringComparison.Ordinal).Replace("$release", "spark-spark-k8s", StringComparison.Ordinal));
                rules.Append($"      - record: dashboard:{group.Key.Replace('-', '_')}:{i++}\n        expr: {System.Text.Json.JsonSerializer.Serialize(promql)}\n");
            }
        }

        var file = temp.WriteFile("dashboards.rules.yaml", rules.ToString());
        return await ProcessRunner.RunAsync(promtool, ["check", "rules", file], TestContext.Current.CancellationToken, temp.Path);
    }

    [Fact]
    public async Task Each_dashboard_is_one_configmap_with_the_sidecar_label_and_one_json_key()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "monitoring.enabled=true");
        var maps = rendered.OfKind("ConfigMap").Where(m => m.Labels.ContainsKey("grafana_dashboard")).ToList();

        using var _ = new AssertionScope();
        maps.Should().HaveCount(Expected.Length);
        maps.Should().OnlyContain(m => m.Labels["grafana_dashboard"] == "1" && m.Labels[Rendered.ComponentLabel] == "dashboards" && m.Namespace == "spark");
        maps.Select(m => m.Body["data"]!.AsObject().Select(p => p.Key).Single()).Order(StringComparer.Ordinal)
            .Should().Equal(Expected.Select(e => $"{e}.json"));
        var connect = JsonNode.Parse((string)maps.Single(m => m.Body["data"]!["spark-connect.json"] is not null).Body["data"]!["spark-connect.json"]!)!;
        connect["templating"]!["list"]!.AsArray().Where(v => (string?)v!["name"] is "namespace" or "release").Select(v => (string?)v!["query"])
            .Should().Equal("spark", "spark-spark-k8s");
        maps.Should().OnlyContain(m => m.Body["metadata"]!["annotations"] == null);
    }

    [Fact]
    public async Task Label_namespace_and_folder_come_from_the_values()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "monitoring.enabled=true", "monitoring.dashboards.label=dashboards.example.com/load",
            "monitoring.dashboards.labelValue=yes", "monitoring.dashboards.namespace=grafana", "monitoring.dashboards.folder=Spark");
        var maps = rendered.OfKind("ConfigMap").Where(m => m.Labels.ContainsKey("dashboards.example.com/load")).ToList();

        maps.Should().HaveCount(Expected.Length).And.OnlyContain(m =>
            m.Labels["dashboards.example.com/load"] == "yes" && m.Namespace == "grafana" && (string?)m.Body["metadata"]!["annotations"]!["grafana_folder"] == "Spark");
    }

    [Theory]
    [InlineData("monitoring.enabled=false")]
    [InlineData("monitoring.enabled=true", "monitoring.dashboards.enabled=false")]
    public async Task No_dashboards_without_monitoring_or_with_dashboards_off(params string[] sets)
    {
        var rendered = await ChartRender.RenderAsync("4.1", sets);

        rendered.WithComponent("dashboards").Should().BeEmpty();
        rendered.OfKind("ConfigMap").Should().NotContain(m => m.Labels.ContainsKey("grafana_dashboard"));
    }
}
