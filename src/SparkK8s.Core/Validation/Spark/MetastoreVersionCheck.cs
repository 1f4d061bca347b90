namespace SparkK8s.Core.Validation.Spark;

/// <summary>A Hive version as major.minor.patch (patch 0 when absent), parsed from a version or an image tag.</summary>
public readonly record struct HiveVersion(int Major, int Minor, int Patch) : IComparable<HiveVersion>
{
    /// <summary>The leading "N.N[.N]" of a version or image tag ("3.1.3", "4.0.1", "4.0.0-beta-1"), or null.</summary>
    public static HiveVersion? TryParse(string? text)
    {
        var match = text is null ? null : System.Text.RegularExpressions.Regex.Match(text.Trim(), @"^([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(?![0-9])");
        if (match is not { Success: true })
        {
            return null;
        }

        return new HiveVersion(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
            match.Groups[3].Success ? int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
    }

    public int CompareTo(HiveVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public static bool operator <(HiveVersion left, HiveVersion right) => left.CompareTo(right) < 0;
    public static bool operator >(HiveVersion left, HiveVersion right) => left.CompareTo(right) > 0;
    public static bool operator <=(HiveVersion left, HiveVersion right) => left.CompareTo(right) <= 0;
    public static bool operator >=(HiveVersion left, HiveVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}

/// <summary>
/// Which Hive metastore client versions a Spark line supports (spark.sql.hive.metastore.version) and which one it builds in.
/// Sources in apache/spark: sql/hive/.../client/package.scala (allSupportedHiveVersions: 0.12-3.1.3 on 3.5, 2.0-3.1.3 on
/// 4.0 with 4.0.x added by SPARK-45265), docs/sql-data-sources-hive-tables.md (4.1: "2.0.0 through 2.3.10, 3.0.0 through
/// 3.1.3, and 4.0.0 through 4.1.0", PR 51809); the built-in client is Hive 2.3.9 on 3.5 and 2.3.10 since 4.0 (SPARK-47018).
/// </summary>
public static class HiveClientSupport
{
    public static HiveVersion Builtin(Sizing.SparkVersion spark) => spark.AtLeast(4, 0) ? new(2, 3, 10) : new(2, 3, 9);

    public static IReadOnlyList<(HiveVersion From, HiveVersion To)> Supported(Sizing.SparkVersion spark) =>
        spark.AtLeast(4, 1) ? [(new(2, 0, 0), new(2, 3, 10)), (new(3, 0, 0), new(3, 1, 3)), (new(4, 0, 0), new(4, 1, 0))]
        : spark.AtLeast(4, 0) ? [(new(2, 0, 0), new(2, 3, 10)), (new(3, 0, 0), new(3, 1, 3)), (new(4, 0, 0), new(4, 0, 1))]
        : [(new(0, 12, 0), new(2, 3, 10)), (new(3, 0, 0), new(3, 1, 3))];

    public static string Describe(Sizing.SparkVersion spark) =>
        string.Join(", ", Supported(spark).Select(r => $"{r.From}-{r.To}"));

    /// <summary>Hive 4.0 removed the Thrift calls the pre-4 clients make (get_table and others, HIVE-26537).</summary>
    public static bool ServerServes(HiveVersion server, HiveVersion client) => client.Major >= 4 || server.Major < 4;
}

/// <summary>
/// SPK018: Spark's Hive metastore client and the metastore image must be a working pair. A client before Hive 4 (every
/// built-in one) against a Hive 4 metastore fails every table operation with "Invalid method name: 'get_table'"
/// (HIVE-26537) while spark.range(10).count() still works; a client version the Spark line does not support, or a
/// built-in jar set with another version, fails at the first catalog call.
/// </summary>
public sealed class MetastoreVersionCheck() : SparkCheck(
    "SPK018",
    Severity.Error,
    "Spark's Hive metastore client (spark.sql.hive.metastore.version) and the metastore image are not a supported pair",
    "Use a Hive 3.1 metastore image (metastore.image.tag 3.1.3) with the built-in client (spark.releases.<line>.hiveMetastoreVersion), or bake matching Hive client jars into the Spark image (spark.sql.hive.metastore.jars=path)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        if (context.Model.Connect is not { } conf)
        {
            yield break;
        }

        var metastores = PodContainers.All(context.Model)
            .Where(c => c.Component.Equals("metastore", StringComparison.OrdinalIgnoreCase) && IsHiveImage((string?)c.Container["image"]))
            .ToList();
        var usesHive = string.Equals(conf.Get("spark.sql.catalogImplementation"), "hive", StringComparison.OrdinalIgnoreCase)
            || conf.Get("spark.hadoop.hive.metastore.uris") is not null;
        if (!usesHive || metastores.Count == 0)
        {
            yield break;
        }

        var spark = Sizing.SparkVersion.TryParse(context.SparkVersion) ?? Sizing.SparkVersion.Default;
        var builtin = HiveClientSupport.Builtin(spark);
        var versionProperty = conf.Find("spark.sql.hive.metastore.version");
        var anchor = versionProperty ?? conf.Find("spark.sql.catalogImplementation") ?? conf.Find("spark.hadoop.hive.metastore.uris")!;
        if (versionProperty is null)
        {
            yield return Found(anchor,
                $"the Connect server uses a Hive metastore, but spark.sql.hive.metastore.version is not set (Spark {spark.Major}.{spark.Minor} then uses its built-in {builtin} client implicitly)",
                $"Set spark.sql.hive.metastore.version {builtin} (the chart renders spark.releases.<line>.hiveMetastoreVersion)", Severity.Warning);
        }

        var client = versionProperty is null ? builtin : HiveVersion.TryParse(versionProperty.Value);
        if (client is not { } clientVersion)
        {
            yield return Found(anchor, $"spark.sql.hive.metastore.version '{versionProperty!.Value}' is not a Hive version (major.minor.patch)");
            yield break;
        }

        if (!HiveClientSupport.Supported(spark).Any(r => clientVersion >= r.From && clientVersion <= r.To))
        {
            yield return Found(anchor,
                $"Spark {spark.Major}.{spark.Minor} does not support Hive metastore client {clientVersion} (supported: {HiveClientSupport.Describe(spark)})");
            yield break;
        }

        var jars = conf.Get("spark.sql.hive.metastore.jars")?.Trim() ?? "builtin";
        if (jars == "builtin" && clientVersion != builtin)
        {
            yield return Found(conf.Find("spark.sql.hive.metastore.jars") ?? anchor,
                $"spark.sql.hive.metastore.jars=builtin holds the Hive {builtin} client, but spark.sql.hive.metastore.version is {clientVersion}; Spark refuses the mismatch",
                $"Set spark.sql.hive.metastore.version {builtin}, or put Hive {clientVersion} client jars into the Spark image and set spark.sql.hive.metastore.jars=path");
        }
        else if (jars == "maven")
        {
            yield return Found(conf.Find("spark.sql.hive.metastore.jars")!,
                "spark.sql.hive.metastore.jars=maven downloads the Hive client from Maven at runtime (fails air-gapped and on rate limits)",
                "Bake the client jars into the Spark image and set spark.sql.hive.metastore.jars=path", Severity.Warning);
        }

        foreach (var metastore in metastores)
        {
            var image = (string)metastore.Container["image"]!;
            var tag = ImageReference.Parse(image).Tag;
            if (HiveVersion.TryParse(tag) is not { } server)
            {
                yield return Found(metastore.Object, $"{metastore.Field}.image",
                    $"container {metastore.Name} runs {image}: its tag does not start with a Hive version, so the pair with client {clientVersion} cannot be checked",
                    "Tag the metastore image with the Hive version it runs (e.g. 3.1.3)", Severity.Warning);
            }
            else if (!HiveClientSupport.ServerServes(server, clientVersion))
            {
                yield return Found(metastore.Object, $"{metastore.Field}.image",
                    $"container {metastore.Name} runs Hive {server}, which removed get_table (HIVE-26537) that Spark's Hive {clientVersion} client calls: every CREATE TABLE, saveAsTable and catalog SELECT fails with \"Invalid method name: 'get_table'\"");
            }
        }
    }

    private static bool IsHiveImage(string? image) =>
        image is not null && ImageReference.Parse(image).Repository.Split('/')[^1] is var name
        && (name.Contains("hive", StringComparison.OrdinalIgnoreCase) || name.Contains("metastore", StringComparison.OrdinalIgnoreCase));
}
