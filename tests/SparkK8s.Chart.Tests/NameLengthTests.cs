using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>Long release names are cut with a hash suffix: names stay within Kubernetes' limits, unique, and keep -r&lt;revision&gt;.</summary>
public class NameLengthTests
{
    // Helm's longest release name: 53 characters.
    private const string LongRelease = "analytics-platform-production-eu-central-1-team-data5";

    private static Task<Rendered> RenderLongAsync() => ChartRender.RenderAsync(new RenderInput(
        Release: LongRelease,
        ValuesYaml: """
            backup:
              enabled: true
              verify: {enabled: true}
              databases:
                airflow-production-scheduler-metadata-primary:
                  {enabled: true, host: db1, database: a, username: a, existingSecret: s1, passwordKey: p}
                airflow-production-scheduler-metadata-replica:
                  {enabled: true, host: db2, database: b, username: b, existingSecret: s2, passwordKey: p}
            restore: {enabled: true, backupId: latest, database: airflow-production-scheduler-metadata-primary}
            """));

    [Fact]
    public async Task The_restore_job_keeps_its_revision_suffix()
    {
        var job = (await RenderLongAsync()).OfKind("Job").Single(j => j.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "restore");

        job.Name.Should().EndWith("-r1");
        job.Name.Length.Should().BeLessThanOrEqualTo(52);
    }

    [Fact]
    public async Task Two_long_backup_names_give_two_cron_jobs()
    {
        var cronJobs = (await RenderLongAsync()).OfKind("CronJob").Select(c => c.Name).ToList();

        cronJobs.Should().HaveCount(6, "metastore, primary and replica each have a backup and a verify CronJob").And.OnlyHaveUniqueItems();
        cronJobs.Should().AllSatisfy(n => n.Length.Should().BeLessThanOrEqualTo(52, "CronJob names leave 11 characters for the Job suffix"));
    }

    [Fact]
    public async Task Every_object_name_fits_and_is_unique_per_kind()
    {
        var rendered = await RenderLongAsync();

        LongRelease.Should().HaveLength(53, "Helm allows 53 characters");
        rendered.Objects.Should().AllSatisfy(o => o.Name.Length.Should().BeLessThanOrEqualTo(63, o.DisplayName));
        rendered.Objects.GroupBy(o => (o.Kind, o.Name)).Where(g => g.Count() > 1).Select(g => g.Key).Should().BeEmpty();
        rendered.SparkDefaults("connect")["spark.kubernetes.executor.podNamePrefix"].Length.Should().BeLessThanOrEqualTo(47);
    }
}
