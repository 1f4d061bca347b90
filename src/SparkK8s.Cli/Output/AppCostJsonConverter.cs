using System.Text.Json;
using System.Text.Json.Serialization;
using SparkK8s.Core.Cost;

namespace SparkK8s.Cli.Output;

/// <summary>
/// Writes one <see cref="AppCost"/> straight to the writer, property by property, with its names encoded once. A report
/// holds one entry per application (7,632 for a directory of 7,632 logs), and the serializer's metadata path spends
/// more per property than the writing itself (docs/en/performance.md). The bytes are those of the reflection-based
/// serializer: the same names (camelCase), order, nulls and number formats; GeneratedJsonTests compare them, so a
/// property added to <see cref="AppCost"/> and not written here fails them. Reading is not supported: the report is
/// output only.
/// </summary>
internal sealed class AppCostJsonConverter : JsonConverter<AppCost>
{
    private static readonly JsonEncodedText AppId = JsonEncodedText.Encode("appId");
    private static readonly JsonEncodedText AppName = JsonEncodedText.Encode("appName");
    private static readonly JsonEncodedText User = JsonEncodedText.Encode("user");
    private static readonly JsonEncodedText SparkVersion = JsonEncodedText.Encode("sparkVersion");
    private static readonly JsonEncodedText StartMs = JsonEncodedText.Encode("startMs");
    private static readonly JsonEncodedText EndMs = JsonEncodedText.Encode("endMs");
    private static readonly JsonEncodedText Completed = JsonEncodedText.Encode("completed");
    private static readonly JsonEncodedText Namespace = JsonEncodedText.Encode("namespace");
    private static readonly JsonEncodedText Group = JsonEncodedText.Encode("group");
    private static readonly JsonEncodedText ExecutorCount = JsonEncodedText.Encode("executorCount");
    private static readonly JsonEncodedText ExecutorSeconds = JsonEncodedText.Encode("executorSeconds");
    private static readonly JsonEncodedText ExecutorCoreSeconds = JsonEncodedText.Encode("executorCoreSeconds");
    private static readonly JsonEncodedText ExecutorMemoryMiB = JsonEncodedText.Encode("executorMemoryMiB");
    private static readonly JsonEncodedText DriverCores = JsonEncodedText.Encode("driverCores");
    private static readonly JsonEncodedText DriverMemoryMiB = JsonEncodedText.Encode("driverMemoryMiB");
    private static readonly JsonEncodedText TaskCount = JsonEncodedText.Encode("taskCount");
    private static readonly JsonEncodedText FailedTasks = JsonEncodedText.Encode("failedTasks");
    private static readonly JsonEncodedText KilledTasks = JsonEncodedText.Encode("killedTasks");
    private static readonly JsonEncodedText FailedStages = JsonEncodedText.Encode("failedStages");
    private static readonly JsonEncodedText TaskRunSeconds = JsonEncodedText.Encode("taskRunSeconds");
    private static readonly JsonEncodedText GcSeconds = JsonEncodedText.Encode("gcSeconds");
    private static readonly JsonEncodedText InputBytes = JsonEncodedText.Encode("inputBytes");
    private static readonly JsonEncodedText OutputBytes = JsonEncodedText.Encode("outputBytes");
    private static readonly JsonEncodedText ShuffleReadBytes = JsonEncodedText.Encode("shuffleReadBytes");
    private static readonly JsonEncodedText ShuffleWriteBytes = JsonEncodedText.Encode("shuffleWriteBytes");
    private static readonly JsonEncodedText MemorySpillBytes = JsonEncodedText.Encode("memorySpillBytes");
    private static readonly JsonEncodedText DiskSpillBytes = JsonEncodedText.Encode("diskSpillBytes");
    private static readonly JsonEncodedText Utilization = JsonEncodedText.Encode("utilization");
    private static readonly JsonEncodedText CoreHours = JsonEncodedText.Encode("coreHours");
    private static readonly JsonEncodedText GibHours = JsonEncodedText.Encode("gibHours");
    private static readonly JsonEncodedText DriverCostUsd = JsonEncodedText.Encode("driverCostUsd");
    private static readonly JsonEncodedText ExecutorCostUsd = JsonEncodedText.Encode("executorCostUsd");
    private static readonly JsonEncodedText CostUsd = JsonEncodedText.Encode("costUsd");
    private static readonly JsonEncodedText WasteUsd = JsonEncodedText.Encode("wasteUsd");
    private static readonly JsonEncodedText Finding = JsonEncodedText.Encode("finding");
    private static readonly JsonEncodedText Labels = JsonEncodedText.Encode("labels");
    private static readonly JsonEncodedText Warnings = JsonEncodedText.Encode("warnings");
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");

