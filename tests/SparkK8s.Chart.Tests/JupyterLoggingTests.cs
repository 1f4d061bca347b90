using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// logging.format json for the Jupyter server: traitlets' Application.logging_config (merged into the default
/// dictConfig, whose handler and formatter are both named "console") swaps the console formatter for
/// python-json-logger's JsonFormatter, from a config file on JUPYTER_CONFIG_PATH; text changes nothing.
/// </summary>
public sealed partial class JupyterLoggingTests
{
    private const string ConfigDir = "/opt/spark-k8s/jupyter";

    /// <summary>Attributes every logging.LogRecord has (Python's logging docs, "LogRecord attributes"); asctime once a formatter asks for it.</summary>
    private static readonly HashSet<string> RecordAttributes = ["asctime", "levelname", "name", "message", "created", "process", "thread", "module", "lineno"];

    [Fact]
    public async Task Json_points_the_server_at_a_config_that_formats_the_console_handler_as_json()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "logging.format=json");
        var jupyter = rendered.Single("Deployment", "jupyter");
        var container = jupyter.Container("jupyter");
        var mount = PodSpecs.Items(container, "volumeMounts").Single(m => (string?)m["mountPath"] == ConfigDir);
        var volume = PodSpecs.Items(jupyter.PodSpec, "volumes").Single(v => (string?)v["name"] == (string?)mount["name"]);
        var map = rendered.Single("ConfigMap", "logging");
        var config = JsonNode.Parse((string)map.Body["data"]!["jupyter_server_config.json"]!)!;
        var formatter = config["Application"]!["logging_config"]!["formatters"]!["console"]!;

        using var scope = new AssertionScope();
        ((string?)container.EnvVar("JUPYTER_CONFIG_PATH")["value"]).Should().Be(ConfigDir);
        ((bool?)mount["readOnly"]).Should().BeTrue();
        ((string?)volume["configMap"]!["name"]).Should().Be(map.Name);
        volume["configMap"]!["items"]!.AsArray().Select(i => (string?)i!["path"]).Should().Equal("jupyter_server_config.json");
        // The module name of python-json-logger 2.x, kept as an alias in 3.x; dictConfig calls it with (fmt, datefmt, style).
        ((string?)formatter["class"]).Should().Be("pythonjsonlogger.jsonlogger.JsonFormatter");
        // JsonFormatter turns each %(field)s of the format into a JSON key: all must be LogRecord attributes
        // (the image's default format also names tornado's color fields, which a JSON line must not carry).
        var fields = Field().Matches((string)formatter["format"]!).Select(m => m.Groups["name"].Value).ToList();
        fields.Should().Equal("asctime", "levelname", "name", "message");
        fields.Should().OnlyContain(f => RecordAttributes.Contains(f));
        config["Application"]!["logging_config"]!.AsObject().Select(kv => kv.Key).Should().Equal(["formatters"], "the default console handler and logger stay as traitlets sets them");
    }

    [Fact]
    public async Task Text_logs_leave_the_server_as_the_image_has_it()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var jupyter = rendered.Single("Deployment", "jupyter");

        using var scope = new AssertionScope();
        jupyter.Container("jupyter").Env().Select(e => (string?)e["name"]).Should().NotContain("JUPYTER_CONFIG_PATH");
        PodSpecs.Items(jupyter.Container("jupyter"), "volumeMounts").Select(m => (string?)m["mountPath"]).Should().NotContain(ConfigDir);
        rendered.OfKind("ConfigMap").Where(m => m.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "logging").Should().BeEmpty();
    }

    [Fact]
    public async Task Json_without_jupyter_renders_no_jupyter_config()
    {
        var rendered = await ChartRender.RenderAsync("3.5", "logging.format=json", "jupyter.enabled=false");

        ((string?)rendered.Single("ConfigMap", "logging").Body["data"]!["jupyter_server_config.json"]).Should().BeNull();
    }

    [GeneratedRegex(@"%\((?<name>[a-z_]+)\)[-0-9.]*[sdfr]")]
    private static partial Regex Field();
}
