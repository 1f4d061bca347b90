using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>
/// SPK110-SPK114, the Iceberg checks, on the renders in tests/fixtures/iceberg: each fires on its own bad fixture and
/// no Iceberg check fires on good.yaml (the chart's presets are covered by IcebergChartTests and validate --all).
/// </summary>
public class IcebergChecksTests
{
    private static readonly string[] Ids = ["SPK110", "SPK111", "SPK112", "SPK113", "SPK114"];

    private static IReadOnlyList<Finding> Run(string fixture, string version = "4.1")
    {
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "fixtures", "iceberg", fixture));
        return SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), version, KnownSparkProperties.For(version)));
    }

    private static IEnumerable<Finding> Iceberg(IEnumerable<Finding> findings) => findings.Where(f => Ids.Contains(f.Id));

    [Fact]
    public void No_iceberg_check_fires_on_a_correct_render()
    {
        Iceberg(Run("good.yaml")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("spk110-wrong-runtime.yaml", "SPK110", 2, "iceberg-spark-runtime-3.5_2.12")]
    [InlineData("spk111-no-extensions.yaml", "SPK111", 1, "IcebergSparkSessionExtensions")]
    [InlineData("spk112-hive4-metastore.yaml", "SPK112", 1, "get_table")]
    [InlineData("spk113-literal-credential.yaml", "SPK113", 1, "spark.sql.catalog.remote.credential")]
    [InlineData("spk114-no-metastore-uri.yaml", "SPK114", 1, "Derby")]
    public void Each_bad_fixture_makes_exactly_its_check_fire(string fixture, string id, int count, string mentioned)
    {
        var findings = Iceberg(Run(fixture)).ToList();

        findings.Should().HaveCount(count).And.OnlyContain(f => f.Id == id, fixture);
        findings.Should().Contain(f => f.Message.Contains(mentioned, StringComparison.Ordinal));
        findings.Should().OnlyContain(f => !string.IsNullOrWhiteSpace(f.Fix));
    }

    [Fact]
    public void SPK110_names_both_jars_the_line_cannot_load()
    {
        var messages = Iceberg(Run("spk110-wrong-runtime.yaml")).Select(f => f.Message).ToList();

        messages.Should().Contain(m => m.Contains("iceberg-spark-runtime-3.5_2.12 is Iceberg's runtime for Spark 3.5 on Scala 2.12", StringComparison.Ordinal));
        messages.Should().Contain(m => m.Contains("iceberg-spark-runtime-4.0_2.13", StringComparison.Ordinal), "spark.jars.packages is read too");
    }

    [Fact]
    public void SPK110_accepts_the_3_5_runtime_on_the_3_5_line()
    {
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "fixtures", "iceberg", "spk110-wrong-runtime.yaml"))
            .Replace("spark.jars.packages org.apache.iceberg:iceberg-spark-runtime-4.0_2.13:1.11.0", "spark.jars.packages org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.11.0", StringComparison.Ordinal)
            .Replace("4.1.2-scala2.13-java21", "3.5.8-scala2.12-java17", StringComparison.Ordinal);
        var findings = SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), "3.5", KnownSparkProperties.For("3.5")));

        findings.Where(f => f.Id == "SPK110").Should().BeEmpty();
    }

    [Fact]
    public void SPK112_fires_where_SPK018_accepts_hive_4_client_jars_for_the_session_catalog()
    {
        var findings = Run("spk112-hive4-metastore.yaml");

        findings.Where(f => f.Id == "SPK018" && f.Severity == Severity.Error).Should().BeEmpty("spark_catalog uses the Hive 4 jars");
        findings.Should().ContainSingle(f => f.Id == "SPK112").Which.Severity.Should().Be(Severity.Error);
    }

    [Fact]
    public void SPK114_is_a_warning_and_SPK113_an_error()
    {
        Iceberg(Run("spk114-no-metastore-uri.yaml")).Single().Severity.Should().Be(Severity.Warning);
        Iceberg(Run("spk113-literal-credential.yaml")).Single().Severity.Should().Be(Severity.Error);
    }
}
