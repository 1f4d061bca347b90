using System.Globalization;

namespace SparkK8s.Core.Sizing;

/// <summary>What a node offers to pods after the system reserve: CPU in millicores and memory in MiB.</summary>
public sealed record NodeAllocatable(long CpuMillis, long MemoryMiB);

/// <summary>
/// The assumed allocatable capacity of a Kubernetes node. Managed Kubernetes reserves CPU and memory for the kubelet,
/// the container runtime and the OS (kube-reserved/system-reserved) plus an eviction threshold; this model uses the
/// tiered reservation GKE documents (and AKS/EKS approximate):
/// CPU: 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% of every core above 4;
/// memory: 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above 128 GiB, plus a
/// 100 MiB eviction threshold. On top, DaemonSets (CNI, kube-proxy, log and metrics agents) are assumed to request
/// 200m CPU and 512 MiB per node.
/// </summary>
public static class NodeCapacity
{
    public const long DaemonSetCpuMillis = 200;
    public const long DaemonSetMemoryMiB = 512;
    public const long EvictionThresholdMiB = 100;

    public static NodeAllocatable Allocatable(double vcpu, double memoryGiB)
    {
        var cpuMillis = vcpu * 1000;
        var reservedCpu = Tiered(cpuMillis, [(1000, 0.06), (1000, 0.01), (2000, 0.005), (double.MaxValue, 0.0025)]);
        var memoryMiB = memoryGiB * 1024;
        var reservedMemory = Tiered(memoryMiB, [(4096, 0.25), (4096, 0.20), (8192, 0.10), (112 * 1024, 0.06), (double.MaxValue, 0.02)]) + EvictionThresholdMiB;
        return new NodeAllocatable(
            Math.Max(0, (long)Math.Floor(cpuMillis - reservedCpu) - DaemonSetCpuMillis),
            Math.Max(0, (long)Math.Floor(memoryMiB - reservedMemory) - DaemonSetMemoryMiB));
    }

    public static string Describe(double vcpu, double memoryGiB, NodeAllocatable allocatable) => string.Create(CultureInfo.InvariantCulture,
        $"a {vcpu:0.##} vCPU / {memoryGiB:0.##} GiB node leaves {allocatable.CpuMillis}m CPU and {allocatable.MemoryMiB} MiB to executor pods (GKE-style kubelet/system reserve and eviction threshold, minus {DaemonSetCpuMillis}m / {DaemonSetMemoryMiB} MiB assumed for DaemonSets)");

    private static double Tiered(double amount, (double Size, double Rate)[] tiers)
    {
        double reserved = 0;
        var remaining = amount;
        foreach (var (size, rate) in tiers)
        {
            var slice = Math.Min(remaining, size);
            reserved += slice * rate;
            remaining -= slice;
            if (remaining <= 0)
            {
                break;
            }
        }

        return reserved;
    }
}