    public override AppCost Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The cost report is written, not read.");

    public override void Write(Utf8JsonWriter writer, AppCost value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(AppId, value.AppId);
        writer.WriteString(AppName, value.AppName);
        writer.WriteString(User, value.User);
        writer.WriteString(SparkVersion, value.SparkVersion);
        writer.WriteNumber(StartMs, value.StartMs);
        writer.WriteNumber(EndMs, value.EndMs);
        writer.WriteBoolean(Completed, value.Completed);
        writer.WriteString(Namespace, value.Namespace);
        writer.WriteString(Group, value.Group);
        writer.WriteNumber(ExecutorCount, value.ExecutorCount);
        writer.WriteNumber(ExecutorSeconds, value.ExecutorSeconds);
        writer.WriteNumber(ExecutorCoreSeconds, value.ExecutorCoreSeconds);
        writer.WriteNumber(ExecutorMemoryMiB, value.ExecutorMemoryMiB);
        writer.WriteNumber(DriverCores, value.DriverCores);
        writer.WriteNumber(DriverMemoryMiB, value.DriverMemoryMiB);
        writer.WriteNumber(TaskCount, value.TaskCount);
        writer.WriteNumber(FailedTasks, value.FailedTasks);
        writer.WriteNumber(KilledTasks, value.KilledTasks);
        writer.WriteNumber(FailedStages, value.FailedStages);
        writer.WriteNumber(TaskRunSeconds, value.TaskRunSeconds);
        writer.WriteNumber(GcSeconds, value.GcSeconds);
        writer.WriteNumber(InputBytes, value.InputBytes);
        writer.WriteNumber(OutputBytes, value.OutputBytes);
        writer.WriteNumber(ShuffleReadBytes, value.ShuffleReadBytes);
        writer.WriteNumber(ShuffleWriteBytes, value.ShuffleWriteBytes);
        writer.WriteNumber(MemorySpillBytes, value.MemorySpillBytes);
        writer.WriteNumber(DiskSpillBytes, value.DiskSpillBytes);
        writer.WriteNumber(Utilization, value.Utilization);
        writer.WriteNumber(CoreHours, value.CoreHours);
        writer.WriteNumber(GibHours, value.GibHours);
        writer.WriteNumber(DriverCostUsd, value.DriverCostUsd);
        writer.WriteNumber(ExecutorCostUsd, value.ExecutorCostUsd);
        writer.WriteNumber(CostUsd, value.CostUsd);
        writer.WriteNumber(WasteUsd, value.WasteUsd);
        writer.WriteString(Finding, value.Finding);
        writer.WriteStartObject(Labels);
        if (value.Labels.Count > 0)
        {
            foreach (var (key, label) in value.Labels)
            {
                writer.WriteString(key, label);
            }
        }

        writer.WriteEndObject();
        writer.WriteStartArray(Warnings);
        for (var i = 0; i < value.Warnings.Count; i++)
        {
            writer.WriteStringValue(value.Warnings[i]);
        }

        writer.WriteEndArray();
        writer.WriteString(Source, value.Source);
        writer.WriteEndObject();
    }
}
