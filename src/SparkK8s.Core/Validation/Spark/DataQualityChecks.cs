using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// What the render tells about the data quality runner (templates/data-quality, docs/en/data-quality.md): its runner
/// containers, the suites ConfigMap they mount, and the suites each file of that ConfigMap defines. The runner
/// (charts/spark-k8s/files/data-quality/runner.py) reads the same files with the same rules at run time and exits 2
/// on the first problem; these checks say so before the install.
/// </summary>
public static partial class DataQualityRender
{
    public const string Component = "data-quality";
    public const string RunnerContainer = "runner";
    public const string ExampleDag = "spark_k8s_data_quality.py";

    /// <summary>One runner container with the suites ConfigMap its pod mounts (null: the suites come from git).</summary>
    public sealed record Runner(string Object, PodContainer Container, string? SuitesConfigMap);

    /// <summary>One suite file of a suites ConfigMap: the suite name it defines, or the problem the runner would report.</summary>
    public sealed record SuiteFile(string File, string? Name, string? Problem);

    public static IEnumerable<Runner> Runners(SparkRenderModel model) =>
        PodContainers.All(model)
            .Where(c => c.Component == Component && c.Name == RunnerContainer)
            .Select(c => new Runner(c.Object, c, SuitesConfigMap(c.PodSpec)));

