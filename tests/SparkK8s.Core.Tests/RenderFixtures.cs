using SparkK8s.Core.Rendering;

namespace SparkK8s.Core.Tests;

/// <summary>Hand-written renders for the Spark checks and the planner.</summary>
internal static class RenderFixtures
{
    /// <summary>A "connect" ConfigMap with a spark-defaults.conf of <paramref name="conf"/> lines and optional further data entries.</summary>
    public static string ConnectConfigMap(string conf, string extraData = "") => $"""
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: connect
          labels:
            app.kubernetes.io/component: connect
        data:
          spark-defaults.conf: |
        {Indent(conf, 4)}
        {extraData}
        """;

    public static RenderedManifest Parse(string yaml, string ns = "spark") =>
        RenderedManifest.Parse(yaml, new RenderOptions { ChartDirectory = ".", Preset = "test", Namespace = ns });

    public static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', spaces) + line));
}
