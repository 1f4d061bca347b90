using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Presets;
using SparkK8s.Core.Sizing;
using SparkK8s.Core.Units;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Limits;

/// <summary>Every parser of user input is bounded: a small input cannot take gigabytes, minutes, or overflow into nonsense.</summary>
public class InputLimitsTests
{
    [Fact]
    public async Task Yaml_alias_expansion_in_a_values_file_is_bounded()
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("bomb.yaml", HostileYaml.BillionLaughs);

        var act = () => ValuesDocument.LoadAsync(file, "-f", TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("-f").And.Contain(file).And.Contain("aliases");
    }

    [Fact]
    public void Yaml_nesting_is_bounded()
    {
        var deep = HostileYaml.Nested(5000);

        var act = () => ManifestParser.ParseYaml(deep, "deep.yaml");

        act.Should().Throw<UserInputException>().Which.Message.Should().Contain("deep.yaml");
    }

    [Fact]
    public void Ordinary_anchors_and_aliases_still_work()
    {
        var node = ManifestParser.ParseYaml("base: &b {cpu: 1}\nother: *b\n", "ok.yaml");

        node!["other"]!["cpu"]!.GetValue<long>().Should().Be(1);
    }

    [Theory]
    [InlineData("nodeTypes:\n  x:\n    vcpu: 4\n    memoryGiB: 16\n    onDemandUsdPerHour: -0.5", "nodeTypes.x.onDemandUsdPerHour", "negative")]
    [InlineData("nodeTypes:\n  x:\n    vcpu: 4\n    memoryGiB: 16\n    vcpuHourUsd: .nan\n    gibHourUsd: 0.01", "nodeTypes.x.vcpuHourUsd", "not a finite number")]
    [InlineData("nodeTypes:\n  x:\n    vcpu: 4\n    memoryGiB: 16\n    onDemandUsdPerHour: .inf", "nodeTypes.x.onDemandUsdPerHour", "not a finite number")]
    [InlineData("nodeTypes:\n  x:\n    vcpu: 4\n    memoryGiB: 16\n    onDemandUsdPerHour: 1e400", "nodeTypes.x.onDemandUsdPerHour", "not a finite number")]
    [InlineData("spotDiscount: -0.1", "spotDiscount", "negative")]
    [InlineData("nodeTypes:\n  x:\n    vcpu: many\n    memoryGiB: 16\n    onDemandUsdPerHour: 1", "nodeTypes.x.vcpu", "'many'")]
    [InlineData("pricez: 1", "unknown key 'pricez'", "spotDiscount")]
    [InlineData("nodeTypes:\n  x:\n    vcpus: 4", "unknown key 'vcpus'", "memoryGiB")]
    [InlineData("nodeTypes: [1, 2]", "nodeTypes must be a mapping", "--prices")]
    [InlineData("nodeTypes:\n  x:\n    vcpu: 1e9\n    memoryGiB: 16\n    onDemandUsdPerHour: 1", "at most 4096 vCPUs", "'x'")]
    public void Bad_prices_are_refused_naming_the_key_without_dotnet_names(string yaml, string names, string says)
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("prices.yaml", yaml);

        var act = () => PriceCatalog.Load(file);

        var message = act.Should().Throw<UserInputException>().Which.Message;
        message.Should().Contain(names).And.Contain(says).And.Contain("--prices");
        message.Should().NotMatchRegex(@"System\.|Exception|\+[A-Z]|SparkK8s\.");
    }

    [Fact]
    public void A_price_catalog_bomb_is_refused()
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("prices.yaml", HostileYaml.BillionLaughs);

        var act = () => PriceCatalog.Load(file);

        act.Should().Throw<UserInputException>().Which.Message.Should().Contain("--prices").And.Contain("aliases");
    }

    [Theory]
    [InlineData("1e-2000000000")]
    [InlineData("1e2000000000")]
    [InlineData("1e99999999999")]
    [InlineData("99999999999999999999999999999E")]
    public void Quantities_with_absurd_exponents_are_not_quantities(string text)
    {
        KubeQuantity.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void Quantities_stay_exact_within_range()
    {
        KubeQuantity.TryParse("1e3", out var thousand).Should().BeTrue();
        thousand.Should().Be(1000m);
        KubeQuantity.TryParse("5e-3", out var small).Should().BeTrue();
        small.Should().Be(0.005m);
    }

    [Theory]
    [InlineData("99999999999999999999d")]
    [InlineData("3651d")]
    [InlineData("1000000000000000w")]
    public void Durations_beyond_ten_years_are_usage_errors(string text)
    {
        var act = () => DurationText.Parse(text, "--target-duration");

        act.Should().Throw<UserInputException>().Which.Message.Should().Contain("--target-duration");
    }

    [Fact]
    public void A_very_long_duration_text_is_refused_before_parsing()
    {
        var act = () => DurationText.Parse(string.Concat(Enumerable.Repeat("1h", 10_000)), "--since");

        act.Should().Throw<UserInputException>().Which.Message.Should().Contain("--since").And.Contain("too long");
    }

    [Theory]
    [InlineData("99999999999999999999999PB")]
    [InlineData("2048PB")]
    public void Sizes_beyond_an_exbibyte_are_usage_errors(string text)
    {
        var act = () => ByteSize.ParseHuman(text, "--dataset-size");

        act.Should().Throw<UserInputException>().Which.Message.Should().Contain("--dataset-size");
    }

    [Fact]
    public void A_spark_size_too_large_for_a_long_is_not_a_size()
    {
        ByteSize.TryParseSpark("99999999999p", ByteSize.MiB).Should().BeNull();
    }

    [Fact]
    public void Sizing_300_petabytes_is_refused_instead_of_overflowing_into_negative_partitions()
    {
        var node = PriceCatalog.Load(null).Node(null);
        var request = new SizingRequest
        {
            DatasetBytes = ByteSize.ParseHuman("300PB", "--dataset-size"),
            Workloads = [WorkloadProfile.Parse("etl", "--workload")],
            TargetDuration = TimeSpan.FromMinutes(15),
            Node = new NodeOffer(node.Name, node.Vcpu, node.MemoryGiB, node.VcpuHourUsd, node.GibHourUsd),
            SparkVersion = SparkVersion.Default,
        };

        var act = () => Sizer.Recommend(request);

        act.Should().Throw<UserInputException>().Which.Message.Should().Contain("--dataset-size").And.Contain("partitions");
    }

    [Theory]
    [InlineData("not-a-url")]
    [InlineData("ftp://minio:21")]
    [InlineData("http://")]
    [InlineData("")]
    public void A_bad_s3_endpoint_is_a_usage_error(string endpoint)
    {
        var act = () => S3Options.CheckEndpoint(endpoint, "--s3-endpoint");

        act.Should().Throw<UserInputException>().Which.Message.Should().Contain("--s3-endpoint").And.Contain("http://");
    }

    [Fact]
    public void A_good_s3_endpoint_passes()
    {
        S3Options.CheckEndpoint("http://127.0.0.1:9000", "--s3-endpoint").Should().Be("http://127.0.0.1:9000");
    }

    [Fact]
    public async Task A_helm_that_fails_is_a_usage_error_with_a_reason()
    {
        var act = () => HelmLocator.LocateAsync("/bin/false", null, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("--helm").And.Contain("exited with code 1").And.Contain("printed nothing");
    }

    [Fact]
    public async Task A_directory_given_as_helm_is_a_usage_error()
    {
        using var temp = new TempDirectory();

        var act = () => HelmLocator.LocateAsync(temp.Path, null, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("is a directory");
    }
}
