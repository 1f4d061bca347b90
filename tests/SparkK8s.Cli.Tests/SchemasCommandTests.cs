using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>
/// <c>spark-k8s schemas fetch</c> with a stand-in kubectl that answers like the real one (the response shapes of
/// <c>kubectl version -o json</c> and <c>kubectl get --raw /openapi/v2</c>), run as a separate process with its own
/// XDG_CACHE_HOME; then validate uses what it stored.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SchemasCommandTests : IDisposable
{
    /// <summary>The shape of `kubectl version -o json` against a reachable cluster (kubectl 1.31).</summary>
    private const string VersionJson = """
        {
          "clientVersion": {"major": "1", "minor": "31", "gitVersion": "v1.31.2", "gitCommit": "5864a4677267e6adeae276ad85882a8714d69d9d", "gitTreeState": "clean", "buildDate": "2024-10-22T20:35:25Z", "goVersion": "go1.22.8", "compiler": "gc", "platform": "linux/amd64"},
          "kustomizeVersion": "v5.4.2",
          "serverVersion": {"major": "1", "minor": "31", "gitVersion": "v1.31.2", "gitCommit": "5864a4677267e6adeae276ad85882a8714d69d9d", "gitTreeState": "clean", "buildDate": "2024-10-22T20:28:14Z", "goVersion": "go1.22.8", "compiler": "gc", "platform": "linux/amd64"}
        }
        """;

    private readonly TempDirectory _temp = new("spark-k8s-schemas");

    public SchemasCommandTests()
    {
        _temp.WriteFile("version.json", VersionJson);
        _temp.WriteFile("openapi.json", ClusterDocument(withoutKind: "ConfigMap"));
        var kubectl = _temp.Combine("bin", "kubectl");
        _temp.WriteFile(Path.Combine("bin", "kubectl"), $$"""
            #!/usr/bin/env bash
            echo "$*" >> '{{_temp.Combine("kubectl.log")}}'
            if [ -f '{{_temp.Combine("unreachable")}}' ]; then
              sed -n '1,3p' '{{_temp.Combine("version.json")}}'
              echo 'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?' >&2
              exit 1
            fi
            case "$*" in
              *"version -o json") cat '{{_temp.Combine("version.json")}}' ;;
              *"get --raw /openapi/v2") cat '{{_temp.Combine("openapi.json")}}' ;;
              *) echo "error: unknown command \"$*\" for \"kubectl\"" >&2; exit 1 ;;
            esac
            """);
        File.SetUnixFileMode(kubectl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string Kubectl => _temp.Combine("bin", "kubectl");
    private string Cache => _temp.Combine("cache");
    private string Stored => Path.Combine(Cache, "spark-k8s", "k8s-schemas", "kubernetes", "v1.31.2-swagger.json");

    [Fact]
    public async Task Fetch_stores_the_cluster_document_and_validate_then_checks_against_it()
    {
        var fetch = await RunAsync("schemas", "fetch", "--kubectl", Kubectl, "--kube-context", "kind-spark", "--output", "json");

        fetch.ExitCode.Should().Be(0, fetch.Stderr);
        using (var json = fetch.Json())
        {
            json.RootElement.GetProperty("path").GetString().Should().Be(Stored);
            json.RootElement.GetProperty("kubernetesVersion").GetString().Should().Be("1.31.2");
            json.RootElement.GetProperty("context").GetString().Should().Be("kind-spark");
            json.RootElement.GetProperty("kinds").GetInt32().Should().BeGreaterThan(100);
        }

        File.ReadAllText(Stored).Should().Be(File.ReadAllText(_temp.Combine("openapi.json")));
        Directory.GetFiles(Path.GetDirectoryName(Stored)!).Should().ContainSingle("the temporary file was renamed into place");
        File.ReadAllLines(_temp.Combine("kubectl.log")).Should().Equal("--context kind-spark version -o json", "--context kind-spark get --raw /openapi/v2");

        var validate = await RunAsync("validate", "jupyter-connect-k8s", "--output", "json");

        validate.ExitCode.Should().Be(0, validate.Stdout + validate.Stderr);
        using var result = validate.Json();
        result.RootElement.GetProperty("schemaSource").GetProperty("kind").GetString().Should().Be("cache");
        result.RootElement.GetProperty("schemaSource").GetProperty("kubernetesVersion").GetString().Should().Be("1.31.2");
        result.RootElement.GetProperty("runs")[0].GetProperty("schemaSource").GetString().Should()
            .Contain("Kubernetes 1.31.2").And.Contain("checked against the embedded bundle (Kubernetes 1.36): v1/ConfigMap");

        var skipping = await RunAsync("validate", "jupyter-connect-k8s", "--skip-kinds", "ConfigMap", "--output", "json");

        skipping.ExitCode.Should().Be(0, skipping.Stderr);
        using var skipped = skipping.Json();
        skipped.RootElement.GetProperty("runs")[0].GetProperty("schemaSource").GetString().Should()
            .Be($"cluster schemas from the cache (Kubernetes 1.31.2, {Path.Combine(Cache, "spark-k8s", "k8s-schemas")})", "a skipped kind is not checked against anything");
    }

    [Fact]
    public async Task Fetch_prints_a_table_of_what_it_stored_and_uses_the_current_context_by_default()
    {
        var fetch = await RunAsync("schemas", "fetch", "--kubectl", Kubectl);

        fetch.ExitCode.Should().Be(0, fetch.Stderr);
        fetch.Stdout.Should().Contain("(current)").And.Contain("1.31.2").And.Contain("v1.31.2-swagger.json");
        File.ReadAllLines(_temp.Combine("kubectl.log")).Should().Equal("version -o json", "get --raw /openapi/v2");
    }

    [Fact]
    public async Task A_failing_kubectl_exits_1_with_its_error_and_stores_nothing()
    {
        _temp.WriteFile("unreachable", string.Empty);

        var fetch = await RunAsync("schemas", "fetch", "--kubectl", Kubectl);

        fetch.ExitCode.Should().Be(1);
        fetch.Stdout.Should().BeEmpty();
        fetch.Stderr.Should().Contain("kubectl version failed").And.Contain("connection to the server 127.0.0.1:6443 was refused");
        ShouldNotLeakInternals(fetch);
        Directory.Exists(Cache).Should().BeFalse();
    }

    [Fact]
    public async Task An_answer_that_is_not_openapi_v2_exits_1_and_keeps_what_the_cache_had()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Stored)!);
        File.WriteAllText(Stored, """{"swagger": "2.0", "definitions": {}}""");
        _temp.WriteFile("openapi.json", """{"openapi": "3.0.0", "components": {"schemas": {}}}""");

        var fetch = await RunAsync("schemas", "fetch", "--kubectl", Kubectl, "-o", "json");

        fetch.ExitCode.Should().Be(1);
        fetch.Stdout.Should().BeEmpty();
        fetch.Stderr.Should().Contain("not return an OpenAPI v2 document");
        ShouldNotLeakInternals(fetch);
        File.ReadAllText(Stored).Should().Be("""{"swagger": "2.0", "definitions": {}}""");
    }

    [Fact]
    public async Task A_missing_kubectl_path_is_a_usage_error_naming_the_flag()
    {
        var fetch = await RunAsync("schemas", "fetch", "--kubectl", _temp.Combine("no-such-kubectl"));

        fetch.ShouldBeUsageError("--kubectl", "no-such-kubectl");
        ShouldNotLeakInternals(fetch);
    }

    [Fact]
    public async Task No_kubectl_on_path_is_a_usage_error_saying_how_to_get_one()
    {
        var fetch = await RunAsync(new Dictionary<string, string> { ["PATH"] = _temp.Combine("empty-path") }, "schemas", "fetch");

        fetch.ShouldBeUsageError("kubectl was not found on PATH", "--kubectl");
        ShouldNotLeakInternals(fetch);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>An OpenAPI v2 document as a cluster serves it, made from the bundle's definitions, without one kind.</summary>
    private static string ClusterDocument(string withoutKind)
    {
        var definitions = JsonNode.Parse(SchemaBundle.Embedded.Definitions.GetRawText())!.AsObject();
        foreach (var name in definitions.Where(d => d.Value?["x-kubernetes-group-version-kind"]?.AsArray().Any(g => g?["kind"]?.GetValue<string>() == withoutKind) == true).Select(d => d.Key).ToList())
        {
            definitions.Remove(name);
        }

        return new JsonObject { ["swagger"] = "2.0", ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.31.2" }, ["paths"] = new JsonObject(), ["definitions"] = definitions }
            .ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static void ShouldNotLeakInternals(CliResult result)
    {
        result.ShouldHaveNoStackTrace();
        result.Stderr.Should().NotContain("Exception").And.NotContain("System.");
    }

    private Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    private async Task<CliResult> RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "spark-k8s.dll"));
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment["XDG_CACHE_HOME"] = Cache;
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
