using System.Text.Json;
using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.CostAndSizing;

public class CostCommandTests
{
    private static string Logs => RepoPaths.SparkEventLogs;

    [Fact]
    public async Task Json_has_apps_groups_and_totals_with_the_agreed_fields()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("cost", Logs, "--output", "json", "--group-by", "user");

        exit.Should().Be(0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        root.GetProperty("apps").GetArrayLength().Should().Be(6);
        var app = root.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("appId").GetString() == "application_1628109047826_1317105");
        foreach (var field in new[] { "appId", "appName", "user", "sparkVersion", "startMs", "endMs", "executorCount", "executorSeconds", "executorCoreSeconds", "taskCount", "taskRunSeconds", "utilization", "costUsd", "wasteUsd", "labels" })
        {
            app.TryGetProperty(field, out _).Should().BeTrue($"apps[] must have '{field}'");
        }

        app.GetProperty("executorCount").GetInt32().Should().Be(10);
        app.GetProperty("executorCoreSeconds").GetDouble().Should().BeApproximately(1696.744, 1e-9);
        app.GetProperty("taskCount").GetInt32().Should().Be(5);
        app.GetProperty("utilization").GetDouble().Should().BeApproximately(113648.0 / 1696744, 1e-12);
        root.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()).Should().Contain(["john", "terryk"]);
        root.GetProperty("totals").GetProperty("apps").GetInt32().Should().Be(6);
        root.GetProperty("totals").GetProperty("costUsd").GetDouble().Should().BeGreaterThan(0);
        stderr.Should().Contain("README.md", "the non-log file is reported as skipped on stderr");
    }

    [Fact]
    public async Task Csv_lists_groups_or_apps_and_ends_with_totals()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("cost", Logs, "--output", "csv", "--by-app");

        exit.Should().Be(0);
        var lines = stdout.TrimEnd('\n').Split('\n');
        lines[0].Should().StartWith("appId,appName,user,group,namespace,startMs,endMs");
        lines.Should().HaveCount(1 + 6 + 1);
        lines[^1].Should().StartWith("TOTAL,");
        lines.Should().Contain(l => l.StartsWith("local-1766844910796,<script>alert('XSS')</script>,", StringComparison.Ordinal));

        var (_, groups, _) = await CliRunner.RunAsync("cost", Logs, "--output", "csv");
        groups.Split('\n')[0].Should().Be("group,apps,coreHours,gibHours,utilization,costUsd,wasteUsd");
    }

    [Fact]
    public async Task Table_output_names_the_pricing_and_flags_low_utilization()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("cost", Path.Combine(Logs, "app-20200706201101-0003"), "--by-app", "--node-type", "n2-standard-8");

        exit.Should().Be(0);
        stdout.Should().Contain("Priced as n2-standard-8").And.Contain("Cost by team").And.Contain("TOTAL");
        stdout.Should().Contain("low utilization: app-20200706201101-0003").And.Contain("idle for 341 s");
    }

    [Fact]
    public async Task Fail_on_waste_sets_exit_1_only_when_asked_and_exceeded()
    {
        var (plain, _, _) = await CliRunner.RunAsync("cost", Logs, "--output", "json");
        var (exceeded, _, stderr) = await CliRunner.RunAsync("cost", Logs, "--output", "json", "--fail-on-waste", "50");
        var (notExceeded, _, _) = await CliRunner.RunAsync("cost", Path.Combine(Logs, "application_1553914137147_0018"), "--output", "json", "--fail-on-waste", "50");

        plain.Should().Be(0, "findings never change the exit code by themselves");
        exceeded.Should().Be(1);
        stderr.Should().Contain("waste: app-20200706201101-0003 wasted");
        notExceeded.Should().Be(0, "LargeBlocks wasted about a third of its executor cost");
    }

    [Fact]
    public async Task Since_filters_by_start_time()
    {
        // Only the 2021 and 2025 logs start after 2021-01-01.
        var (exit, stdout, _) = await CliRunner.RunAsync("cost", Logs, "--output", "json", "--since", "2021-01-01");

        exit.Should().Be(0);
        using var json = JsonDocument.Parse(stdout);
        json.RootElement.GetProperty("apps").EnumerateArray().Select(a => a.GetProperty("appId").GetString())
            .Should().BeEquivalentTo(["application_1628109047826_1317105", "local-1766844910796"]);
    }

    [Theory]
    [InlineData("--fail-on-waste", "150", "--fail-on-waste")]
    [InlineData("--since", "yesterday", "--since")]
    [InlineData("--prices", "/nonexistent/prices.yaml", "--prices")]
    [InlineData("--node-type", "m99.huge", "--node-type")]
    [InlineData("--output", "xml", "--output")]
    public async Task Bad_options_exit_2_naming_the_flag_with_no_output(string flag, string value, string named)
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("cost", Logs, flag, value);

        exit.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(named).And.NotContain("   at ");
    }

    [Fact]
    public async Task A_missing_path_or_empty_directory_exits_2()
    {
        using var empty = new TempDirectory();

        var (missing, _, missingErr) = await CliRunner.RunAsync("cost", "/nonexistent/logs");
        var (emptyExit, _, emptyErr) = await CliRunner.RunAsync("cost", empty.Path);

        missing.Should().Be(2);
        missingErr.Should().Contain("PATH: '/nonexistent/logs' does not exist");
        emptyExit.Should().Be(2);
        emptyErr.Should().Contain("no Spark event logs");
    }

    [Fact]
    public async Task A_gzip_single_log_exits_2_naming_the_codec()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("app-1.gz", "x");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("cost", path);

        exit.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("compressed with 'gzip'");
    }

    [Fact]
    public async Task A_corrupt_zstd_single_log_exits_1_naming_the_file_without_a_stack_trace()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("app-1.zstd", "x");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("cost", path);

        exit.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(path).And.Contain("zstd").And.NotContain("Exception").And.NotContain("   at ");
    }

    [Theory]
    [InlineData("lz4")]
    [InlineData("lzf")]
    [InlineData("snappy")]
    [InlineData("zstd")]
    public async Task Compressed_logs_cost_exactly_what_the_uncompressed_logs_cost(string codec)
    {
        var (plainExit, plain, _) = await CliRunner.RunAsync("cost", Logs, "--output", "json", "--group-by", "app");
        var (exit, compressed, stderr) = await CliRunner.RunAsync("cost", Path.Combine(RepoPaths.CompressedSparkEventLogs, codec), "--output", "json", "--group-by", "app");

        plainExit.Should().Be(0);
        exit.Should().Be(0, stderr);
        static string WithoutSources(string json) => System.Text.RegularExpressions.Regex.Replace(json, "\"source\": *\"[^\"]*\"", "");
        using var a = JsonDocument.Parse(plain);
        using var b = JsonDocument.Parse(compressed);
        WithoutSources(b.RootElement.GetProperty("apps").GetRawText()).Should().Be(WithoutSources(a.RootElement.GetProperty("apps").GetRawText()));
        b.RootElement.GetProperty("groups").GetRawText().Should().Be(a.RootElement.GetProperty("groups").GetRawText());
        b.RootElement.GetProperty("totals").GetRawText().Should().Be(a.RootElement.GetProperty("totals").GetRawText());
    }

    [Fact]
    public async Task Terminal_control_sequences_in_app_names_never_reach_the_terminal_and_csv_fields_cannot_run_as_formulas()
    {
        using var temp = new TempDirectory();
        var builder = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-evil", "\tname\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u009b1m", "\r=cmd|' /C calc'!A0", 1_700_000_000_000)
            .ExecutorAdded("1", 1_700_000_001_000, 2).ApplicationEnd(1_700_000_100_000);
        var path = temp.WriteFile("app-evil", builder.Build());

        var (exit, table, tableErrors) = await CliRunner.RunAsync("cost", path, "--by-app", "--group-by", "user");
        var (csvExit, csv, _) = await CliRunner.RunAsync("cost", path, "--by-app", "--output", "csv");

        exit.Should().Be(0, tableErrors);
        csvExit.Should().Be(0);
        (table + tableErrors).Should().NotContain("\u001b").And.NotContain("\u009b").And.NotContain("\u0007").And.NotContain("pwned");
        table.Should().Contain("namered");
        var row = csv.Split('\n').Single(l => l.StartsWith("app-evil,", StringComparison.Ordinal));
        row.Should().NotContain("\u001b").And.Contain(",'\tnamered,").And.Contain(",\"'\r=cmd|' /C calc'!A0\",");
    }

    [Fact]
    public async Task Hundreds_of_low_utilization_findings_are_summarised()
    {
        using var temp = new TempDirectory();
        for (var i = 0; i < 60; i++)
        {
            temp.WriteFile($"app-{i:000}", SparkEventLogBuilder.SimpleApp($"app-{i:000}", executors: 8).Build());
        }

        var (exit, stdout, stderr) = await CliRunner.RunAsync("cost", temp.Path);

        exit.Should().Be(0, stderr);
        var findings = stdout.Split('\n').Where(l => l.Contains("low utilization", StringComparison.Ordinal) || l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        stdout.Should().Contain("low utilization: 60 apps");
        stdout.Split('\n').Count(l => l.Contains("wasted:", StringComparison.Ordinal)).Should().Be(5, "the five most wasteful apps are named");
        findings.Count.Should().BeLessThan(15);
    }

    [Fact]
    public async Task The_same_warning_for_many_apps_is_one_line_with_a_count()
    {
        using var temp = new TempDirectory();
        for (var i = 0; i < 30; i++)
        {
            var lines = SparkEventLogBuilder.SimpleApp($"app-{i:00}").Build().TrimEnd('\n').Split('\n');
            temp.WriteFile($"app-{i:00}.inprogress", string.Join('\n', lines[..^1]) + "\n");
        }

        var (exit, _, stderr) = await CliRunner.RunAsync("cost", temp.Path);

        exit.Should().Be(0, stderr);
        var warnings = stderr.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToList();
        warnings.Should().ContainSingle().Which.Should().StartWith("warning: 30 apps (app-00, app-01, app-02, ...): the application is still running");
    }
}
