using FluentAssertions;
using SparkK8s.Core.Sizing;
using SparkK8s.Core.Units;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

public class UnitsTests
{
    [Theory]
    [InlineData("500m", "0.5")]
    [InlineData("1.5", "1.5")]
    [InlineData("2Gi", "2147483648")]
    [InlineData("1e3", "1000")]
    [InlineData("128974848", "128974848")]
    [InlineData("100k", "100000")]
    public void Kubernetes_quantities_parse_exactly(string text, string expected)
    {
        KubeQuantity.TryParse(text, out var value).Should().BeTrue();
        value.Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("4g", 4096)]
    [InlineData("512m", 512)]
    [InlineData("2048", 2048)]
    [InlineData("1gb", 1024)]
    public void Spark_sizes_default_to_mebibytes(string text, long mib)
    {
        ByteSize.TryParseSparkMiB(text).Should().Be(mib);
    }

    [Fact]
    public void Overhead_is_the_larger_of_ten_percent_and_384_mebibytes_unless_set()
    {
        static ExecutorMemory For(params (string Key, string Value)[] properties)
        {
            var conf = new SparkConf();
            foreach (var (key, value) in properties)
            {
                conf.Set(new SparkProperty(key, value, "o", "f"));
            }

            return ExecutorMemory.From(conf, "4.1");
        }

        For(("spark.executor.memory", "2g")).Pod.OverheadMiB.Should().Be(384);
        For(("spark.executor.memory", "8g")).Pod.OverheadMiB.Should().Be(819);
        For(("spark.executor.memory", "8g"), ("spark.executor.memoryOverheadFactor", "0.2")).Pod.OverheadMiB.Should().Be(1638);
        For(("spark.executor.memory", "8g"), ("spark.executor.memoryOverhead", "1g"), ("spark.executor.pyspark.memory", "512m")).TotalMiB
            .Should().Be(8192 + 1024, "Spark adds pyspark memory to the pod only for Python applications");
        For(("spark.executor.memory", "8g"), ("spark.executor.memoryOverhead", "1g"), ("spark.executor.pyspark.memory", "512m"), ("spark.kubernetes.resource.type", "python")).TotalMiB
            .Should().Be(8192 + 1024 + 512);
        For(("spark.executor.memory", "2g"), ("spark.memory.offHeap.enabled", "true"), ("spark.memory.offHeap.size", "1073741824")).TotalMiB.Should().Be(2048 + 384 + 1024);
        For(("spark.executor.memory", "8g"), ("spark.executor.minMemoryOverhead", "1g")).Pod.OverheadMiB.Should().Be(1024, "Spark 4.x reads the minimum overhead from spark.executor.minMemoryOverhead");
    }
}
