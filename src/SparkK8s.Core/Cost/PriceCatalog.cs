using System.Globalization;
using System.Reflection;
using SparkK8s.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SparkK8s.Core.Cost;

/// <summary>A node type's shape and its on-demand price, split into per-vCPU-hour and per-GiB-hour prices.</summary>
public sealed record NodeType(string Name, string Cloud, string Region, double Vcpu, double MemoryGiB, double VcpuHourUsd, double GibHourUsd, string Source, string PriceDate)
{
    public double OnDemandUsdPerHour => (Vcpu * VcpuHourUsd) + (MemoryGiB * GibHourUsd);
}

/// <summary>Unit prices to charge usage with.</summary>
public sealed record UnitPrices(double VcpuHourUsd, double GibHourUsd)
{
    public UnitPrices Discounted(double discount) => new(VcpuHourUsd * (1 - discount), GibHourUsd * (1 - discount));
}

/// <summary>
/// The YAML price catalog: node types with public on-demand prices (source and date on each), a spot discount,
/// and the CPU:memory price ratio used to split whole-instance prices. A user catalog overlays the built-in one.
/// </summary>
public sealed class PriceCatalog
{
    public const string ResourceName = "SparkK8s.Core.Cost.default-prices.yaml";

    private PriceCatalog(string catalogDate, double spotDiscount, string defaultNodeType, IReadOnlyDictionary<string, NodeType> nodeTypes)
    {
        CatalogDate = catalogDate;
        SpotDiscount = spotDiscount;
        DefaultNodeType = defaultNodeType;
        NodeTypes = nodeTypes;
    }

    public string CatalogDate { get; }
    public double SpotDiscount { get; }
    public string DefaultNodeType { get; }
    public IReadOnlyDictionary<string, NodeType> NodeTypes { get; }

    /// <summary>The built-in catalog, overlaid with <paramref name="userFile"/> when given.</summary>
    public static PriceCatalog Load(string? userFile, string flag = "--prices")
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("the built-in price catalog is missing");
        using var reader = new StreamReader(stream);
        var document = Parse(reader.ReadToEnd(), "built-in price catalog");
        if (userFile is not null)
        {
            if (!File.Exists(userFile))
            {
                throw new UserInputException($"{flag}: file '{userFile}' does not exist; give a YAML price catalog (see docs/en/cost-and-sizing.md).");
            }

            document = document.Overlay(Parse(File.ReadAllText(userFile), $"{flag} {userFile}"));
        }

        return document.Build(userFile is null ? "built-in price catalog" : $"{flag} {userFile}");
    }

    public NodeType Node(string? name, string flag = "--node-type")
    {
        var key = name ?? DefaultNodeType;
        return NodeTypes.TryGetValue(key, out var node)
            ? node
            : throw new UserInputException($"{flag}: '{key}' is not in the price catalog; known node types: {string.Join(", ", NodeTypes.Keys.Order(StringComparer.Ordinal))}. Add it with --prices FILE.");
    }

    private static CatalogDocument Parse(string yaml, string origin)
    {
        try
        {
            var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
            return deserializer.Deserialize<CatalogDocument?>(yaml) ?? new CatalogDocument();
        }
        catch (YamlException ex)
        {
            throw new UserInputException($"{origin}: not a valid price catalog at line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    /// <summary>The YAML shape. Public setters for YamlDotNet.</summary>
    public sealed class CatalogDocument
    {
        public string? CatalogDate { get; set; }
        public string? Currency { get; set; }
        public double? SpotDiscount { get; set; }
        public double? CpuToMemoryPriceRatio { get; set; }
        public string? DefaultNodeType { get; set; }
        public Dictionary<string, NodeTypeDocument> NodeTypes { get; set; } = [];

        internal CatalogDocument Overlay(CatalogDocument user)
        {
            var merged = new Dictionary<string, NodeTypeDocument>(NodeTypes, StringComparer.Ordinal);
            foreach (var (name, node) in user.NodeTypes)
            {
                merged[name] = node;
            }

            return new CatalogDocument
            {
                CatalogDate = user.CatalogDate ?? CatalogDate,
                Currency = user.Currency ?? Currency,
                SpotDiscount = user.SpotDiscount ?? SpotDiscount,
                CpuToMemoryPriceRatio = user.CpuToMemoryPriceRatio ?? CpuToMemoryPriceRatio,
                DefaultNodeType = user.DefaultNodeType ?? DefaultNodeType,
                NodeTypes = merged,
            };
        }

        internal PriceCatalog Build(string origin)
        {
            if (Currency is not null && !string.Equals(Currency, "USD", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserInputException($"{origin}: currency '{Currency}' is not supported; prices must be in USD.");
            }

            var spot = SpotDiscount ?? 0;
            if (spot is < 0 or >= 1)
            {
                throw new UserInputException($"{origin}: spotDiscount must be a fraction in [0, 1), for example 0.65 for 65% off on-demand.");
            }

            var ratio = CpuToMemoryPriceRatio ?? 7.46;
            if (ratio <= 0)
            {
                throw new UserInputException($"{origin}: cpuToMemoryPriceRatio must be positive.");
            }

            var nodes = NodeTypes.ToDictionary(n => n.Key, n => n.Value.Build(n.Key, ratio, origin), StringComparer.Ordinal);
            var defaultNode = DefaultNodeType ?? nodes.Keys.FirstOrDefault() ?? throw new UserInputException($"{origin}: the catalog has no nodeTypes.");
            return nodes.ContainsKey(defaultNode)
                ? new PriceCatalog(CatalogDate ?? "", spot, defaultNode, nodes)
                : throw new UserInputException($"{origin}: defaultNodeType '{defaultNode}' is not one of the nodeTypes.");
        }
    }

    public sealed class NodeTypeDocument
    {
        public string? Cloud { get; set; }
        public string? Region { get; set; }
        public double Vcpu { get; set; }
        public double MemoryGiB { get; set; }
        public double? OnDemandUsdPerHour { get; set; }
        public double? VcpuHourUsd { get; set; }
        public double? GibHourUsd { get; set; }
        public string? Source { get; set; }
        public string? PriceDate { get; set; }

        /// <summary>Splits the instance price so that a vCPU costs <paramref name="ratio"/> GiB: price = v·(r·g) + m·g.</summary>
        internal NodeType Build(string name, double ratio, string origin)
        {
            if (Vcpu <= 0 || MemoryGiB <= 0)
            {
                throw new UserInputException($"{origin}: node type '{name}' needs positive vcpu and memoryGiB.");
            }

            double vcpuPrice;
            double gibPrice;
            if (VcpuHourUsd is { } v && GibHourUsd is { } g)
            {
                (vcpuPrice, gibPrice) = (v, g);
            }
            else if (OnDemandUsdPerHour is { } price && price > 0)
            {
                gibPrice = price / ((Vcpu * ratio) + MemoryGiB);
                vcpuPrice = gibPrice * ratio;
            }
            else
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"{origin}: node type '{name}' needs onDemandUsdPerHour, or both vcpuHourUsd and gibHourUsd."));
            }

            return new NodeType(name, Cloud ?? "", Region ?? "", Vcpu, MemoryGiB, vcpuPrice, gibPrice, Source ?? "", PriceDate ?? "");
        }
    }
}
