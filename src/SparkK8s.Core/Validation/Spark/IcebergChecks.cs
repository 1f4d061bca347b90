using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// What the Iceberg checks read from a render: the Iceberg catalogs each Spark application declares
/// (spark.sql.catalog.&lt;name&gt; = an org.apache.iceberg.spark catalog class) and the Iceberg runtime jars it loads.
/// Facts from apache/iceberg at apache-iceberg-1.11.0: the runtime artifact is iceberg-spark-runtime-&lt;sparkMinor&gt;_&lt;scala&gt;
/// (settings.gradle; 4.x is Scala 2.13 only), a catalog without "type" or "catalog-impl" is a Hive catalog
/// (CatalogUtil.buildIcebergCatalog defaults to ICEBERG_CATALOG_TYPE_HIVE), and the SQL extensions class is
/// org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions.
/// </summary>
public static partial class IcebergRender
{
    public const string Extensions = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

    /// <summary>One Iceberg catalog of one application.</summary>
    public sealed record Catalog(SparkConf Conf, string Name, SparkProperty Declaration)
    {
        public string Prefix => $"spark.sql.catalog.{Name}.";
        public string? Get(string option) => Conf.Get(Prefix + option);
        public SparkProperty? Find(string option) => Conf.Find(Prefix + option);

        /// <summary>hive unless type or catalog-impl says otherwise.</summary>
        public bool IsHive => Get("type") is { } type ? type.Trim().Equals("hive", StringComparison.OrdinalIgnoreCase) : Get("catalog-impl") is null;
    }

    /// <summary>A runtime jar as Spark minor and Scala version.</summary>
    public sealed record RuntimeJar(string Text, string SparkMinor, string Scala, string Object, string Field);

    /// <summary>Every Spark application's properties in the render (Connect, jobs, the maintenance run).</summary>
    public static IEnumerable<SparkConf> Confs(SparkRenderModel model) => model.ConfByComponent.Values.Where(c => !c.IsEmpty);

    public static IEnumerable<Catalog> Catalogs(SparkConf conf) =>
        conf.Properties
            .Select(p => (Property: p, Match: CatalogKey().Match(p.Key)))
            .Where(x => x.Match.Success && x.Property.Value.Trim().StartsWith("org.apache.iceberg.spark.", StringComparison.Ordinal))
            .Select(x => new Catalog(conf, x.Match.Groups[1].Value, x.Property));

    /// <summary>Iceberg runtime jars named in the jar-download init containers (env JARS) and in spark.jars / spark.jars.packages.</summary>
    public static IEnumerable<RuntimeJar> RuntimeJars(SparkRenderModel model)
    {
        foreach (var container in PodContainers.All(model))
        {
            if (container.Container["env"] is not JsonArray env)
            {
                continue;
            }

            var jars = env.OfType<JsonObject>().FirstOrDefault(e => (string?)e["name"] == "JARS")?["value"] as JsonValue;
            if (jars is not null && jars.TryGetValue<string>(out var list))
            {
                foreach (Match match in RuntimeArtifact().Matches(list))
                {
                    yield return new RuntimeJar(match.Value, match.Groups["spark"].Value, match.Groups["scala"].Value, container.Object, $"{container.Field}.env[JARS]");
                }
            }
        }

        foreach (var conf in Confs(model))
        {
            foreach (var key in new[] { "spark.jars", "spark.jars.packages" })
            {
                if (conf.Find(key) is { } property)
                {
                    foreach (Match match in RuntimeArtifact().Matches(property.Value))
                    {
                        yield return new RuntimeJar(match.Value, match.Groups["spark"].Value, match.Groups["scala"].Value, property.Object, $"{property.Field}: {key}");
                    }
                }
            }
        }
    }

    [GeneratedRegex(@"^spark\.sql\.catalog\.([^.]+)$")]
    private static partial Regex CatalogKey();

    [GeneratedRegex(@"iceberg-spark-runtime-(?<spark>[0-9]+\.[0-9]+)_(?<scala>[0-9]+\.[0-9]+)")]
    private static partial Regex RuntimeArtifact();
}

