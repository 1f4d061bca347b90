using FluentAssertions;
using SparkK8s.Core.Sizing;
using Xunit;

namespace SparkK8s.Core.Tests.Sizing;

/// <summary>Executor memory overhead per Spark version, as Spark computes it (see <see cref="SparkMemoryRules"/>).</summary>
public class SparkMemoryRulesTests
{
    private const string K8s = "k8s://https://kubernetes.default.svc";

    [Theory]
    // Default: max(0.10 x 8192, 384) = 819 on every version.
    [InlineData("2.4.8", "", 819)]
    [InlineData("3.5.1", "", 819)]
    [InlineData("4.0.0", "", 819)]
    // Small heaps hit the 384 MiB minimum.
    [InlineData("3.5.1", "spark.executor.memory=2g", 384)]
    // spark.executor.memoryOverheadFactor exists from 3.3 on; 3.2 ignores it.
    [InlineData("3.2.4", "spark.executor.memoryOverheadFactor=0.2", 819)]
    [InlineData("3.3.0", "spark.executor.memoryOverheadFactor=0.2", 1638)]
    // Kubernetes: spark.kubernetes.memoryOverheadFactor (2.4+), and 0.4 for Python apps when no factor is set.
    [InlineData("2.3.0", "spark.master=K8S;spark.kubernetes.resource.type=python", 819)]
    [InlineData("2.4.8", "spark.master=K8S;spark.kubernetes.resource.type=python", 3276)]
    [InlineData("3.5.1", "spark.master=K8S;spark.kubernetes.resource.type=python", 3276)]
    [InlineData("3.5.1", "spark.master=K8S;spark.kubernetes.memoryOverheadFactor=0.3", 2457)]
    [InlineData("3.5.1", "spark.master=K8S;spark.kubernetes.memoryOverheadFactor=0.3;spark.executor.memoryOverheadFactor=0.2", 1638)]
    [InlineData("3.5.1", "spark.master=yarn;spark.kubernetes.resource.type=python", 819)]
    // spark.executor.minMemoryOverhead exists from 4.0 on.
    [InlineData("3.5.1", "spark.executor.memory=2g;spark.executor.minMemoryOverhead=1g", 384)]
    [InlineData("4.0.0", "spark.executor.memory=2g;spark.executor.minMemoryOverhead=1g", 1024)]
    // An explicit overhead wins over every rule, including the legacy YARN key.
    [InlineData("4.0.0", "spark.executor.memoryOverhead=512;spark.executor.minMemoryOverhead=1g", 512)]
    [InlineData("2.2.0", "spark.yarn.executor.memoryOverhead=700", 700)]
    public void Overhead_follows_the_rule_of_the_version(string version, string settings, long expectedOverheadMiB)
    {
        var properties = Properties(settings);

        var memory = SparkMemoryRules.Resolve(SparkVersion.TryParse(version)!.Value, properties, SparkRole.Executor);

        memory.OverheadMiB.Should().Be(expectedOverheadMiB, memory.Rule);
    }

    [Fact]
    public void Pyspark_and_off_heap_memory_are_added_to_the_container()
    {
        var properties = Properties("spark.master=K8S;spark.kubernetes.resource.type=python;spark.executor.pyspark.memory=1g;spark.memory.offHeap.enabled=true;spark.memory.offHeap.size=512m");

        var memory = SparkMemoryRules.Resolve(new SparkVersion(3, 5, 1), properties, SparkRole.Executor);

        memory.TotalMiB.Should().Be(8192 + 3276 + 1024 + 512);
    }

    [Fact]
    public void Driver_uses_the_driver_keys()
    {
        var properties = Properties("spark.driver.memory=4g;spark.driver.memoryOverheadFactor=0.25");

        SparkMemoryRules.Resolve(new SparkVersion(3, 4, 0), properties, SparkRole.Driver).TotalMiB.Should().Be(4096 + 1024);
    }

    private static Dictionary<string, string> Properties(string settings)
    {
        var properties = new Dictionary<string, string> { ["spark.executor.memory"] = "8g" };
        foreach (var pair in settings.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            properties[key] = value == "K8S" ? K8s : value;
        }

        return properties;
    }
}
