using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;
using Grpc.Core;
using SparkK8s.Connect.Tests.Fakes;
using SparkK8s.Core.Connect;

namespace SparkK8s.Connect.Tests;

public sealed class SparkConnectClientTests
{
    [Fact]
    public async Task A_stream_that_ends_before_ResultComplete_is_reattached_after_the_last_response()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { BreakStreamOn = new Regex("^SELECT 1") });
        await using var client = new SparkConnectClient(ConnectionString.Parse(spark.Url, "--connect"));

        var result = await client.QueryAsync("SELECT 1 AS one", TestContext.Current.CancellationToken);

        result.Reattached.Should().BeTrue();
        result.ScalarAsLong().Should().Be(1);
        result.RowCount.Should().Be(1);
        result.Columns.Should().Equal("one");
        var reattach = spark.State.Reattached.Should().ContainSingle().Subject;
        reattach.Should().StartWith(result.OperationId + "@").And.NotEndWith("@", "the client resumes after the schema response it already has");
        spark.State.Released.Should().Contain(result.OperationId);
    }

    [Fact]
    public async Task Rows_counts_and_metrics_come_from_the_response_stream()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync();
        await using var client = new SparkConnectClient(ConnectionString.Parse(spark.Url, "--connect"));

        var result = await client.ExecuteAsync(new SparkK8s.Core.Connect.Protocol.Plan { Root = Plans.CountAndSumOfRange(1000) }, "0f0e0d0c-0b0a-4908-8706-050403020100", TestContext.Current.CancellationToken);

        result.OperationId.Should().Be("0f0e0d0c-0b0a-4908-8706-050403020100");
        result.Columns.Should().Equal("n", "total");
        result.Rows.Should().ContainSingle().Which.Should().Equal(1000L, 499500L);
        result.Batches.Should().Be(1);
        result.Metrics.Should().ContainKey("HashAggregate.numOutputRows");
        (await client.SparkVersionAsync(TestContext.Current.CancellationToken)).Should().Be("4.1.0");
        (await client.GetConfigAsync("spark.app.id", TestContext.Current.CancellationToken)).Should().StartWith("spark-");
        (await client.GetConfigAsync("spark.unset.key", TestContext.Current.CancellationToken)).Should().BeNull();
    }

    [Fact]
    public async Task Spark_errors_carry_the_error_class_and_sqlstate_from_ErrorInfo()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { FailOn = new Regex("^CREATE") });
        await using var client = new SparkConnectClient(ConnectionString.Parse(spark.Url, "--connect"));

        var run = () => client.CommandAsync("CREATE TABLE warehouse.t (id INT) USING parquet", TestContext.Current.CancellationToken);

        var error = (await run.Should().ThrowAsync<SparkConnectException>()).Which;
        error.Status.Should().Be(StatusCode.Internal);
        error.ErrorClass.Should().Be("SCHEMA_NOT_FOUND");
        error.SqlState.Should().Be("42704");
        error.Message.Should().StartWith("Spark answered [SCHEMA_NOT_FOUND] The schema `warehouse` cannot be found.");
    }
}