/// <summary>
/// SPK110: the Iceberg runtime jar must be the one built for the render's Spark minor and Scala version
/// (iceberg-spark-runtime-3.5_2.12 on the 3.5 line, -4.1_2.13 on 4.1). Another minor's runtime compiles against other
/// Spark internals and fails at the first catalog call (NoSuchMethodError, ClassNotFoundException); another Scala
/// version does not load at all.
/// </summary>
public sealed partial class IcebergRuntimeLineCheck() : SparkCheck(
    "SPK110",
    Severity.Error,
    "The Iceberg Spark runtime jar is built for another Spark line or Scala version",
    "Use org.apache.iceberg:iceberg-spark-runtime-<sparkMinor>_<scala> of the line (spark.releases.<line>.componentJars.iceberg in values.yaml)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var spark = Sizing.SparkVersion.TryParse(context.SparkVersion) ?? Sizing.SparkVersion.Default;
        var minor = $"{spark.Major}.{spark.Minor}";
        var scala = ExpectedScala(context.Model, spark);
        foreach (var jar in IcebergRender.RuntimeJars(context.Model).DistinctBy(j => (j.Text, j.Object, j.Field)))
        {
            if (jar.SparkMinor != minor || (scala is not null && jar.Scala != scala))
            {
                yield return Found(jar.Object, jar.Field,
                    $"{jar.Text} is Iceberg's runtime for Spark {jar.SparkMinor} on Scala {jar.Scala}, but this render runs Spark {minor}{(scala is null ? string.Empty : $" on Scala {scala}")}: the catalog fails to load",
                    $"Use iceberg-spark-runtime-{minor}_{scala ?? jar.Scala} (spark.releases.{minor}.componentJars.iceberg)");
            }
        }
    }

    /// <summary>Spark 4.x is Scala 2.13 only; otherwise the Spark image tag's "scalaN.N", else unknown.</summary>
    private static string? ExpectedScala(SparkRenderModel model, Sizing.SparkVersion spark)
    {
        if (spark.Major >= 4)
        {
            return "2.13";
        }

        return PodContainers.All(model)
            .Select(c => (string?)c.Container["image"])
            .Select(image => image is null ? null : ScalaTag().Match(image))
            .FirstOrDefault(m => m is { Success: true })?.Groups[1].Value;
    }

    [GeneratedRegex(@"/spark[^:/]*:[^@]*scala([0-9]+\.[0-9]+)")]
    private static partial Regex ScalaTag();
}

/// <summary>
/// SPK111: an application with an Iceberg catalog must load IcebergSparkSessionExtensions (spark.sql.extensions).
/// The chart joins it into every application's spark.sql.extensions, so a user's own extension cannot drop it; a
/// hand-written file that declares an Iceberg catalog in sparkConf without it loses CALL procedures on 3.5 and the
/// Iceberg DDL on every line (ALTER TABLE ... ADD PARTITION FIELD, WRITE ORDERED BY, CREATE BRANCH): they fail to parse.
/// </summary>
public sealed class IcebergExtensionsCheck() : SparkCheck(
    "SPK111",
    Severity.Error,
    "An Iceberg catalog is configured without IcebergSparkSessionExtensions in spark.sql.extensions",
    $"Turn on iceberg.enabled (the chart adds the extensions), or add {IcebergRender.Extensions} to spark.sql.extensions")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in IcebergRender.Confs(context.Model))
        {
            var catalog = IcebergRender.Catalogs(conf).FirstOrDefault();
            if (catalog is null)
            {
                continue;
            }

            var extensions = (conf.Get("spark.sql.extensions") ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
            if (!extensions.Contains(IcebergRender.Extensions, StringComparer.Ordinal))
            {
                yield return Found(catalog.Declaration,
                    $"Iceberg catalog '{catalog.Name}' is configured, but spark.sql.extensions does not load {IcebergRender.Extensions}: CALL {catalog.Name}.system.* procedures and Iceberg's ALTER TABLE statements fail to parse");
            }
        }
    }
}

