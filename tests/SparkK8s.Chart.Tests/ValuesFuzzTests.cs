using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Validation.Spark;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Property-style test: random strings (control characters, "---", quotes, "{{", "$(VAR)", shell and XML metacharacters,
/// unicode, very long strings) go into every string value of values.schema.json. Each value has one of two outcomes:
/// helm refuses it and names its key, or the render keeps the same objects, the same script text, the same
/// spark-defaults.conf keys and hive-site.xml properties, and a sparkConf or annotation value arrives exactly.
/// Seeded, so a failure reproduces; keys are batched per render and a refused batch is narrowed down to the keys
/// helm did not name.
/// </summary>
public class ValuesFuzzTests
{
    private const int Seed = 20261201;
    private const int Rounds = 2;
    private const int BatchSize = 16;

    private const string MapKey = "spark.fuzz.key";
    private const string LabelKey = "example.com/fuzz";
    private const string JobKey = "fuzz";

    /// <summary>Everything switched on, so as many values as possible reach a template.</summary>
    private static JsonObject Base(string sparkVersion) => new()
    {
        ["spark"] = new JsonObject { ["version"] = sparkVersion },
        ["standalone"] = new JsonObject { ["enabled"] = true },
        ["backup"] = new JsonObject { ["enabled"] = true, ["verify"] = new JsonObject { ["enabled"] = true } },
        ["restore"] = new JsonObject { ["enabled"] = true, ["backupId"] = "latest" },
        ["costExporter"] = new JsonObject { ["enabled"] = true, ["nodeType"] = "m5.2xlarge", ["since"] = "90d" },
        // A scheduled job with a Secret env var, so each job value reaches the CronJob, its ConfigMap or its pod templates.
        ["jobs"] = new JsonObject
        {
            [JobKey] = new JsonObject
            {
                ["pythonSource"] = "print(1)\n",
                ["schedule"] = "0 1 * * *",
                ["secretEnv"] = new JsonArray(new JsonObject { ["name"] = "TOKEN", ["secretName"] = "api", ["key"] = "token" }),
                // Optional keys that add Spark properties are set, so a value for them changes no key of spark-defaults.conf.
                ["team"] = "base",
                ["driver"] = new JsonObject { ["memoryOverhead"] = "512m" },
                ["executor"] = new JsonObject { ["pysparkMemory"] = "1g" },
            },
        },
    };

    public static TheoryData<string> Versions() => ChartRender.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_string_value_is_refused_with_its_key_or_rendered_intact(string sparkVersion)
    {
        var @base = Base(sparkVersion);
        var schema = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Chart, "values.schema.json"), TestContext.Current.CancellationToken))!.AsObject();
        var leaves = StringLeaves(schema, []).ToList();
        leaves.Should().HaveCountGreaterThan(100, "the walk reaches every string value of the schema");

        var baseline = await RenderAsync(@base);
        var baselineShape = Shape.Of(baseline, ignoreSecrets: false);
        // SPARK_K8S_FUZZ_SEED runs another seed (to reproduce a failure or to explore); the default is fixed.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SPARK_K8S_FUZZ_SEED"), CultureInfo.InvariantCulture, out var chosen) ? chosen : Seed;
        var random = new Random(seed + (sparkVersion == "3.5" ? 35 : 41));
        var problems = new List<string>();
        var cases = Enumerable.Range(0, Rounds).SelectMany(_ => leaves.Select(path => new Case(path, RandomValue(random)))).ToList();

        foreach (var batch in cases.Chunk(BatchSize))
        {
            await CheckAsync(@base, batch.ToList(), baselineShape, problems);
        }

        problems.Should().BeEmpty();
    }

    /// <summary>
    /// A value set alone inside a list item whose schema requires sibling fields (extraJars {coordinate, sha256},
    /// label selector requirements {key, operator}): helm names the item and the missing property, not the key
    /// (Helm 4: "missing property 'sha256'", or "missing properties 'key', 'operator'" when several are missing; Helm 3:
    /// "sha256 is required").
    /// </summary>
    private static bool NamesItsListItem(string error, Case c) =>
        (error.Contains("missing propert", StringComparison.Ordinal) || error.Contains("is required", StringComparison.Ordinal))
        && Enumerable.Range(0, c.Path.Count).Where(i => c.Path[i] == "[]")
            .Any(i => InjectionTests.NamesKey(error, c.Segments.Take(i + 1).ToList()));

    private sealed record Case(IReadOnlyList<string> Path, string Value)
    {
        /// <summary>The key as helm names it (JSON-pointer segments; an array item is index 0).</summary>
        public IReadOnlyList<string> Segments => Path.Select(s => s == "[]" ? "0" : s).ToList();

        public string Key => string.Join('/', Segments);

        public override string ToString() => $"{Key} = {Quote(Value.Length > 80 ? Value[..80] + "..." : Value)}";
    }

    private static async Task CheckAsync(JsonObject @base, List<Case> pending, Shape baseline, List<string> problems)
    {
        while (pending.Count > 0)
        {
            var values = Values(@base, pending);
            IReadOnlyList<KubeObject> objects;
            try
            {
                objects = await RenderAsync(values);
            }
            catch (HelmException ex)
            {
                var error = ex.HelmOutput;
                if (error.Contains("yaml: control characters are not allowed", StringComparison.Ordinal))
                {
                    // Helm 3's YAML reader refuses the values file itself (DEL, C1 controls, BOM even when escaped):
                    // such a string never reaches the chart. Narrow the batch down to it and go on without it.
                    if (pending.Count > 1)
                    {
                        await CheckAsync(@base, pending[..(pending.Count / 2)], baseline, problems);
                        await CheckAsync(@base, pending[(pending.Count / 2)..], baseline, problems);
                    }

                    return;
                }

                var named = pending.Where(c => InjectionTests.NamesKey(error, c.Segments) || NamesItsListItem(error, c)).ToList();
                if (error.Contains("YAML parse error", StringComparison.Ordinal) || error.Contains("error converting YAML", StringComparison.Ordinal))
                {
                    problems.Add($"a value broke the rendered YAML ({FirstLine(error)}): {string.Join("; ", pending)} [values: {ToYaml(values)}]");
                    return;
                }

                if (named.Count == 0)
                {
                    problems.Add($"helm refused without naming the key ({FirstLine(error)}): {string.Join("; ", pending)}");
                    return;
                }

                pending = pending.Except(named).ToList();
                continue;
            }

            // A generated Secret disappears when an existing one is named; that is such a value's purpose.
            var ignoreSecrets = pending.Any(c => c.Key.EndsWith("existingSecret", StringComparison.Ordinal));
            // The metastore image's major version picks the schema Job's script (Hive 3 or 4 schematool) by design, so
            // with that key in the batch the schematool script may differ; every other script must not.
            var metastoreTag = pending.Any(c => c.Key == "metastore/image/tag");
            foreach (var @case in pending)
            {
                problems.AddRange(Accepted(@case, objects, baseline, pending.Count == 1, ignoreSecrets, metastoreTag));
            }

            return;
        }
    }

    /// <summary>What must hold when helm accepts a value.</summary>
    private static IEnumerable<string> Accepted(Case @case, IReadOnlyList<KubeObject> objects, Shape baseline, bool alone, bool ignoreSecrets, bool metastoreTag)
    {
        static IEnumerable<string> Scripts(Shape shape, bool withoutSchematool) =>
            shape.Scripts.Where(s => !(withoutSchematool && s.StartsWith("Job/metastore/schematool:", StringComparison.Ordinal)));

        var shape = Shape.Of(objects, ignoreSecrets);
        var expected = ignoreSecrets ? baseline with { Objects = baseline.Objects.Where(o => !o.StartsWith("Secret/", StringComparison.Ordinal)).ToList() } : baseline;
        if (!shape.Objects.SequenceEqual(expected.Objects))
        {
            yield return $"{@case}: the objects changed: {string.Join(", ", shape.Objects.Except(expected.Objects).Concat(expected.Objects.Except(shape.Objects)))}";
        }

        if (!Scripts(shape, metastoreTag).SequenceEqual(Scripts(baseline, metastoreTag)))
        {
            yield return $"{@case}: a value reached script text: {string.Join(" | ", shape.Scripts.Except(baseline.Scripts))}";
        }

        var mapEntry = @case.Path[^1] == MapKey && @case.Path[^2] == "sparkConf";
        foreach (var (component, keys) in shape.SparkDefaultsKeys)
        {
            var expectedKeys = baseline.SparkDefaultsKeys.GetValueOrDefault(component) ?? [];
            var owner = component switch
            {
                "connect" => "connect",
                "job-submitter" => "jobs",
                _ => "historyServer",
            };
            if (mapEntry && @case.Path[0] == owner)
            {
                expectedKeys = [.. expectedKeys.Append(MapKey).Distinct().Order(StringComparer.Ordinal)];
            }

            if (alone && !keys.SequenceEqual(expectedKeys))
            {
                yield return $"{@case}: spark-defaults.conf of {component} has other keys: {string.Join(", ", keys.Except(expectedKeys).Concat(expectedKeys.Except(keys)))}";
            }
        }

        if (mapEntry)
        {
            var component = @case.Path[0] switch
            {
                "connect" => "connect",
                "jobs" => "job-submitter",
                "standalone" => $"standalone-{@case.Path[1]}",
                _ => "history-server",
            };
            var value = SparkDefaults(objects, component).GetValueOrDefault(MapKey);
            if (value != @case.Value.Trim())
            {
                yield return $"{@case}: spark-defaults.conf of {component} has {Quote(value ?? "(missing)")}";
            }
        }

        if (@case.Path is ["connect", "podAnnotations", LabelKey])
        {
            var annotation = (string?)objects.Single(o => o.Kind == "Deployment" && o.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "connect")
                .Body["spec"]?["template"]?["metadata"]?["annotations"]?[LabelKey];
            if (annotation != @case.Value)
            {
                yield return $"{@case}: the annotation is {Quote(annotation ?? "(missing)")}";
            }
        }

        if (!shape.HiveProperties.SequenceEqual(baseline.HiveProperties))
        {
            yield return $"{@case}: hive-site.xml has other properties: {string.Join(", ", shape.HiveProperties)}";
        }
    }

    /// <summary>What a render must keep whatever the values: objects (kind/component), script text, config keys.</summary>
    private sealed record Shape(
        IReadOnlyList<string> Objects,
        IReadOnlyList<string> Scripts,
        IReadOnlyDictionary<string, IReadOnlyList<string>> SparkDefaultsKeys,
        IReadOnlyList<string> HiveProperties)
    {
        public static Shape Of(IReadOnlyList<KubeObject> objects, bool ignoreSecrets)
        {
            var kept = objects.Where(o => !(ignoreSecrets && o.Kind == "Secret")).ToList();
            var names = kept.Select(o => $"{o.Kind}/{o.Labels.GetValueOrDefault(Rendered.ComponentLabel)}").Order(StringComparer.Ordinal).ToList();
            // Shell scripts only (sh/bash -c): an exec-form command may carry a value as one argument of its own
            // (spark-submit --name <fullname>), which no shell re-parses.
            var scripts = objects.Where(o => o.PodSpec is not null)
                .SelectMany(o => o.AllContainers()
                    .Where(c => (c["command"] as JsonArray ?? []).Any(w => (string?)w is "-c" or "-ec"))
                    .Select(c => $"{o.Kind}/{o.Labels.GetValueOrDefault(Rendered.ComponentLabel)}/{(string?)c["name"]}: "
                    + string.Join(" ", (c["command"] as JsonArray ?? []).Select(w => (string?)w))))
                .Order(StringComparer.Ordinal).ToList();
            var defaults = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var component in new[] { "connect", "history-server", "job-submitter" })
            {
                defaults[component] = SparkDefaults(objects, component).Keys.Order(StringComparer.Ordinal).ToList();
            }

            var hive = ConfigText(objects, "metastore", "hive-site.xml") is { } xml
                ? XDocument.Parse(xml).Root!.Elements("property").Select(p => (string?)p.Element("name") ?? string.Empty).ToList()
                : [];
            return new Shape(names, scripts, defaults, hive);
        }
    }

    private static Dictionary<string, string> SparkDefaults(IReadOnlyList<KubeObject> objects, string component)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in SparkConf.ParseDefaults(ConfigText(objects, component, "spark-defaults.conf") ?? string.Empty))
        {
            // A key twice would be a line injected.
            result.Add(key, PropertiesUnescape(value));
        }

        return result;
    }

    /// <summary>
    /// java.util.Properties.load (loadConvert): <c>\uXXXX</c> is that character, <c>\t \n \r \f</c> the control
    /// characters, and a backslash before anything else makes it literal (the chart trims values as Spark does, escapes
    /// \\ and a leading = or :, and writes NEL, LS and PS as \u escapes).
    /// </summary>
    private static string PropertiesUnescape(string value)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\' || i + 1 == value.Length)
            {
                builder.Append(value[i]);
                continue;
            }

            var next = value[++i];
            if (next == 'u' && i + 4 < value.Length
                && int.TryParse(value.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 4;
                continue;
            }

            builder.Append(next switch { 't' => '\t', 'n' => '\n', 'r' => '\r', 'f' => '\f', _ => next });
        }

        return builder.ToString();
    }

    private static string? ConfigText(IReadOnlyList<KubeObject> objects, string component, string key) =>
        (string?)objects.FirstOrDefault(o => o.Kind == "ConfigMap" && o.Labels.GetValueOrDefault(Rendered.ComponentLabel) == component)?.Body["data"]?[key];

    private static async Task<IReadOnlyList<KubeObject>> RenderAsync(JsonObject values) =>
        await TestHelm.RenderAsync(valuesYaml: ToYaml(values), cancellationToken: TestContext.Current.CancellationToken);

    private static JsonObject Values(JsonObject @base, IEnumerable<Case> cases)
    {
        var values = (JsonObject)@base.DeepClone();
        foreach (var @case in cases)
        {
            JsonObject node = values;
            for (var i = 0; i < @case.Path.Count - 1; i++)
            {
                var segment = @case.Path[i];
                if (@case.Path[i + 1] == "[]")
                {
                    // An array of strings, or of objects with one string field (imagePullSecrets[].name); an array of
                    // objects the base already fills (jobs.fuzz.secretEnv) keeps the base's first item's other fields.
                    var item = (node[segment] as JsonArray)?.FirstOrDefault() is JsonObject first ? (JsonObject)first.DeepClone() : new JsonObject();
                    if (i + 2 < @case.Path.Count)
                    {
                        item[@case.Path[i + 2]] = @case.Value;
                    }

                    node[segment] = i + 2 < @case.Path.Count
                        ? new JsonArray(item)
                        : new JsonArray(@case.Value);
                    node = null!;
                    break;
                }

                if (node[segment] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[segment] = child;
                }

                node = child;
            }

            if (node is not null)
            {
                node[@case.Path[^1]] = @case.Value;
            }
        }

        return values;
    }

    /// <summary>Paths of every string value in the schema; maps get one entry (MapKey or LabelKey), arrays one item ("[]").</summary>
    private static IEnumerable<IReadOnlyList<string>> StringLeaves(JsonObject schema, IReadOnlyList<string> path)
    {
        var type = schema["type"];
        var types = type is JsonArray array ? array.Select(t => (string?)t).ToList() : [(string?)type];
        if (types.Contains("string"))
        {
            yield return path;
        }

        foreach (var (key, child) in schema["properties"] as JsonObject ?? [])
        {
            foreach (var leaf in StringLeaves((JsonObject)child!, [.. path, key]))
            {
                yield return leaf;
            }
        }

        if (schema["patternProperties"] is JsonObject patterns && path is [.., "databases"])
        {
            foreach (var leaf in StringLeaves((JsonObject)patterns.First().Value!, [.. path, "metastore"]))
            {
                yield return leaf;
            }
        }

        if (schema["additionalProperties"] is JsonObject values)
        {
            var key = path[^1] switch
            {
                "sparkConf" => MapKey,
                "jobs" => JobKey,
                _ => LabelKey,
            };
            foreach (var leaf in StringLeaves(values, [.. path, key]))
            {
                yield return leaf;
            }
        }

        if (schema["items"] is JsonObject items)
        {
            foreach (var leaf in StringLeaves(items, [.. path, "[]"]))
            {
                yield return leaf;
            }
        }
    }

    private static readonly string[] Fragments =
    [
        "\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: pwn}\n", "---", "\n", "\r\n", "\t", "\u0000", "\u001b[31m", "\u007f", "\u0085", "\u2028", "\ufeff",
        "\"", "'", "\\", "`", "{{ .Release.Name }}", "{{", "}}", "$(DB_PASSWORD)", "${HOME}", "; id", "&& id", "| id", "$(id)",
        "</value></property><property><name>x</name><value>", "<", ">", "&", "&amp;", "# comment", "key: value", "- item", "[a]", "{a: b}",
        "yes", "no", "0123", "2024", "1e6", "null", "~", "@", "%", "*", "é", "中文", "Ж", "𝄞", " ", "=", ":",
    ];

    private static readonly string[] Plausible =
    [
        "spark", "a-b", "x.y", "repo/image", "1Gi", "500m", "https://example.invalid/path", "0 3 * * *", "Etc/UTC", "abc_1", "latest", "a:b:c",
    ];

    /// <summary>A random value: mostly hostile fragments, sometimes a plausible value with one fragment, sometimes a very long string.</summary>
    private static string RandomValue(Random random)
    {
        var kind = random.Next(10);
        if (kind == 0)
        {
            return new string('a', random.Next(300, 5000)) + Fragments[random.Next(Fragments.Length)];
        }

        if (kind < 4)
        {
            var plausible = Plausible[random.Next(Plausible.Length)];
            var cut = random.Next(plausible.Length + 1);
            return plausible[..cut] + Fragments[random.Next(Fragments.Length)] + plausible[cut..];
        }

        var builder = new StringBuilder();
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            builder.Append(random.Next(3) == 0 ? Plausible[random.Next(Plausible.Length)] : Fragments[random.Next(Fragments.Length)]);
        }

        return builder.ToString();
    }

    /// <summary>YAML flow style with every string double-quoted and every non-printable character escaped.</summary>
    private static string ToYaml(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(", ", obj.Select(p => Quote(p.Key) + ": " + ToYaml(p.Value))) + "}",
        JsonArray array => "[" + string.Join(", ", array.Select(ToYaml)) + "]",
        JsonValue value when value.TryGetValue<string>(out var text) => Quote(text),
        JsonValue value => value.ToJsonString(),
        _ => "null",
    };

    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            builder.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < 0x20 or (>= 0x7f and <= 0x9f) => "\\x" + rune.Value.ToString("x2", CultureInfo.InvariantCulture),
                0x2028 or 0x2029 or 0xfeff => "\\u" + rune.Value.ToString("x4", CultureInfo.InvariantCulture),
                _ => rune.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    /// <summary>The lines of helm's error that say what is wrong (not the "values don't meet..." header).</summary>
    private static string FirstLine(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Where(l => !l.StartsWith("Error: values don't meet", StringComparison.Ordinal) && !l.StartsWith("spark-k8s:", StringComparison.Ordinal)).Take(4));
}
