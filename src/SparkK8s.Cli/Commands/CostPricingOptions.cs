using System.CommandLine;
using SparkK8s.Core.Cost;

namespace SparkK8s.Cli.Commands;

/// <summary>The price and grouping options that <c>cost</c> and <c>cost serve</c> share, and the <see cref="CostOptions"/> they make.</summary>
internal sealed class CostPricingOptions
{
    public Option<string?> Prices { get; } = new("--prices") { Description = "A YAML price catalog that overrides the built-in one (see docs/en/cost-and-sizing.md)." };

    public Option<string?> NodeType { get; } = new("--node-type") { Description = "Node type from the price catalog to price with (default: the catalog's defaultNodeType)." };

    public Option<bool> Spot { get; } = new("--spot") { Description = "Price executors at the catalog's spot discount (the driver stays on-demand)." };

    public Option<string> GroupBy { get; }

    public Option<string?> Since { get; } = new("--since") { Description = "Only apps started at or after T: an ISO date/time (2026-11-01, 2026-11-01T08:00Z) or a duration back from now (7d, 24h)." };

    public CostPricingOptions(string groupByDescription) =>
        GroupBy = new Option<string>("--group-by") { Description = groupByDescription, DefaultValueFactory = _ => "team" };

    public IEnumerable<Option> All => [Prices, NodeType, Spot, GroupBy, Since];

    /// <summary>Loads the catalog and picks the node type; a bad catalog or node type is a usage error naming the flag.</summary>
    public CostOptions Build(ParseResult parseResult)
    {
        var catalog = PriceCatalog.Load(parseResult.GetValue(Prices));
        return new CostOptions(catalog.Node(parseResult.GetValue(NodeType)), parseResult.GetValue(Spot), catalog.SpotDiscount, AttributionKey.Parse(parseResult.GetValue(GroupBy)), catalog.CatalogDate);
    }
}
