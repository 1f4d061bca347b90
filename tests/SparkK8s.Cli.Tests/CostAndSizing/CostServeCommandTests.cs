using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.CostAndSizing;

/// <summary>
/// <c>cost serve</c> as a real process on loopback: its /metrics must say what <c>cost --output json</c> says about the
/// same logs, and SIGTERM must stop it cleanly.
/// </summary>
public partial class CostServeCommandTests
{
    private static string Logs => RepoPaths.SparkEventLogs;

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)",?""")]
    private static partial Regex LabelPair();

    private sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private static List<Sample> Parse(string exposition) =>
    [
        .. exposition.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(line =>
        {
            var match = SampleLine().Match(line);
            match.Success.Should().BeTrue($"'{line}' is a sample line");
            var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => Regex.Unescape(m.Groups["value"].Value));
            return new Sample(match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));
        }),
    ];

    private static Process StartServe(int port, params string[] extra)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "spark-k8s.dll"), "cost", "serve", "--events", Logs, "--listen", $"127.0.0.1:{port}", .. extra])
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment["XDG_CACHE_HOME"] = CliRunner.EmptyCache;
        return Process.Start(startInfo)!;
    }

    /// <summary>
    /// Waits for /readyz. The bound is generous on purpose: the test host starts the CLI without ReadyToRun, and under a
    /// full CI run (chart tests running helm on both cores beside it, load average about 19) it once did not answer
    /// within 30 s, while it answers in about 3 s under the same load alone.
    /// This checks behaviour, not speed (start-up figures are in benchmarks/).
    /// </summary>
    private static async Task<HttpResponseMessage> WaitReadyAsync(HttpClient http, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            try
            {
                var response = await http.GetAsync($"http://127.0.0.1:{port}/readyz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
                {
                    return response;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    [Fact]
    public async Task Metrics_on_loopback_equal_cost_json_per_team_namespace_app_and_job_and_SIGTERM_exits_0()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var port = FreePort.Next();
        using var process = StartServe(port, "--group-by", "user", "--output", "json");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var http = new HttpClient();
        List<Sample> samples;
        try
        {
            (await WaitReadyAsync(http, port, cancellationToken)).StatusCode.Should().Be(HttpStatusCode.OK);
            (await http.GetAsync($"http://127.0.0.1:{port}/healthz", cancellationToken)).StatusCode.Should().Be(HttpStatusCode.OK);
            (await http.GetAsync($"http://127.0.0.1:{port}/nothing", cancellationToken)).StatusCode.Should().Be(HttpStatusCode.NotFound);
            var metrics = await http.GetAsync($"http://127.0.0.1:{port}/metrics", cancellationToken);
            metrics.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
            samples = Parse(await metrics.Content.ReadAsStringAsync(cancellationToken));
        }
        finally
        {
            Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        }

        using (var exited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            exited.CancelAfter(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(exited.Token);
        }

        process.ExitCode.Should().Be(0, await stderr);
        var log = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").GetString()).ToList();
        log.Should().StartWith("listening").And.Contain("scan").And.EndWith("stopped");

        // The team label holds the --group-by attribution (user here); spark_namespace, spark_app and spark_job are cost's own groupings.
        foreach (var (groupBy, label) in new[] { ("user", "team"), ("namespace", "spark_namespace"), ("app", "spark_app"), ("job", "spark_job") })
        {
            var cost = await CliRunner.RunAsync("cost", Logs, "--group-by", groupBy, "--output", "json");
            cost.ExitCode.Should().Be(0, cost.Stderr);
            using var json = cost.Json();
            var groups = json.RootElement.GetProperty("groups").EnumerateArray().ToList();
            groups.Should().NotBeEmpty();
            foreach (var group in groups)
            {
                var name = group.GetProperty("group").GetString()!;
                Sum(samples, "spark_k8s_cost_dollars", label, name).Should().BeApproximately(group.GetProperty("costUsd").GetDouble(), 1e-12, $"{label}={name}");
                Sum(samples, "spark_k8s_cost_waste_dollars", label, name).Should().BeApproximately(group.GetProperty("wasteUsd").GetDouble(), 1e-12, $"{label}={name}");
                Sum(samples, "spark_k8s_cost_core_seconds", label, name).Should().BeApproximately(group.GetProperty("coreHours").GetDouble() * 3600, 1e-6, $"{label}={name}");
                Sum(samples, "spark_k8s_cost_applications", label, name).Should().Be(group.GetProperty("apps").GetInt32(), $"{label}={name}");
            }

            var totals = json.RootElement.GetProperty("totals");
            samples.Where(s => s.Name == "spark_k8s_cost_dollars").Sum(s => s.Value).Should().BeApproximately(totals.GetProperty("costUsd").GetDouble(), 1e-12);
        }

        samples.Single(s => s.Name == "spark_k8s_cost_logs_priced").Value.Should().Be(6);
        samples.Single(s => s.Name == "spark_k8s_cost_logs_skipped").Value.Should().Be(1, "README.md is not a log");
        samples.Single(s => s.Name == "spark_k8s_cost_last_scan_success_timestamp_seconds").Value.Should().BeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds());
        samples.Single(s => s.Name == "spark_k8s_cost_bytes_read_total").Value.Should().BeGreaterThan(0);
        samples.Where(s => s.Labels.ContainsKey("spark_app")).Should().OnlyContain(s => !s.Labels["spark_app"].StartsWith("app-", StringComparison.Ordinal) && !s.Labels["spark_app"].StartsWith("application_", StringComparison.Ordinal), "app ids are never labels");
    }

    private static double Sum(List<Sample> samples, string metric, string label, string value) =>
        samples.Where(s => s.Name == metric && s.Labels[label] == value).Sum(s => s.Value);

    [Theory]
    [InlineData("--listen", "9108", "--listen")]
    [InlineData("--listen", "127.0.0.1:99999", "--listen")]
    [InlineData("--interval", "1s", "--interval")]
    [InlineData("--interval", "soon", "--interval")]
    [InlineData("--max-series", "0", "--max-series")]
    [InlineData("--since", "yesterday", "--since")]
    [InlineData("--node-type", "no-such-node", "--node-type")]
    [InlineData("--s3-endpoint", "minio:9000", "--s3-endpoint")]
    public async Task Bad_flags_exit_2_naming_the_flag_before_listening(string flag, string value, string mention)
    {
        var result = await CliRunner.RunAsync("cost", "serve", "--events", Logs, "--listen", "127.0.0.1:1", flag, value);

        result.ShouldBeUsageError(mention);
    }

    [Fact]
    public async Task Missing_or_absent_events_exit_2_naming_events()
    {
        (await CliRunner.RunAsync("cost", "serve")).ShouldBeUsageError("--events");
        (await CliRunner.RunAsync("cost", "serve", "--events", "/nonexistent/events")).ShouldBeUsageError("--events", "/nonexistent/events");
        (await CliRunner.RunAsync("cost", "serve", "--events", "s3:///prefix")).ShouldBeUsageError("no bucket");
    }

    [Fact]
    public async Task A_port_in_use_exits_1_naming_it()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var result = await CliRunner.RunAsync("cost", "serve", "--events", Logs, "--listen", $"127.0.0.1:{port}");

        result.ExitCode.Should().Be(1, result.Stderr);
        result.ShouldHaveNoStackTrace();
        result.Stderr.Should().Contain($"127.0.0.1:{port}").And.Contain("--listen").And.NotContain("Exception");
    }
}
