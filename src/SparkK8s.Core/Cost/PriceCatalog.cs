using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Files;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Cost;

/// <summary>A node type's shape and its on-demand price, split into per-vCPU-hour and per-GiB-hour prices.</summary>
public sealed record NodeType(string Name, string Cloud, string Region, double Vcpu, double MemoryGiB, double VcpuHourUsd, double GibHourUsd, string Source, string PriceDate)
{
    public double OnDemandUsdPerHour => (Vcpu * VcpuHourUsd) + (MemoryGiB * GibHourUsd);

    /// <summary>NVIDIA GPUs of the node (0: a CPU node), their model and memory each; `spark-k8s size --gpu` sizes for them.</summary>
    public int Gpus { get; init; }

    public string GpuModel { get; init; } = "";

    public double GpuMemoryGiB { get; init; }
}

/// <summary>The largest node this tool plans for, and the largest hourly price it believes; beyond them a figure is a typo.</summary>
public static class NodeLimits
{
    public const double MaxVcpu = 4096;
    public const double MaxMemoryGiB = 1024 * 1024;
    public const double MaxUsdPerHour = 100_000;
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
    /// <summary>default-prices.yaml as JSON, what the CLI reads (see <see cref="BuiltInDocument"/>).</summary>
    public const string JsonResourceName = "SparkK8s.Core.Cost.default-prices.json";

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
        var document = Parse(BuiltInDocument(), "built-in price catalog");
        if (userFile is not null)
        {
            PathSafety.RequireFile(userFile, flag, "a YAML price catalog (see docs/en/cost-and-sizing.md)");
            if (new FileInfo(userFile).Length > MaxFileBytes)
            {
                throw new UserInputException($"{flag}: '{userFile}' is larger than {MaxFileBytes / (1024 * 1024)} MiB; a price catalog is a short YAML file.");
            }

            string text;
            try
            {
                text = File.ReadAllText(userFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{flag}: cannot read '{userFile}': {ex.Message.TrimEnd('.')}. Check the path and its permissions.", ex);
            }

            document = document.Overlay(Parse(text, $"{flag} {userFile}"));
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

    /// <summary>A user catalog larger than this is refused before it is read.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    private static readonly string[] TopLevelKeys = ["catalogDate", "currency", "spotDiscount", "cpuToMemoryPriceRatio", "defaultNodeType", "nodeTypes"];
    private static readonly string[] NodeKeys = ["cloud", "region", "vcpu", "memoryGiB", "onDemandUsdPerHour", "vcpuHourUsd", "gibHourUsd", "source", "priceDate", "gpus", "gpuModel", "gpuMemoryGiB"];

    /// <summary>The most GPUs a node type may list (the largest cloud GPU nodes have 8 or 16).</summary>
    public const int MaxGpus = 64;

    /// <summary>Reads the catalog field by field, so every error names the key at fault and the value it expected.</summary>
    /// <summary>
    /// The built-in catalog as the JSON that default-prices.yaml parses to (default-prices.json, embedded beside it):
    /// reading JSON needs none of the YAML parser's start-up, about a twentieth of a second of every cost run
    /// (docs/en/performance.md). PriceCatalogTests fail when the two differ, and say how to regenerate the JSON.
    /// </summary>
    internal static JsonNode? BuiltInDocument()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(JsonResourceName)
            ?? throw new InvalidOperationException("the built-in price catalog is missing");
        return JsonNode.Parse(stream);
    }

    private static CatalogDocument Parse(string yaml, string origin)
    {
        JsonNode? root;
        try
        {
            root = ManifestParser.ParseYaml(yaml, origin);
        }
        catch (UserInputException ex) when (ex.Message.StartsWith(origin + ": ", StringComparison.Ordinal))
        {
            throw new UserInputException($"{origin}: not a valid price catalog, {ex.Message[(origin.Length + 2)..]}", ex);
        }

        return Parse(root, origin);
    }

    private static CatalogDocument Parse(JsonNode? root, string origin)
    {
        if (root is null)
        {
            return new CatalogDocument();
        }

        var top = root as JsonObject ?? throw new UserInputException($"{origin}: not a valid price catalog: the top level must be a mapping of {string.Join(", ", TopLevelKeys)}.");
        CheckKeys(top, TopLevelKeys, origin, "the catalog");
        var document = new CatalogDocument
        {
            CatalogDate = Text(top, "catalogDate", origin),
            Currency = Text(top, "currency", origin),
            SpotDiscount = Number(top, "spotDiscount", origin),
            CpuToMemoryPriceRatio = Number(top, "cpuToMemoryPriceRatio", origin),
            DefaultNodeType = Text(top, "defaultNodeType", origin),
        };
        switch (top["nodeTypes"])
        {
            case null:
                break;
            case JsonObject nodes:
                foreach (var (name, value) in nodes)
                {
                    var field = $"nodeTypes.{name}";
                    var node = value as JsonObject ?? throw new UserInputException($"{origin}: {field} must be a mapping with vcpu, memoryGiB and onDemandUsdPerHour.");
                    CheckKeys(node, NodeKeys, origin, field);
                    document.NodeTypes[name] = new NodeTypeDocument
                    {
                        Cloud = Text(node, "cloud", origin, field),
                        Region = Text(node, "region", origin, field),
                        Vcpu = Number(node, "vcpu", origin, field) ?? 0,
                        MemoryGiB = Number(node, "memoryGiB", origin, field) ?? 0,
                        OnDemandUsdPerHour = Number(node, "onDemandUsdPerHour", origin, field),
                        VcpuHourUsd = Number(node, "vcpuHourUsd", origin, field),
                        GibHourUsd = Number(node, "gibHourUsd", origin, field),
                        Source = Text(node, "source", origin, field),
                        PriceDate = Text(node, "priceDate", origin, field),
                        Gpus = Number(node, "gpus", origin, field),
                        GpuModel = Text(node, "gpuModel", origin, field),
                        GpuMemoryGiB = Number(node, "gpuMemoryGiB", origin, field),
                    };
                }

                break;
            default:
                throw new UserInputException($"{origin}: not a valid price catalog: nodeTypes must be a mapping of node type names to their vcpu, memoryGiB and price.");
        }

        return document;
    }

    private static void CheckKeys(JsonObject node, string[] known, string origin, string where)
    {
        foreach (var (key, _) in node)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                throw new UserInputException($"{origin}: unknown key '{key}' in {where}; known keys: {string.Join(", ", known)}.");
            }
        }
    }

    private static string? Text(JsonObject node, string key, string origin, string? parent = null) => node[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False =>
            value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString(),
        _ => throw new UserInputException($"{origin}: {Path(parent, key)} must be a text value."),
    };

    /// <summary>A finite, non-negative number; quoted numbers are accepted. NaN, infinities and negatives are refused.</summary>
    private static double? Number(JsonObject node, string key, string origin, string? parent = null)
    {
        var raw = node[key];
        if (raw is null)
        {
            return null;
        }

        var text = raw is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : raw.ToJsonString();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            throw new UserInputException($"{origin}: {Path(parent, key)} is '{Shorten(text)}', which is not a finite number; write a plain number such as 0.384.");
        }

        return number >= 0
            ? number
            : throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"{origin}: {Path(parent, key)} is {number}; it must not be negative."));
    }

    private static string Path(string? parent, string key) => parent is null ? key : $"{parent}.{key}";

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;

    /// <summary>The YAML shape, as read by <see cref="Parse"/>.</summary>
    public sealed class CatalogDocument
    {
        public string? CatalogDate { get; set; }
        public string? Currency { get; set; }
        public double? SpotDiscount { get; set; }
        public double? CpuToMemoryPriceRatio { get; set; }
        public string? DefaultNodeType { get; set; }
        public Dictionary<string, NodeTypeDocument> NodeTypes { get; set; } = new(StringComparer.Ordinal);

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
        public double? Gpus { get; set; }
        public string? GpuModel { get; set; }
        public double? GpuMemoryGiB { get; set; }

        /// <summary>Splits the instance price so that a vCPU costs <paramref name="ratio"/> GiB: price = v·(r·g) + m·g.</summary>
        internal NodeType Build(string name, double ratio, string origin)
        {
            if (Vcpu <= 0 || MemoryGiB <= 0)
            {
                throw new UserInputException($"{origin}: node type '{name}' needs positive vcpu and memoryGiB.");
            }

            if (Vcpu > NodeLimits.MaxVcpu || MemoryGiB > NodeLimits.MaxMemoryGiB)
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{origin}: node type '{name}' has {Vcpu} vcpu and {MemoryGiB} memoryGiB; a node has at most {NodeLimits.MaxVcpu} vCPUs and {NodeLimits.MaxMemoryGiB} GiB."));
            }

            if (new[] { OnDemandUsdPerHour, VcpuHourUsd, GibHourUsd }.Any(p => p > NodeLimits.MaxUsdPerHour))
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{origin}: node type '{name}' has a price above {NodeLimits.MaxUsdPerHour} USD per hour; check the figure (prices are USD per hour)."));
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

            if (Gpus is { } gpus && (gpus != Math.Floor(gpus) || gpus > MaxGpus))
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{origin}: node type '{name}' has gpus {gpus}; give a whole number of GPUs from 0 to {MaxGpus}."));
            }

            return new NodeType(name, Cloud ?? "", Region ?? "", Vcpu, MemoryGiB, vcpuPrice, gibPrice, Source ?? "", PriceDate ?? "")
            {
                Gpus = (int)(Gpus ?? 0),
                GpuModel = GpuModel ?? "",
                GpuMemoryGiB = GpuMemoryGiB ?? 0,
            };
        }
    }
}