    private static string? SuitesConfigMap(JsonObject podSpec)
    {
        var mounted = (podSpec["containers"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(c => (string?)c["name"] == RunnerContainer)
            .SelectMany(c => (c["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>())
            .FirstOrDefault(m => (string?)m["mountPath"] == "/etc/data-quality/suites");
        if (mounted is null)
        {
            return null;
        }

        return (podSpec["volumes"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(v => (string?)v["name"] == (string?)mounted["name"])
            .Select(v => (string?)v["configMap"]?["name"])
            .FirstOrDefault();
    }

    public static KubeObject? ConfigMap(SparkRenderModel model, string name) =>
        model.Objects.FirstOrDefault(o => o.Kind == "ConfigMap" && o.Name == name);

    /// <summary>The suite files of a ConfigMap, each parsed as the runner parses it (runner.py parse_suite).</summary>
    public static IReadOnlyList<SuiteFile> Suites(KubeObject configMap) =>
        (configMap.Body["data"] as JsonObject ?? [])
            .Where(p => p.Key.EndsWith(".yaml", StringComparison.Ordinal) || p.Key.EndsWith(".yml", StringComparison.Ordinal))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Parse(p.Key, p.Value?.ToString() ?? string.Empty))
            .ToList();

    private static SuiteFile Parse(string file, string text)
    {
        JsonNode? node;
        try
        {
            node = ManifestParser.ParseYaml(text, file);
        }
        catch (UserInputException ex)
        {
            return new SuiteFile(file, null, ex.Message);
        }

        if (node is not JsonObject suite)
        {
            return new SuiteFile(file, null, "a suite is a mapping with name, table and expectations");
        }

        var name = suite["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : null;
        if (name is null || !SuiteName().IsMatch(name))
        {
            return new SuiteFile(file, null, "name must be lower-case letters, digits, _ and - (at most 63)");
        }

        var unknown = suite.Select(p => p.Key).Where(k => k is not ("name" or "table" or "description" or "expectations")).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            return new SuiteFile(file, name, $"unknown key(s) {string.Join(", ", unknown)}; a suite has description, expectations, name and table");
        }

        if (suite["table"] is not JsonValue table || !table.TryGetValue<string>(out var t) || !TableName().IsMatch(t))
        {
            return new SuiteFile(file, name, "table must be a table name such as db.table");
        }

        if (suite["expectations"] is not JsonArray expectations || expectations.Count == 0)
        {
            return new SuiteFile(file, name, "expectations must be a non-empty list");
        }

        for (var i = 0; i < expectations.Count; i++)
        {
            if (expectations[i] is not JsonObject expectation)
            {
                return new SuiteFile(file, name, $"expectations[{i}]: an expectation is a mapping with type and kwargs");
            }

            var extra = expectation.Select(p => p.Key).Where(k => k is not ("type" or "kwargs" or "meta")).Order(StringComparer.Ordinal).ToList();
            if (extra.Count > 0)
            {
                return new SuiteFile(file, name, $"expectations[{i}]: unknown key(s) {string.Join(", ", extra)}; an expectation has type, kwargs and meta");
            }

            if (expectation["type"] is not JsonValue type || !type.TryGetValue<string>(out var kind) || !ExpectationType().IsMatch(kind))
            {
                return new SuiteFile(file, name, $"expectations[{i}]: type must be a Great Expectations expectation type (expect_...)");
            }

            if (expectation["kwargs"] is { } kwargs && kwargs is not JsonObject)
            {
                return new SuiteFile(file, name, $"expectations[{i}]: kwargs must be a mapping");
            }
        }

        return new SuiteFile(file, name, null);
    }

    /// <summary>The suite names the example DAG passes to the runner (its SUITES list), from each ConfigMap shipping it.</summary>
    public static IEnumerable<(KubeObject Map, IReadOnlyList<string> Suites)> DagSuites(SparkRenderModel model)
    {
        foreach (var map in ExampleDags.Shipping(model.Objects, ExampleDag))
        {
            var text = map.Body["data"]?[ExampleDag]?.ToString() ?? string.Empty;
            if (DagSuiteList().Match(text) is { Success: true } match)
            {
                yield return (map, QuotedName().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value).ToList());
            }
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$")]
    private static partial Regex SuiteName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")]
    private static partial Regex TableName();

    [GeneratedRegex("^expect_[a-z0-9_]+$")]
    private static partial Regex ExpectationType();

    [GeneratedRegex(@"^SUITES\s*=\s*\[([^\]]*)\]", RegexOptions.Multiline)]
    private static partial Regex DagSuiteList();

    [GeneratedRegex("[\"']([^\"']+)[\"']")]
    private static partial Regex QuotedName();
}

/// <summary>
/// SPK125: the data quality runner is told to run a suite (dataQuality.run, the DQ_RUN env var; or the example DAG's
/// SUITES, passed as --suite) that no file of the suites ConfigMap defines. The runner refuses the run (exit 2), so
/// every scheduled run or pipeline task fails.
/// </summary>
public sealed class DataQualityMissingSuiteCheck() : SparkCheck(
    "SPK125",
    Severity.Error,
    "A data quality run names a suite that does not exist",
    "Add the suite to dataQuality.suites (or keep dataQuality.examples true), or remove it from dataQuality.run")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var runner in DataQualityRender.Runners(context.Model))
        {
            if (runner.SuitesConfigMap is not { } name || DataQualityRender.ConfigMap(context.Model, name) is not { } map)
            {
                continue;
            }

            var defined = DataQualityRender.Suites(map).Select(s => s.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var wanted = (runner.Container.Env("DQ_RUN") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var missing in wanted.Where(w => !defined.Contains(w)))
            {
                yield return Found(runner.Object, $"{runner.Container.Field}.env DQ_RUN",
                    $"dataQuality.run names the suite '{missing}', which no file of {map.DisplayName} defines (found: {string.Join(", ", defined.Order(StringComparer.Ordinal))})");
            }

            foreach (var (dags, suites) in DataQualityRender.DagSuites(context.Model))
            {
                foreach (var missing in suites.Where(s => !defined.Contains(s)))
                {
                    yield return Found(dags.DisplayName, $"data.{DataQualityRender.ExampleDag}",
                        $"the example DAG validates the suite '{missing}', which no file of {map.DisplayName} defines (found: {string.Join(", ", defined.Order(StringComparer.Ordinal))})",
                        "Keep dataQuality.examples true (the DAG validates the example suites yellow_trips and taxi_zones), or ship suites with those names");
                }
            }
        }
    }
}

/// <summary>
/// SPK126: a file of the data quality suites ConfigMap (dataQuality.suites or the examples) that the runner refuses:
/// not a mapping, no valid name or table, no expectations, an unknown key, or an expectation type that is not a Great
/// Expectations type (expect_...). Great Expectations itself would log and drop a configuration it cannot build; the
/// runner refuses the whole run instead (exit 2), so every run fails. Two files defining one suite name are refused too.
/// </summary>
public sealed class DataQualitySuiteFileCheck() : SparkCheck(
    "SPK126",
    Severity.Error,
    "A data quality suite file is not a suite the runner accepts",
    "Fix the suite in dataQuality.suites: name, table and a non-empty list of expectations, each with an expect_... type and kwargs (docs/en/data-quality.md \"Writing suites\")")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var maps = DataQualityRender.Runners(context.Model).Select(r => r.SuitesConfigMap).OfType<string>().Distinct(StringComparer.Ordinal);
        foreach (var name in maps)
        {
            if (DataQualityRender.ConfigMap(context.Model, name) is not { } map)
            {
                continue;
            }

            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var suite in DataQualityRender.Suites(map))
            {
                if (suite.Problem is not null)
                {
                    yield return Found(map.DisplayName, $"data.{suite.File}", $"{suite.File}: {suite.Problem}");
                }
                else if (suite.Name is { } suiteName && !seen.TryAdd(suiteName, suite.File))
                {
                    yield return Found(map.DisplayName, $"data.{suite.File}", $"{suite.File}: the suite '{suiteName}' is also defined in {seen[suiteName]}");
                }
            }
        }
    }
}