/// <summary>
/// SPK112: an Iceberg Hive catalog must reach a metastore that Spark's Hive client can talk to. Iceberg's HiveCatalog
/// calls the metastore through the Hive classes on Spark's own class path (the built-in Hive 2.3.x client), not
/// through spark.sql.hive.metastore.jars (that isolated loader serves only Spark's session catalog), so against a
/// Hive 4 metastore every Iceberg table call fails with "Invalid method name: 'get_table'" (HIVE-26537) even where
/// SPK018 accepts Hive 4 client jars for spark_catalog. Uses SPK018's version table (<see cref="HiveClientSupport"/>).
/// </summary>
public sealed class IcebergHiveMetastoreCheck() : SparkCheck(
    "SPK112",
    Severity.Error,
    "An Iceberg Hive catalog points at a metastore that Spark's built-in Hive client cannot talk to",
    "Run a Hive 3.1 metastore (metastore.image.tag 3.1.3), or use an Iceberg REST catalog (iceberg.catalogType rest)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var metastores = PodContainers.All(context.Model)
            .Where(c => c.Component.Equals("metastore", StringComparison.OrdinalIgnoreCase) && IsHiveImage((string?)c.Container["image"]))
            .ToList();
        if (metastores.Count == 0)
        {
            yield break;
        }

        var spark = Sizing.SparkVersion.TryParse(context.SparkVersion) ?? Sizing.SparkVersion.Default;
        var client = HiveClientSupport.Builtin(spark);
        foreach (var conf in IcebergRender.Confs(context.Model))
        {
            foreach (var catalog in IcebergRender.Catalogs(conf).Where(c => c.IsHive))
            {
                foreach (var metastore in metastores)
                {
                    var image = (string)metastore.Container["image"]!;
                    if (HiveVersion.TryParse(ImageReference.Parse(image).Tag) is { } server && !HiveClientSupport.ServerServes(server, client))
                    {
                        yield return Found(catalog.Declaration,
                            $"Iceberg catalog '{catalog.Name}' is a Hive catalog, and Iceberg calls the metastore with Spark {spark.Major}.{spark.Minor}'s built-in Hive {client} client; {metastore.Object} runs Hive {server}, which removed get_table (HIVE-26537): every Iceberg CREATE TABLE and SELECT fails");
                    }
                }
            }
        }
    }

    private static bool IsHiveImage(string? image) =>
        image is not null && ImageReference.Parse(image).Repository.Split('/')[^1] is var name
        && (name.Contains("hive", StringComparison.OrdinalIgnoreCase) || name.Contains("metastore", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// SPK113: a secret of an Iceberg catalog written as a literal Spark property (credential, token, basic-auth password,
/// S3 keys) sits in clear text in a ConfigMap or pod spec. Iceberg's REST catalog resolves "env:&lt;NAME&gt;" values
/// from the environment (EnvironmentUtil.resolveAll in RESTSessionCatalog.initialize); the chart renders
/// env:ICEBERG_REST_CREDENTIAL with the variable from a Secret (iceberg.rest.auth).
/// </summary>
public sealed class IcebergCatalogSecretCheck() : SparkCheck(
    "SPK113",
    Severity.Error,
    "An Iceberg catalog secret is a literal Spark property",
    "Use iceberg.rest.auth (the Secret reaches Spark as an env var; the property holds only env:ICEBERG_REST_CREDENTIAL)")
{
    private static readonly string[] SecretOptions = ["credential", "token", "rest.auth.basic.password", "s3.secret-access-key", "s3.session-token"];

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in IcebergRender.Confs(context.Model))
        {
            foreach (var catalog in IcebergRender.Catalogs(conf))
            {
                foreach (var option in SecretOptions)
                {
                    if (catalog.Find(option) is { } property && !string.IsNullOrWhiteSpace(property.Value)
                        && !property.Value.Trim().StartsWith("env:", StringComparison.Ordinal))
                    {
                        yield return Found(property,
                            $"{property.Key} holds a literal secret of Iceberg catalog '{catalog.Name}': it is readable in the ConfigMap (or pod spec) and in Spark's environment page");
                    }
                }
            }
        }
    }
}

/// <summary>
/// SPK114 (warning): an Iceberg Hive catalog with no metastore URI (neither its uri option nor
/// spark.hadoop.hive.metastore.uris) makes Iceberg's HiveCatalog start an embedded Derby metastore inside the driver:
/// tables appear to work and vanish with the pod.
/// </summary>
public sealed class IcebergHiveUriCheck() : SparkCheck(
    "SPK114",
    Severity.Warning,
    "An Iceberg Hive catalog has no metastore URI",
    "Set iceberg.catalogType hive with metastore.enabled (the chart renders the uri), or set spark.sql.catalog.<name>.uri thrift://<metastore>:9083")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in IcebergRender.Confs(context.Model))
        {
            foreach (var catalog in IcebergRender.Catalogs(conf).Where(c => c.IsHive))
            {
                if (string.IsNullOrWhiteSpace(catalog.Get("uri")) && string.IsNullOrWhiteSpace(conf.Get("spark.hadoop.hive.metastore.uris")))
                {
                    yield return Found(catalog.Declaration,
                        $"Iceberg catalog '{catalog.Name}' is a Hive catalog with no metastore URI: Iceberg starts an embedded Derby metastore in the driver, and its tables are lost with the pod");
                }
            }
        }
    }
}
