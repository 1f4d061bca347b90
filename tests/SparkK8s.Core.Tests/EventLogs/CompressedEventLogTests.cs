using System.Text.Json;
using Amazon.S3.Model;
using FluentAssertions;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;
using SparkK8s.Core.EventLogs.Compression;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>
/// Spark's real logs compressed with every codec Spark writes (tests/fixtures/spark-event-logs-compressed, made by
/// scripts/generate-compressed-event-logs.sh with Spark's own Java libraries and stream settings) read to exactly the same
/// summaries as the uncompressed logs, from single files, rolling directories, whole directories and S3.
/// </summary>
public class CompressedEventLogTests(S3ServerFixture s3) : IClassFixture<S3ServerFixture>
{
    private static readonly string[] AllCodecs = ["lz4", "lzf", "snappy", "zstd"];

    public static readonly TheoryData<string> Codecs = new(AllCodecs);

    public static TheoryData<string, string> CodecsAndLogs()
    {
        var data = new TheoryData<string, string>();
        foreach (var codec in AllCodecs)
        {
            foreach (var log in new[] { "app-20161116163331-0000", "app-20200706201101-0003", "application_1506645932520_24630151", "application_1553914137147_0018", "application_1628109047826_1317105" })
            {
                data.Add(codec, log);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CodecsAndLogs))]
    public async Task A_compressed_single_file_log_reads_exactly_like_the_uncompressed_one(string codec, string log)
    {
        var plain = await RealEventLogTests.ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, log));
        var compressed = await RealEventLogTests.ReadAsync(Path.Combine(RepoPaths.CompressedSparkEventLogs, codec, $"{log}.{codec}"));

        Comparable(compressed).Should().Be(Comparable(plain));
        compressed.Warnings.Should().BeEquivalentTo(plain.Warnings);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task A_compressed_rolling_log_reads_exactly_like_the_uncompressed_one(string codec)
    {
        const string rolling = "eventlog_v2_local-1766844910796";
        var plain = await RealEventLogTests.ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, rolling));
        var compressed = await RealEventLogTests.ReadAsync(Path.Combine(RepoPaths.CompressedSparkEventLogs, codec, rolling));

        Comparable(compressed).Should().Be(Comparable(plain));
        compressed.Tasks.Count.Should().Be(2);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task A_directory_of_compressed_logs_reads_like_the_uncompressed_directory(string codec)
    {
        var plain = await ReadDirectoryAsync(RepoPaths.SparkEventLogs);
        var compressed = await ReadDirectoryAsync(Path.Combine(RepoPaths.CompressedSparkEventLogs, codec));

        compressed.Should().Equal(plain);
        compressed.Should().HaveCount(6);
    }

    [Fact]
    public async Task Compressed_logs_under_an_s3_prefix_read_like_the_local_files()
    {
        var ct = TestContext.Current.CancellationToken;
        await s3.CreateBucketAsync("compressed-logs");
        var expected = new List<string>();
        using (var client = s3.CreateClient())
        {
            foreach (var codec in AllCodecs)
            {
                var root = Path.Combine(RepoPaths.CompressedSparkEventLogs, codec);
                foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
                {
                    var key = $"{codec}/{Path.GetRelativePath(root, file).Replace('\\', '/')}";
                    await client.PutObjectAsync(new PutObjectRequest { BucketName = "compressed-logs", Key = key, FilePath = file, UseChunkEncoding = false }, ct);
                }
            }
        }

        var local = await ReadDirectoryAsync(RepoPaths.SparkEventLogs);
        var options = new S3Options { Endpoint = s3.Endpoint, ForcePathStyle = true, AccessKey = S3ServerFixture.AccessKey, SecretKey = S3ServerFixture.SecretKey };
        foreach (var codec in AllCodecs)
        {
            using var scanner = await EventLogScanner.OpenAsync($"s3://compressed-logs/{codec}/", options, "PATH", ct);
            var fromS3 = new List<string>();
            await foreach (var result in scanner.ReadAllAsync(ct))
            {
                result.SkipReason.Should().BeNull();
                fromS3.Add(Comparable(result.Summary!));
            }

            fromS3.Should().HaveCount(local.Count, $"the {codec} prefix holds one copy of each log");
            fromS3.Order(StringComparer.Ordinal).Should().Equal(local, $"the {codec} logs on S3 give the same summaries");
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task A_corrupt_compressed_log_is_an_error_naming_the_file_not_a_crash(string codec)
    {
        using var temp = new TempDirectory();
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.CompressedSparkEventLogs, codec, $"application_1628109047826_1317105.{codec}"), TestContext.Current.CancellationToken);
        // Overwrite 1 KiB inside the first block or frame (zstd frames carry no checksum, so a few flipped bits
        // inside a literal could still decode; a whole overwritten kilobyte cannot).
        Array.Fill(bytes, (byte)0xFF, 64, 1024);

        var path = temp.Combine($"app-corrupt.{codec}");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

        var act = () => RealEventLogTests.ReadAsync(path);

        var error = (await act.Should().ThrowAsync<OperationFailedException>()).Which;
        error.Message.Should().StartWith(path).And.Contain(codec);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task In_a_directory_a_corrupt_compressed_log_is_a_warning_and_the_others_are_read(string codec)
    {
        using var temp = new TempDirectory();
        var source = Path.Combine(RepoPaths.CompressedSparkEventLogs, codec, $"application_1628109047826_1317105.{codec}");
        File.Copy(source, temp.Combine($"application_1628109047826_1317105.{codec}"));
        var bytes = await File.ReadAllBytesAsync(source, TestContext.Current.CancellationToken);
        Array.Fill(bytes, (byte)0xEE, bytes.Length / 2, 32);
        await File.WriteAllBytesAsync(temp.Combine($"app-broken.{codec}"), bytes, TestContext.Current.CancellationToken);

        var results = await ReadAllAsync(temp.Path);

        results.Should().HaveCount(2);
        results.Single(r => r.Summary is null).SkipReason.Should().Contain($"app-broken.{codec}");
        results.Single(r => r.Summary is not null).Summary!.AppId.Should().Be("application_1628109047826_1317105");
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task A_compressed_log_cut_mid_stream_reads_the_events_before_the_cut_with_a_warning(string codec)
    {
        using var temp = new TempDirectory();
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.CompressedSparkEventLogs, codec, $"app-20200706201101-0003.{codec}"), TestContext.Current.CancellationToken);
        var path = temp.Combine($"app-20200706201101-0003.{codec}.inprogress");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 9 / 10)], TestContext.Current.CancellationToken);

        var app = await RealEventLogTests.ReadAsync(path);

        app.AppId.Should().Be("app-20200706201101-0003");
        app.Completed.Should().BeFalse();
        app.TruncatedLastLine.Should().BeTrue();
        app.Tasks.Count.Should().BeGreaterThan(0).And.BeLessThan(48);
        app.Warnings.Should().Contain(w => w.Contains("running application", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concatenated_lz4_streams_are_read_as_one_log_as_Spark_reads_them()
    {
        using var temp = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var root = Path.Combine(RepoPaths.CompressedSparkEventLogs, "lz4");
        var first = await File.ReadAllBytesAsync(Path.Combine(root, "application_1628109047826_1317105.lz4"), ct);
        var path = temp.Combine("app-twice.lz4");
        await File.WriteAllBytesAsync(path, [.. first, .. first], ct);

        var app = await RealEventLogTests.ReadAsync(path);

        // The same task ends twice are counted once.
        app.Tasks.Count.Should().Be(5);
        app.Warnings.Should().Contain(w => w.Contains("duplicate SparkListenerTaskEnd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_lz4_block_with_a_wrong_checksum_is_rejected()
    {
        using var temp = new TempDirectory();
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.CompressedSparkEventLogs, "lz4", "application_1628109047826_1317105.lz4"), TestContext.Current.CancellationToken);
        bytes[17] ^= 0x01; // the first block's checksum (magic 8 + token 1 + lengths 8)
        var path = temp.Combine("app-1.lz4");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

        var act = () => RealEventLogTests.ReadAsync(path);

        (await act.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("checksum");
    }

    [Fact]
    public void The_lzf_decoder_decodes_literals_and_overlapping_back_references()
    {
        // "abc" as a literal run, then a back reference of length 7 at distance 3: "abcabcabca".
        byte[] input = [0x02, (byte)'a', (byte)'b', (byte)'c', (5 << 5) | 0, 0x02];
        var output = new byte[10];

        LzfDecoder.Decode(input, output).Should().Be(10);
        System.Text.Encoding.ASCII.GetString(output).Should().Be("abcabcabca");
    }

    [Theory]
    [InlineData(new byte[] { 0x05, (byte)'a' })]                 // a literal run longer than the input
    [InlineData(new byte[] { 0x00, (byte)'a', 0x20, 0x05 })]     // a back reference before the start of the output
    [InlineData(new byte[] { 0x00, (byte)'a', 0xE0 })]           // a long back reference missing its length byte
    [InlineData(new byte[] { 0x1F })]                             // a literal run with no bytes
    public void The_lzf_decoder_rejects_corrupt_input(byte[] input)
    {
        LzfDecoder.Decode(input, new byte[64]).Should().Be(-1);
    }

    [Fact]
    public void The_lzf_decoder_rejects_output_longer_than_the_chunk_says()
    {
        byte[] input = [0x02, (byte)'a', (byte)'b', (byte)'c'];

        LzfDecoder.Decode(input, new byte[2]).Should().Be(-1);
    }

    private static async Task<List<string>> ReadDirectoryAsync(string directory) =>
        [.. (await ReadAllAsync(directory)).Where(r => r.Summary is not null).Select(r => Comparable(r.Summary!)).Order(StringComparer.Ordinal)];

    private static async Task<List<ScanResult>> ReadAllAsync(string path)
    {
        using var scanner = await EventLogScanner.OpenAsync(path, null, "PATH", TestContext.Current.CancellationToken);
        var results = new List<ScanResult>();
        await foreach (var result in scanner.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            results.Add(result);
        }

        return results;
    }

    /// <summary>Everything the summary derives from the events, without where it was read from.</summary>
    private static string Comparable(ApplicationSummary app) =>
        JsonSerializer.Serialize(app with { Source = "", Warnings = [.. app.Warnings.Select(w => w.Replace(app.Source, "", StringComparison.Ordinal))] });
}
