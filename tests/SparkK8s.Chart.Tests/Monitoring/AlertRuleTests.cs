using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Testing;
using SparkK8s.Testing.Monitoring;
using Xunit;

namespace SparkK8s.Chart.Tests.Monitoring;

/// <summary>
/// Issue 12 §2: the PrometheusRule passes promtool, every group has a promtool unit test that passes, every expression
/// uses only catalogued series, every alert is complete and links to a runbook that exists in both languages, and the
/// thresholds are values.
/// </summary>
public sealed class AlertRuleTests
{
    /// <summary>The alerts issue 12 §2 requires, by name (what each covers is in docs/en/observability.md).</summary>
    private static readonly string[] RequiredAlerts =
    [
        "SparkConnectDown", "SparkDriverHeapPressure", "SparkExecutorOOMKilled", "SparkExecutorLossRate", "SparkTaskFailureRate",
        "SparkJobStalled", "SparkHistoryServerDown", "HiveMetastoreDown", "PostgreSQLDown", "PostgreSQLConnectionsNearMax",
        "PostgreSQLDiskFilling", "MinIODown", "MinIODiskFilling", "BackupJobFailed", "BackupRPOExceeded", "BackupVerifyFailed",
        "PodCrashLooping", "PVCFilling", "SparkConnectAvailabilityBudgetBurn", "BackupFreshnessBudgetBurn",
        "AirflowSchedulerDown", "AirflowDagImportErrors", "AirflowTaskFailureRate",
    ];

    private static readonly Lazy<MetricCatalogue> Catalogue = new(MetricCatalogue.LoadDefault);

    private static async Task<string> RuleFileAsync(string version, params string[] sets) =>
        MonitoringRenders.RuleFile(await ChartRender.RenderAsync(MonitoringRenders.Full(version, sets)));

    /// <summary>Renders with monitoring.rules given as YAML (helm --set turns 0.75 into a string, which the schema refuses).</summary>
    private static async Task<string> RuleFileWithRulesAsync(string rulesYaml) =>
        MonitoringRenders.RuleFile(await ChartRender.RenderAsync(MonitoringRenders.Full("4.1") with
        {
            ValuesYaml = "monitoring:\n  rules:\n" + string.Join('\n', rulesYaml.Split('\n').Select(l => "    " + l)),
        }));

