using System.Text;
using FluentAssertions;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>
/// The per-application and per-file work made cheaper for directories of thousands of small logs keeps its answers:
/// labels noted as properties arrive, executors in order of their added time, the local file read, the shared strings.
/// </summary>
public class PerApplicationWorkTests
{
    private const long Start = 1_700_000_000_000;

    [Fact]
    public async Task A_label_set_again_by_a_later_environment_update_takes_the_later_value()
    {
        var log = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-1", "a", "u", Start)
            .Environment(new Dictionary<string, string> { ["spark.kubernetes.executor.label.team"] = "first", ["spark.kubernetes.driver.label.tier"] = "gold" })
            .Environment(new Dictionary<string, string> { ["spark.kubernetes.executor.label.team"] = "second", ["spark.kubernetes.driver.label.team"] = "driver", ["spark.kubernetes.driver.label."] = "empty name" })
            .ApplicationEnd(Start + 1000).Build();

        var app = await ReadAsync(log);

        app.Labels.Should().Equal(new Dictionary<string, string> { ["team"] = "driver", ["tier"] = "gold" }, "the driver's label wins and a label without a name is none");
        app.Property("spark.kubernetes.executor.label.team").Should().Be("second");
    }

    [Fact]
    public async Task Executors_are_listed_by_the_time_they_were_added_then_by_id_even_before_the_run_starts()
    {
        // Two executors added before the application start are both clamped to it: their raw times still order them.
        var log = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-1", "a", "u", Start)
            .ExecutorAdded("9", Start - 500, 1).ExecutorAdded("10", Start - 900, 1).ExecutorAdded("2", Start + 10, 1).ExecutorAdded("1", Start + 10, 1)
            .ApplicationEnd(Start + 1000).Build();

        var app = await ReadAsync(log);

        app.Executors.Select(e => e.Id).Should().Equal("10", "9", "1", "2");
    }

    [Fact]
    public void A_local_file_is_read_whole_in_chunks_of_any_size()
    {
        using var temp = new TempDirectory();
        var bytes = Enumerable.Range(0, 200_003).Select(i => (byte)(i * 31)).ToArray();
        var path = temp.WriteFile("app-bytes", "");
        File.WriteAllBytes(path, bytes);
        foreach (var chunk in new[] { 1, 4096, 200_003, 1 << 20 })
        {
            using var stream = LocalFileStream.Open(path);
            stream.Length.Should().Be(bytes.Length);
            var read = new MemoryStream();
            var buffer = new byte[chunk];
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                read.Write(buffer, 0, n);
            }

            read.ToArray().Should().Equal(bytes, $"chunks of {chunk} bytes");
            stream.Read(buffer).Should().Be(0, "the end stays the end");
        }
    }

    [Fact]
    public void A_missing_file_is_the_error_the_scanner_reports()
    {
        var act = () => LocalFileStream.Open(Path.Combine(Path.GetTempPath(), "spark-k8s-no-such-log-" + Guid.NewGuid()));

        act.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void Shared_strings_are_one_string_per_text_and_always_the_right_text()
    {
        var cache = new Utf8StringCache(4, 16);
        var first = cache.Get("spark.master"u8);

        cache.Get("spark.master"u8).Should().BeSameAs(first);
        var texts = Enumerable.Range(0, 50).Select(i => "key." + i).ToList();
        foreach (var text in texts.Concat(texts))
        {
            cache.Get(Encoding.ASCII.GetBytes(text)).Should().Be(text, "four slots for fifty texts: collisions replace, never confuse");
        }

        cache.Get("a name longer than sixteen bytes"u8).Should().Be("a name longer than sixteen bytes");
    }

    [Fact]
    public void Shared_strings_stay_right_when_threads_share_the_table()
    {
        var cache = new Utf8StringCache(8, 64);
        var texts = Enumerable.Range(0, 64).Select(i => Encoding.ASCII.GetBytes("spark.property." + i)).ToArray();
        var wrong = 0;
        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var text = texts[(i * 7 + worker) % texts.Length];
                if (cache.Get(text) != Encoding.ASCII.GetString(text))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });

        wrong.Should().Be(0);
    }

    private static async Task<ApplicationSummary> ReadAsync(string log)
    {
        using var temp = new TempDirectory();
        return await RealEventLogTests.ReadAsync(temp.WriteFile("app-1", log));
    }
}
