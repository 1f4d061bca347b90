using System.Text;
using FluentAssertions;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>
/// What the event-line parser does with lines that are damaged or odd in the parts it passes over, and the few inputs
/// where it is stricter or safer than the token-by-token parser it replaced.
/// </summary>
public class EventLineParserTests
{
    private const long Start = 1_700_000_000_000;

    [Theory]
    [InlineData("{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":0,\"Task Info\":{\"Task ID\":1,\"Accumulables\":[{\"ID\":1,\"Name\":\"x\"}}")]
    [InlineData("{\"Event\":\"SparkListenerTaskEnd\",\"Task Info\":{\"Task ID\":1,\"Accumulables\":[{\"Name\":\"cut")]
    [InlineData("{\"Event\":\"SparkListenerEnvironmentUpdate\",\"Classpath Entries\":{\"/a.jar\":\"System Classpath\",}\"Spark Properties\":{}}")]
    [InlineData("{\"Event\":\"SparkListenerEnvironmentUpdate\",\"System Properties\":{\"k\":\"v\"]}")]
    [InlineData("{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":0}}")]
    [InlineData("{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":0} trailing")]
    [InlineData("{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":01}")]
    [InlineData("{\"Event\":\"SparkListenerTaskEnd\" \"Stage ID\":0}")]
    public async Task A_line_damaged_inside_a_value_that_is_passed_over_is_still_not_valid_JSON(string line)
    {
        var error = await ReadAsync(new SparkEventLogBuilder().LogStart("3.5.1").Raw(line).ApplicationEnd(Start).Build());

        error.Should().Contain("line 2 is not valid JSON");
    }

    [Fact]
    public async Task A_value_of_another_shape_is_passed_over_whole_and_the_fields_after_it_are_read()
    {
        // An object where a string is expected: skipped whole, so its inner "App Name" is not taken for the event's.
        var log = new SparkEventLogBuilder().LogStart("3.5.1")
            .Raw($"{{\"Event\":\"SparkListenerApplicationStart\",\"App ID\":{{\"App Name\":\"wrong\"}},\"App Name\":\"right\",\"Timestamp\":{Start},\"User\":\"u\"}}")
            .ApplicationEnd(Start + 1000).Build();

        var app = await SummaryAsync(log);

        app.AppName.Should().Be("right");
        app.User.Should().Be("u");
    }

    [Fact]
    public async Task A_number_beyond_the_range_of_a_double_is_an_implausible_value_not_a_crash()
    {
        var log = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-1", "a", "u", Start)
            .Raw($"{{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":0,\"Stage Attempt ID\":0,\"Task Info\":{{\"Task ID\":1,\"Launch Time\":{Start},\"Finish Time\":{Start + 10}}},\"Task Metrics\":{{\"Executor Run Time\":1e400,\"JVM GC Time\":-1e400}}}}")
            .ApplicationEnd(Start + 1000).Build();

        var app = await SummaryAsync(log);

        app.Tasks.Count.Should().Be(1);
        app.Tasks.RunSeconds.Should().Be(0);
        app.Warnings.Should().Contain(w => w.Contains("implausible task run time", StringComparison.Ordinal))
            .And.Contain(w => w.Contains("implausible task GC time", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Escaped_names_and_strings_are_read_decoded()
    {
        var log = new SparkEventLogBuilder().LogStart("3.5.1")
            .Raw($"{{\"Event\":\"SparkListenerApplicationStart\",\"App\\u0020Name\":\"caf\\u00e9 \\\"q\\\"\",\"Timestamp\":{Start},\"User\":\"\\u0075\"}}")
            .Raw("{\"Event\":\"SparkListenerEnvironmentUpdate\",\"Spark\\u0020Properties\":{\"spark.executor.\\u006demory\":\"2g\"}}")
            .ApplicationEnd(Start + 1000).Build();

        var app = await SummaryAsync(log);

        app.AppName.Should().Be("café \"q\"");
        app.User.Should().Be("u");
        app.Property("spark.executor.memory").Should().Be("2g");
    }

    [Fact]
    public void A_string_where_a_name_is_required_is_an_unexpected_shape()
    {
        var app = new ApplicationAccumulator("app");
        var act = () => EventLineParser.Process(Encoding.UTF8.GetBytes("{\"Event\":\"SparkListenerApplicationStart\",\"App Name\":7}"), app);

        act.Should().Throw<InvalidOperationException>().WithMessage("*expected a string*found a number*");
    }

    private static async Task<ApplicationSummary> SummaryAsync(string log)
    {
        using var temp = new TempDirectory();
        return await RealEventLogTests.ReadAsync(temp.WriteFile("app-1", log));
    }

    private static async Task<string> ReadAsync(string log)
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("app-broken", log);
        var act = () => RealEventLogTests.ReadAsync(path);
        return (await act.Should().ThrowAsync<OperationFailedException>()).Which.Message;
    }
}
