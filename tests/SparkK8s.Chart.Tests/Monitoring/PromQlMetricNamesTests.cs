using FluentAssertions;
using SparkK8s.Testing.Monitoring;
using Xunit;

namespace SparkK8s.Chart.Tests.Monitoring;

public sealed class PromQlMetricNamesTests
{
    [Theory]
    [InlineData("up", "up")]
    [InlineData("rate(metrics_executor_failedTasks_total{namespace=\"spark\", job=~\"a|b\"}[5m])", "metrics_executor_failedTasks_total")]
    [InlineData("sum by (namespace, pod) (kube_pod_container_status_restarts_total)", "kube_pod_container_status_restarts_total")]
    [InlineData("sum(rate(a_total[5m])) without (instance) / ignoring (le) group_left (x) b", "a_total,b")]
    [InlineData("max_over_time(pg_up[10m:1m] offset 1h)", "pg_up")]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))", "http_request_duration_seconds_bucket")]
    [InlineData("{__name__=\"minio_cluster_health_status\", job=\"x\"} == bool 0", "minio_cluster_health_status")]
    [InlineData("slo:connect_errors:ratio_rate5m > (14.4 * 0.001) and on (namespace) x", "slo:connect_errors:ratio_rate5m,x")]
    [InlineData("label_replace(kube_pod_info, \"dst\", \"$1\", \"pod\", \"(.*)\")", "kube_pod_info")]
    [InlineData("time() - kube_cronjob_status_last_successful_time > 1e3 unless absent(y)", "kube_cronjob_status_last_successful_time,y")]
    [InlineData("sum(rate(a[$__rate_interval])) by (pod) / $scale", "a")]
    [InlineData("rate(a{pod=~\"$pod\", ns=\"${namespace}\"}[${__interval}]) @ end()", "a")]
    [InlineData("count(b) by (x) > 0 # a comment naming not_a_metric", "b")]
    public void Extracts_the_selected_metric_names(string expression, string expected)
    {
        PromQlMetricNames.Extract(expression).Should().Equal(expected.Split(','));
    }

    [Fact]
    public void Grafana_variables_outside_strings_are_substituted()
    {
        PromQlMetricNames.SubstituteGrafanaVariables("rate(a{pod=\"$pod\"}[$__rate_interval]) * $k")
            .Should().Be("rate(a{pod=\"$pod\"}[5m]) * 1");
    }

    [Theory]
    [InlineData("rat(a[5m])")]
    [InlineData("sum(a")]
    [InlineData("a{x=\"1\"")]
    public void Malformed_or_unknown_calls_fail(string expression)
    {
        var act = () => PromQlMetricNames.Extract(expression);
        act.Should().Throw<FormatException>();
    }
}