    private static IEnumerable<JsonObject> Alerts(string ruleFile) =>
        JsonNode.Parse(ruleFile)!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).OfType<JsonObject>().Where(r => r["alert"] is not null);

    public static TheoryData<string> Versions() => ChartRender.Versions();

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Promtool.FixtureDirectory, "*.test.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Promtool_accepts_the_rendered_rules(string version)
    {
        var result = await Promtool.CheckRulesAsync(await RuleFileAsync(version), TestContext.Current.CancellationToken);

        result.Succeeded.Should().BeTrue(result.StandardOutput + result.StandardError);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Promtool_unit_tests_of_each_group_pass(string fixture)
    {
        var result = await Promtool.TestRulesAsync(await RuleFileAsync("4.1"), Path.Combine(Promtool.FixtureDirectory, fixture), TestContext.Current.CancellationToken);

        result.Succeeded.Should().BeTrue(result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task Every_group_has_its_unit_test_file_and_every_test_file_its_group()
    {
        var groups = Promtool.GroupNames(await RuleFileAsync("4.1"));
        var files = Directory.GetFiles(Promtool.FixtureDirectory, "*.test.yaml").Select(f => Path.GetFileName(f)[..^".test.yaml".Length]);

        files.Should().BeEquivalentTo(groups);
    }

    [Fact]
    public async Task The_required_alerts_exist()
    {
        Alerts(await RuleFileAsync("4.1")).Select(a => (string)a["alert"]!).Distinct().Should().Contain(RequiredAlerts);
    }

    [Fact]
    public async Task The_airflow_group_renders_only_with_airflow_and_its_statsd_exporter()
    {
        using var scope = new AssertionScope();
        Promtool.GroupNames(await RuleFileAsync("4.1")).Should().Contain("airflow");
        Promtool.GroupNames(await RuleFileAsync("4.1", "airflow.enabled=false")).Should().NotContain("airflow");
        Promtool.GroupNames(await RuleFileAsync("4.1", "airflow.statsd.enabled=false")).Should().NotContain("airflow");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_expression_uses_only_catalogued_series_of_its_spark_line(string version)
    {
        var ruleFile = await RuleFileAsync(version);
        var recorded = Promtool.RecordingRules(ruleFile);
        var unknown = Promtool.Expressions(ruleFile)
            .SelectMany(e => PromQlMetricNames.Extract(e.Expr).Select(name => (e.Rule, Name: name)))
            .Where(x => !recorded.Contains(x.Name) && !Catalogue.Value.Contains(x.Name, version))
            .Select(x => $"{x.Rule}: {x.Name}")
            .ToList();

        unknown.Should().BeEmpty("every series must be in charts/spark-k8s/monitoring/catalogue/");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_alert_is_complete_and_its_runbook_exists_in_both_languages(string version)
    {
        var alerts = Alerts(await RuleFileAsync(version)).ToList();

        using var scope = new AssertionScope();
        alerts.Should().NotBeEmpty();
        foreach (var alert in alerts)
        {
            var name = (string)alert["alert"]!;
            ((string?)alert["labels"]?["severity"]).Should().BeOneOf(["critical", "warning", "info"], name);
            ((string?)alert["annotations"]?["summary"]).Should().NotBeNullOrWhiteSpace(name);
            ((string?)alert["annotations"]?["description"]).Should().NotBeNullOrWhiteSpace(name);
            var url = (string?)alert["annotations"]?["runbook_url"] ?? "";
            url.Should().StartWith("docs/en/runbooks/", name).And.EndWith(".md", name);
            var file = url["docs/en/runbooks/".Length..];
            File.Exists(Path.Combine(RepoPaths.Root, "docs", "en", "runbooks", file)).Should().BeTrue($"{name}: {url}");
            File.Exists(Path.Combine(RepoPaths.Root, "docs", "ru", "runbooks", file)).Should().BeTrue($"{name}: the Russian twin of {url}");
        }
    }

    [Fact]
    public async Task The_runbook_base_url_and_extra_labels_come_from_values()
    {
        var alerts = Alerts(await RuleFileAsync("4.1", "monitoring.rules.runbookBaseUrl=https://git.example.com/spark-k8s/blob/main/docs/en/runbooks/", "monitoring.rules.additionalLabels.team=data")).ToList();

        using var scope = new AssertionScope();
        foreach (var alert in alerts)
        {
            ((string)alert["annotations"]!["runbook_url"]!).Should().MatchRegex("^https://git[.]example[.]com/spark-k8s/blob/main/docs/en/runbooks/[a-z0-9-]+[.]md$");
            ((string?)alert["labels"]?["team"]).Should().Be("data");
        }
    }

    [Theory]
    [InlineData("driverHeapRatio: 0.75", "SparkDriverHeapPressure", "> 0.75", null)]
    [InlineData("driverHeapFor: 20m", "SparkDriverHeapPressure", null, "20m")]
    [InlineData("backupRpoHours: 2", "BackupRPOExceeded", "> 7200", null)]
    [InlineData("crashLoopRestarts: 7", "PodCrashLooping", "> 7", null)]
    [InlineData("downFor: 1m", "HiveMetastoreDown", null, "1m")]
    [InlineData("postgresqlConnectionsRatio: 0.6", "PostgreSQLConnectionsNearMax", "> 0.6", null)]
    [InlineData("jobStalledWindow: 1h", "SparkJobStalled", "[1h]", null)]
    [InlineData("executorLossCount: 9", "SparkExecutorLossRate", "> 9", null)]
    [InlineData("taskFailureRatio: 0.2", "SparkTaskFailureRate", "> 0.2", null)]
    public async Task Thresholds_and_durations_are_values(string rulesYaml, string alert, string? exprPart, string? forValue)
    {
        var rule = Alerts(await RuleFileWithRulesAsync(rulesYaml)).First(a => (string)a["alert"]! == alert);

        if (exprPart is not null)
        {
            ((string)rule["expr"]!).Should().Contain(exprPart);
        }

        if (forValue is not null)
        {
            ((string?)rule["for"]).Should().Be(forValue);
        }
    }

    [Fact]
    public async Task The_slo_thresholds_follow_the_objective()
    {
        var burn = Alerts(await RuleFileWithRulesAsync("slo: {connectAvailability: 0.99, backupFreshness: 0.99}"))
            .Where(a => (string)a["alert"]! == "SparkConnectAvailabilityBudgetBurn").Select(a => (string)a["expr"]!).ToList();

        // 14.4, 6, 3 and 1 times the 1% budget (Google SRE workbook, table 6).
        burn.Should().HaveCount(4);
        burn[0].Should().Contain("ratio_rate1h{").And.Contain("> 0.144").And.Contain("ratio_rate5m{");
        burn[1].Should().Contain("ratio_rate6h{").And.Contain("> 0.06").And.Contain("ratio_rate30m{");
        burn[2].Should().Contain("ratio_rate1d{").And.Contain("> 0.03").And.Contain("ratio_rate2h{");
        burn[3].Should().Contain("ratio_rate3d{").And.Contain("> 0.01").And.Contain("ratio_rate6h{");
    }

    [Fact]
    public async Task Disabled_components_bring_no_alert_group()
    {
        var groups = Promtool.GroupNames(MonitoringRenders.RuleFile(await ChartRender.RenderAsync(RenderInput.Version("4.1",
            "monitoring.enabled=true", "postgresql.enabled=false", "metastore.externalDatabase.host=db.example.invalid",
            "metastore.externalDatabase.existingSecret=db", "minio.enabled=false", "s3.endpoint=https://s3.example.invalid",
            "s3.credentials.existingSecret=s3"))));

        groups.Should().NotContain(["postgresql", "minio", "backups", "slo-backup"]);
    }
}
