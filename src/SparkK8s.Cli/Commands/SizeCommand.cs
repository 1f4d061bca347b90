using System.CommandLine;
using System.Globalization;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Sizing;

namespace SparkK8s.Cli.Commands;

/// <summary><c>spark-k8s size</c>: executor, partition and driver sizing for a job, with the reason for every number.</summary>
public static class SizeCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Recommend executor cores, memory, counts, partitions and driver size for a Spark job, and what it costs on-demand vs spot.";

    public static Command Create()
    {
        var datasetSize = new Option<string>("--dataset-size") { Description = "Input size, e.g. 500GB or 1.5TB (1024-based).", Required = true };
        var workload = new Option<string[]>("--workload")
        {
            Description = $"Workload class, repeatable: {string.Join(", ", WorkloadProfile.All.Select(w => w.Name))} (default: etl).",
            AllowMultipleArgumentsPerToken = true,
        };
        var targetDuration = new Option<string>("--target-duration") { Description = "How long the job may take, e.g. 15m or 1h30m.", Required = true };
        var nodeType = new Option<string?>("--node-type") { Description = "Node type from the price catalog (default: the catalog's defaultNodeType)." };
        var nodeCpu = new Option<double?>("--node-cpu") { Description = "Node vCPUs, with --node-memory, instead of --node-type." };
        var nodeMemory = new Option<string?>("--node-memory") { Description = "Node memory, e.g. 64GiB, with --node-cpu." };
        var spot = new Option<bool>("--spot") { Description = "Executors on spot nodes: adds graceful-decommissioning settings." };
        var sparkVersion = new Option<string?>("--spark-version") { Description = $"Spark version, for its overhead rules and AQE (default {SparkVersion.Default})." };
        var python = new Option<bool>("--python") { Description = "A PySpark job: reserves spark.executor.pyspark.memory and uses the non-JVM overhead factor." };
        var fromHistory = new Option<string?>("--from-history") { Description = "Event logs of past runs (file, directory or s3:// prefix) to calibrate throughput, spill and GC from." };
        var prices = new Option<string?>("--prices") { Description = "A YAML price catalog overriding the built-in one." };
        var writeValues = new Option<string?>("--write-values") { Description = "Write a values overlay for the spark-k8s chart (executor sizing and dynamic allocation) to FILE." };
        var force = new Option<bool>("--force") { Description = "Let --write-values overwrite an existing file that 'spark-k8s size' did not write." };
        var gpu = new Option<bool>("--gpu") { Description = "Also recommend GPU executors with the RAPIDS Accelerator for --node-type, a GPU node type of the price catalog (docs/en/recipes/gpu-sizing.md)." };
        var output = OutputOptions.Create(OutputFormat.Table, OutputFormat.Json);
        var input = new EventLogInput();

        var command = new Command("size", Description);
        foreach (var option in new Option[] { datasetSize, workload, targetDuration, nodeType, nodeCpu, nodeMemory, spot, sparkVersion, python, fromHistory, prices, writeValues, force, gpu, output })
        {
            command.Options.Add(option);
        }

        input.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var format = parseResult.GetValue(output);
            var bytes = ByteSize.ParseHuman(parseResult.GetValue(datasetSize)!, "--dataset-size");
            var target = DurationText.Parse(parseResult.GetValue(targetDuration)!, "--target-duration");
            var workloads = (parseResult.GetValue(workload) is { Length: > 0 } names ? names : ["etl"])
                .SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(n => WorkloadProfile.Parse(n, "--workload"))
                .DistinctBy(w => w.Name)
                .ToList();
            if (workloads.Count == 0)
            {
                throw new UserInputException($"--workload: give a workload class: {string.Join(", ", WorkloadProfile.All.Select(w => w.Name))}.");
            }
            var versionText = parseResult.GetValue(sparkVersion);
            var version = versionText is null
                ? SparkVersion.Default
                : SparkVersion.TryParse(versionText) is { Major: >= 2 and <= 4 } parsed
                    ? parsed
                    : throw new UserInputException($"--spark-version: '{versionText}' is not a Spark version between 2.0 and 4.x; write it as 3.5.1.");
            var catalog = PriceCatalog.Load(parseResult.GetValue(prices));
            var useGpu = parseResult.GetValue(gpu);
            var gpuNode = useGpu ? GpuNode(catalog, parseResult.GetValue(nodeType), parseResult.GetValue(nodeCpu) is not null, parseResult.GetValue(writeValues) is not null) : null;
            var node = Node(catalog, parseResult.GetValue(nodeType), parseResult.GetValue(nodeCpu), parseResult.GetValue(nodeMemory));
            var writePath = parseResult.GetValue(writeValues);
            if (writePath is not null)
            {
                ChartValuesOverlay.Target.CheckWritable(writePath, parseResult.GetValue(force));
            }

            var terminal = Terminal.For(parseResult);

            HistoryCalibration? calibration = null;
            if (parseResult.GetValue(fromHistory) is { } history)
            {
                var (apps, skipped) = await input.ReadAsync(parseResult, terminal, format, history, "--from-history", app => app, cancellationToken).ConfigureAwait(false);
                EventLogInput.ReportWarnings(terminal, skipped, apps.Select(a => (a.AppId, a.Warnings)));
                calibration = HistoryCalibration.From(apps, "--from-history");
            }

            var recommendation = Sizer.Recommend(new SizingRequest
            {
                DatasetBytes = bytes,
                Workloads = workloads,
                TargetDuration = target,
                Node = node,
                SparkVersion = version,
                Spot = parseResult.GetValue(spot),
                SpotDiscount = catalog.SpotDiscount,
                Python = parseResult.GetValue(python),
                Calibration = calibration,
            });

            if (writePath is not null)
            {
                await ChartValuesOverlay.WriteAsync(writePath, recommendation, parseResult.GetValue(force), cancellationToken).ConfigureAwait(false);
                terminal.Error.WriteLine($"wrote chart values overlay to {writePath}");
            }

            var gpuSizing = gpuNode is null ? null : GpuSizer.Recommend(gpuNode, recommendation);
            if (format == OutputFormat.Json)
            {
                if (gpuSizing is null)
                {
                    OutputOptions.WriteJson(terminal.Out, recommendation);
                }
                else
                {
                    OutputOptions.WriteJson(terminal.Out, new { gpu = gpuSizing, cpuBaseline = recommendation });
                }
            }
            else if (gpuSizing is null)
            {
                Render(terminal, recommendation);
            }
            else
            {
                RenderGpu(terminal, gpuSizing);
            }

            return CliApplication.ExitOk;
        });
        return command;
    }

    /// <summary>The GPU node type --gpu sizes for: --node-type, which must name a catalog entry with GPUs.</summary>
    private static NodeType GpuNode(PriceCatalog catalog, string? nodeType, bool customNode, bool writeValues)
    {
        var gpuTypes = string.Join(", ", catalog.NodeTypes.Values.Where(n => n.Gpus > 0).Select(n => n.Name).Order(StringComparer.Ordinal));
        if (customNode)
        {
            throw new UserInputException($"--gpu: describe the node with --node-type, a GPU node type of the price catalog ({gpuTypes}), not --node-cpu/--node-memory.");
        }

        if (writeValues)
        {
            throw new UserInputException("--gpu: --write-values writes CPU executor sizing only; drop it and copy the values --gpu prints (gpu.*, connect.executor.*).");
        }

        if (nodeType is null)
        {
            throw new UserInputException($"--gpu: give --node-type with a GPU node type of the price catalog ({gpuTypes}), or add one with gpus in --prices FILE.");
        }

        var node = catalog.Node(nodeType);
        return node.Gpus > 0
            ? node
            : throw new UserInputException($"--gpu: --node-type {nodeType} has no GPUs in the price catalog; use a GPU node type ({gpuTypes}), or add one with gpus, gpuModel and gpuMemoryGiB in --prices FILE.");
    }

    private static void RenderGpu(Terminal terminal, GpuSizing g)
    {
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "node", Invariant($"{g.NodeType}: {g.GpusPerNode} x {g.GpuModel} ({g.GpuMemoryGiB:0.##} GiB each)") },
            new[] { "GPUs per executor (spark.executor.resource.gpu.amount)", N(g.GpusPerExecutor) },
            new[] { "executor cores (spark.executor.cores)", N(g.ExecutorCores) },
            new[] { "GPU per task (spark.task.resource.gpu.amount)", g.TaskGpuAmount },
            new[] { "executor memory (spark.executor.memory)", ByteSize.ToSparkString(g.ExecutorMemoryMiB) },
            new[] { "memory overhead incl. pinned pool (spark.executor.memoryOverhead)", ByteSize.ToSparkString(g.MemoryOverheadMiB) },
            new[] { "pinned pool (spark.rapids.memory.pinnedPool.size)", ByteSize.ToSparkString(g.PinnedPoolMiB) },
            new[] { "executor pod", Invariant($"{g.ExecutorCores} CPU, {g.ExecutorPodMemoryMiB} MiB, nvidia.com/gpu 1") },
            new[] { "executors", Invariant($"{g.Executors} ({g.ExecutorsPerNode} per node, {g.Nodes} node(s))") },
            new[] { "cost", Invariant($"{g.HourUsd:0.####} USD per hour on-demand ({g.NodeHourUsd:0.####} per node)") },
        };
        TableLayout.Write(terminal, "GPU executors (RAPIDS)", [new("setting", CellWrap.Words), new("value", CellWrap.Words)], rows);
        WriteSettings(terminal, "Chart values:", g.Values);
        WriteSettings(terminal, "Spark settings (the chart sets them from the values):", g.SparkConf);
        WriteReasons(terminal, g.Reasons);
    }

    /// <summary>A heading, then one key=value line per setting.</summary>
    private static void WriteSettings(Terminal terminal, string heading, IEnumerable<KeyValuePair<string, string>> settings)
    {
        terminal.Out.WriteLine(heading);
        foreach (var (key, value) in settings)
        {
            terminal.Out.WriteLine($"  {key}={value}");
        }
    }

    private static void WriteReasons(Terminal terminal, IEnumerable<string> reasons)
    {
        terminal.Out.WriteLine("Why:");
        foreach (var reason in reasons)
        {
            terminal.WriteWrapped(reason, "- ", "  ");
        }
    }

    private static NodeOffer Node(PriceCatalog catalog, string? nodeType, double? cpu, string? memory)
    {
        if (cpu is null != memory is null)
        {
            throw new UserInputException("--node-cpu and --node-memory go together: give both (e.g. --node-cpu 16 --node-memory 64GiB), or use --node-type.");
        }

        if (cpu is not null && nodeType is not null)
        {
            throw new UserInputException("--node-type cannot be combined with --node-cpu/--node-memory; choose one way to describe the node.");
        }

        if (cpu is { } vcpu)
        {
            if (!(vcpu > 0 && vcpu <= NodeLimits.MaxVcpu))
            {
                throw new UserInputException(Invariant($"--node-cpu: give a positive number of vCPUs up to {NodeLimits.MaxVcpu}, e.g. 16."));
            }

            var gib = ByteSize.ParseHuman(memory!, "--node-memory") / (double)ByteSize.GiB;
            if (gib > NodeLimits.MaxMemoryGiB)
            {
                throw new UserInputException(Invariant($"--node-memory: '{memory}' is more than {NodeLimits.MaxMemoryGiB / 1024} TiB, larger than any node; check the number and its unit."));
            }

            var prices = catalog.Node(null);
            return new NodeOffer(Invariant($"custom {vcpu:0.##} vCPU / {gib:0.##} GiB (priced at {prices.Name} unit prices)"), vcpu, gib, prices.VcpuHourUsd, prices.GibHourUsd);
        }

        var node = catalog.Node(nodeType);
        return new NodeOffer(node.Name, node.Vcpu, node.MemoryGiB, node.VcpuHourUsd, node.GibHourUsd);
    }

    /// <summary>The table holds the sizing; the Spark settings to pass go on their own lines under it, and the reasons after.</summary>
    private static void Render(Terminal terminal, SizingRecommendation r)
    {
        var rows = new List<IReadOnlyList<string>>();
        void Row(string name, string value) => rows.Add([name, value]);
        Row("executor cores (spark.executor.cores)", N(r.ExecutorCores));
        Row("executor memory (spark.executor.memory)", ByteSize.ToSparkString(r.ExecutorMemoryMiB));
        Row("memory overhead (spark.executor.memoryOverhead)", ByteSize.ToSparkString(r.MemoryOverheadMiB));
        if (r.PysparkMemoryMiB > 0)
        {
            Row("pyspark memory (spark.executor.pyspark.memory)", ByteSize.ToSparkString(r.PysparkMemoryMiB));
        }

        Row("executor pod", Invariant($"{r.ExecutorCpuRequestMillis}m CPU, {r.ExecutorPodMemoryMiB} MiB"));
        Row("executors (dynamic allocation)", Invariant($"min {r.MinExecutors}, initial {r.InitialExecutors}, max {r.MaxExecutors}"));
        Row("spark.sql.shuffle.partitions", N(r.ShufflePartitions));
        Row("input partitions", N(r.InputPartitions));
        Row("driver", Invariant($"{r.DriverCores} core(s), {ByteSize.ToSparkString(r.DriverMemoryMiB)} + {r.DriverMemoryOverheadMiB} MiB overhead"));
        Row("packing", Invariant($"{r.ExecutorsPerNode} executor(s) per {r.NodeType}, {r.Nodes} node(s); per node {r.WastedCpuMillisPerNode}m CPU and {r.WastedMemoryMiBPerNode} MiB unused"));
        Row("throughput", Invariant($"{r.ThroughputMiBPerCoreSecond:0.#} MiB per core-second{(r.CalibratedFromHistory ? " (measured from history)" : " (workload default)")}"));
        Row("estimated duration", DurationText.Format(TimeSpan.FromSeconds(r.EstimatedDurationSeconds)));
        Row("estimated cost", Invariant($"{r.CostOnDemandUsd:0.####} USD on-demand, {r.CostSpotUsd:0.####} USD with spot executors"));
        TableLayout.Write(terminal, "Recommendation", [new("setting", CellWrap.Words), new("value", CellWrap.Words)], rows);

        WriteSettings(terminal, "Spark settings:", r.SparkConf);
        WriteReasons(terminal, r.Reasons);
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
