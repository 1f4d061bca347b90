using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Chart.Tests.Network;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests.Monitoring;

/// <summary>
/// MLflow's Prometheus metrics (issue 12 §1): mlflow server --expose-prometheus with monitoring.enabled, the
/// multiprocess directory on a writable emptyDir, the pod address among the allowed Host headers (Prometheus scrapes
/// the pod IP), a ServiceMonitor on the app port, and nothing of it with basic auth, which protects /metrics.
/// </summary>
public sealed class MlflowMetricsTests
{
    private const string Dir = "/tmp/prometheus";

    private static JsonObject Server(Rendered rendered) => rendered.Single("Deployment", "mlflow").Container("mlflow");

    private static List<string> Args(JsonObject container) => container["args"]!.AsArray().Select(a => (string)a!).ToList();

    private static string AllowedHosts(JsonObject container)
    {
        var args = Args(container);
        return args[args.IndexOf("--allowed-hosts") + 1];
    }

    [Fact]
    public async Task Monitoring_turns_on_the_exporter_on_a_writable_directory_and_a_service_monitor_on_the_app_port()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "mlflow.enabled=true", "monitoring.enabled=true");
        var server = Server(rendered);
        var args = Args(server);
        var pod = rendered.Single("Deployment", "mlflow").PodSpec!;
        var monitor = rendered.OfKind("ServiceMonitor").Single(m => m.Labels[Rendered.ComponentLabel] == "mlflow");
        var endpoint = monitor.Body["spec"]!["endpoints"]!.AsArray().Single()!;
        var service = rendered.Single("Service", "mlflow");

        using var scope = new AssertionScope();
        args[args.IndexOf("--expose-prometheus") + 1].Should().Be(Dir);
        ((string?)server.EnvVar("PROMETHEUS_MULTIPROC_DIR")["value"]).Should().Be(Dir);
        ((string?)server.EnvVar("POD_IP")["valueFrom"]!["fieldRef"]!["fieldPath"]).Should().Be("status.podIP");
        // Under readOnlyRootFilesystem the directory must be on an emptyDir mount.
        var mount = PodSpecs.Items(server, "volumeMounts").Single(m => Dir.StartsWith((string)m["mountPath"]! + "/", StringComparison.Ordinal));
        PodSpecs.Items(pod, "volumes").Single(v => (string?)v["name"] == (string?)mount["name"])["emptyDir"].Should().NotBeNull();
        // MLflow compares a pattern without "*" to the Host header exactly (security_utils.py is_allowed_host_header);
        // Prometheus sends <pod IP>:<port>, and Kubernetes expands $(POD_IP) from the env above.
        AllowedHosts(server).Split(',').Should().Contain(["$(POD_IP):5000", "[$(POD_IP)]:5000"]).And.NotContain("*");
        ((string?)endpoint["port"]).Should().Be("http");
        ((string?)endpoint["path"]).Should().Be("/metrics");
        service.Body["spec"]!["ports"]!.AsArray().Select(p => (string?)p!["name"]).Should().Contain("http");
        KubeSchema.Validate(monitor).Should().BeEmpty();
    }

    [Fact]
    public async Task Without_monitoring_the_server_exports_nothing()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "mlflow.enabled=true");
        var server = Server(rendered);

        using var scope = new AssertionScope();
        Args(server).Should().NotContain("--expose-prometheus");
        server.Env().Select(e => (string?)e["name"]).Should().NotContain(["POD_IP", "PROMETHEUS_MULTIPROC_DIR"]);
        AllowedHosts(server).Should().NotContain("POD_IP");
    }

    [Fact]
    public async Task With_basic_auth_the_exporter_stays_off_and_prometheus_gets_no_way_in()
    {
        // mlflow/server/auth/__init__.py is_unprotected_route: only /static, /favicon.ico and /health skip the password.
        var rendered = await ChartRender.RenderAsync("4.1", "mlflow.enabled=true", "mlflow.auth.enabled=true", "monitoring.enabled=true");
        var evaluator = new NetworkPolicyEvaluator(rendered.Objects);
        var prometheus = new NetworkPod("prometheus-0", "monitoring", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" }, []);
        var mlflow = ReleaseNetwork.Pods(rendered).Single(p => ReleaseNetwork.Component(p) == "mlflow");

        using var scope = new AssertionScope();
        Args(Server(rendered)).Should().NotContain("--expose-prometheus");
        rendered.Objects.Where(o => o.Kind is "ServiceMonitor" or "PodMonitor").Select(m => m.Labels[Rendered.ComponentLabel]).Should().NotContain("mlflow");
        evaluator.Allows(prometheus, mlflow, 5000).Should().BeFalse();
    }

    [Fact]
    public async Task The_start_script_empties_the_directory_of_a_previous_containers_files()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "mlflow.enabled=true", "monitoring.enabled=true");
        var server = Server(rendered);
        using var work = new TempDirectory("mlflow-metrics");
        var dir = Path.Combine(work.Path, "prometheus");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "counter_41.db"), "stale", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "histogram_41.db"), "stale", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "notes.txt"), "kept", TestContext.Current.CancellationToken);
        var fake = Path.Combine(work.Path, "mlflow");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\nexit 0\n", TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add((string)server["command"]![2]!);
        foreach (var arg in Args(server))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATH"] = $"{work.Path}:{Environment.GetEnvironmentVariable("PATH")}";
        foreach (var name in new[] { "MLFLOW_DB_HOST", "MLFLOW_DB_PORT", "MLFLOW_DB_NAME", "MLFLOW_DB_USER" })
        {
            start.Environment[name] = (string?)server.EnvVar(name)["value"];
        }

        start.Environment["MLFLOW_DB_PASSWORD"] = "secret";
        start.Environment["PROMETHEUS_MULTIPROC_DIR"] = dir;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        process.ExitCode.Should().Be(0, await errors);
        Directory.GetFiles(dir).Select(Path.GetFileName).Should().Equal("notes.txt");
    }
}
