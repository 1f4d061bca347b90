using SparkK8s.Core.Connect.Protocol;

namespace SparkK8s.Core.Connect;

/// <summary>Builders of the relations and expressions smoke and load send (the shapes pyspark builds).</summary>
public static class Plans
{
    public static Relation Sql(string query) => new() { Sql = new SQL { Query = query } };

    /// <summary>spark.range(end).agg(count(1).alias("n"), sum("id").alias("total")): an Aggregate over a Range.</summary>
    public static Relation CountAndSumOfRange(long end, int? partitions = null)
    {
        var range = new Protocol.Range { Start = 0, End = end, Step = 1 };
        if (partitions is { } count)
        {
            range.NumPartitions = count;
        }

        return new Relation
        {
            Aggregate = new Aggregate
            {
                Input = new Relation { Range = range },
                GroupType = Aggregate.Types.GroupType.Groupby,
                AggregateExpressions =
                {
                    Alias(Function("count", new Expression { Literal = new Expression.Types.Literal { Integer = 1 } }), "n"),
                    Alias(Function("sum", new Expression { UnresolvedAttribute = new Expression.Types.UnresolvedAttribute { UnparsedIdentifier = "id" } }), "total"),
                },
            },
        };
    }

    private static Expression Function(string name, params Expression[] arguments)
    {
        var function = new Expression.Types.UnresolvedFunction { FunctionName = name };
        function.Arguments.AddRange(arguments);
        return new Expression { UnresolvedFunction = function };
    }

    private static Expression Alias(Expression expression, string name) =>
        new() { Alias = new Expression.Types.Alias { Expr = expression, Name = { name } } };
}
