using FluentAssertions;
using SparkK8s.Cli.Output;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>Errors are the user's words: bad input exits 2 naming the flag, and no message shows a .NET type or exception name.</summary>
public sealed class ErrorMessageTests : IDisposable
{
    private const string DotNetNames = @"System\.|Exception|\+[A-Z]|SparkK8s\.|YamlDotNet|Amazon\.";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string, string> BadInputs() => new()
    {
        { "size: a number flag given text", "size --dataset-size 1TB --target-duration 15m --node-cpu abc --node-memory 1GiB", "--node-cpu" },
        { "size: NaN vCPUs", "size --dataset-size 1TB --target-duration 15m --node-cpu NaN --node-memory 64GiB", "--node-cpu" },
        { "size: infinite vCPUs", "size --dataset-size 1TB --target-duration 15m --node-cpu 1e300 --node-memory 64GiB", "--node-cpu" },
        { "size: an int flag overflowing", "validate --all --parallel 99999999999999", "--parallel" },
        { "size: a duration overflowing TimeSpan", "size --dataset-size 1TB --target-duration 99999999999999999999d", "--target-duration" },
        { "size: a size overflowing long", "size --dataset-size 99999999999999999999999PB --target-duration 15m", "--dataset-size" },
        { "size: 300PB overflowing int partitions", "size --dataset-size 300PB --target-duration 15m", "--dataset-size" },
        { "size: node memory beyond any node", "size --dataset-size 1TB --target-duration 15m --node-cpu 16 --node-memory 99999999PB", "--node-memory" },
        { "size: prices with an unknown key", "size --dataset-size 1TB --target-duration 15m --prices {unknown-key}", "unknown key 'foo'" },
        { "size: prices with text for a number", "size --dataset-size 1TB --target-duration 15m --prices {text-number}", "nodeTypes.x.vcpu" },
        { "size: prices that are a list", "size --dataset-size 1TB --target-duration 15m --prices {list}", "--prices" },
        { "size: prices given a directory", "size --dataset-size 1TB --target-duration 15m --prices {dir}", "is a directory" },
        { "size: write-values given a directory", "size --dataset-size 1TB --target-duration 15m --write-values {dir}", "is a directory" },
        { "size: a non-URL s3 endpoint", "size --dataset-size 1TB --target-duration 15m --from-history s3://bucket/logs --s3-endpoint not-a-url", "--s3-endpoint" },
        { "cost: an ftp s3 endpoint", "cost s3://bucket/logs --s3-endpoint ftp://minio:21", "--s3-endpoint" },
        { "render: a release name helm refuses", "render jupyter-connect-k8s --release Bad_Name!", "--release" },
        { "render: helm that fails silently", "render jupyter-connect-k8s --helm /bin/false", "exited with code 1" },
        { "render: helm given a directory", "render jupyter-connect-k8s --helm {dir}", "is a directory" },
        { "render: -f given a directory", "render jupyter-connect-k8s -f {dir}", "is a directory" },
        { "render: preset given a directory", "render {dir}/", "is a directory" },
        { "render: a values bomb", "render jupyter-connect-k8s --out {dir}/out -f {bomb}", "bomb.yaml" },
        { "docs: --out given a directory", "docs values --out {dir}", "is a directory" },
        { "presets: --chart given a file", "presets --chart {bomb}", "--chart" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_a_usage_error_in_the_users_words(string why, string command, string mentions)
    {
        var files = new Dictionary<string, string>
        {
            ["{unknown-key}"] = _temp.WriteFile("unknown.yaml", "foo: 1\n"),
            ["{text-number}"] = _temp.WriteFile("text.yaml", "nodeTypes:\n  x:\n    vcpu: abc\n    memoryGiB: 4\n"),
            ["{list}"] = _temp.WriteFile("list.yaml", "nodeTypes: [1, 2]\n"),
            ["{bomb}"] = _temp.WriteFile("bomb.yaml", HostileYaml.BillionLaughs),
            ["{dir}"] = _temp.Combine("a-directory"),
        };
        Directory.CreateDirectory(files["{dir}"]);
        var args = command.Split(' ').Select(a => files.Aggregate(a, (text, file) => text.Replace(file.Key, file.Value, StringComparison.Ordinal))).ToArray();

        var result = await CliRunner.RunAsync(args);

        result.ExitCode.Should().Be(2, $"{why}: {result.Stderr}");
        result.Stdout.Should().BeEmpty(why);
        result.Stderr.Should().StartWith("error: ", why).And.Contain(mentions, why);
        result.Stderr.Should().NotMatchRegex(DotNetNames, why);
        result.ShouldHaveNoStackTrace();
    }

    [Theory]
    [InlineData("Cannot parse 'PriceCatalog+CatalogDocument' as System.Int32: OverflowException", "Cannot parse a value as a value:")]
    [InlineData("AmazonClientException: Value for ServiceURL is not a valid URL", "Value for ServiceURL is not a valid URL")]
    [InlineData("Unable to cast object of type 'System.String' to type 'System.Nullable`1[System.Double]'.", "Unable to cast object of type a value to type a value.")]
    public void The_last_line_of_defence_removes_dotnet_names(string message, string expected)
    {
        var cleaned = ErrorText.Clean(message);

        cleaned.Should().NotMatchRegex(DotNetNames);
        cleaned.Should().StartWith(expected.Split(' ')[0]);
    }

    [Theory]
    [InlineData("-f: cannot read '/home/me/SparkK8s.Tools/System.Config/values.yaml': Permission denied.")]
    [InlineData("press Ctrl+C to stop; see https://example.org/System.Int32-guide")]
    [InlineData("helm lint rejected the values:\n  [ERROR] values.yaml:   - at '/connect': additional properties 'x' not allowed")]
    public void Cleaning_keeps_paths_and_ordinary_text(string message)
    {
        ErrorText.Clean(message).Should().Be(message);
    }
}
