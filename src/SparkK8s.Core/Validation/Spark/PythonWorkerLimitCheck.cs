namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK020: Spark divides spark.executor.pyspark.memory by the executor's cores and sets the quotient as each Python
/// worker's address-space limit (RLIMIT_AS; getWorkerMemoryMb in PythonRunner.scala and the resource.setrlimit call in
/// python/pyspark/worker.py, apache/spark, SPARK-30299). Address space is not resident memory: shared libraries, glibc's
/// per-thread malloc arenas (64 MiB reserved each on 64-bit) and BLAS/Arrow thread pools count in full, so a limit that
/// looks generous fails `import numpy` with MemoryError. Measured: importing numpy and pandas needs about 90 MiB of
/// address space with Debian's reference-BLAS build (benchmarks/python-worker-memory); PyPI wheels add OpenBLAS thread
/// buffers per node CPU and pyarrow's allocators, so the floor here is 512 MiB per worker.
/// </summary>
public sealed class PythonWorkerLimitCheck() : SparkCheck(
    "SPK020",
    Severity.Error,
    "Each Python worker's memory limit (spark.executor.pyspark.memory / spark.executor.cores) is too small to import numpy, pandas and pyarrow",
    "Give spark.executor.pyspark.memory at least 512m per executor core (connect.executor.pysparkMemory), or set it to 0 (no limit) and keep the headroom in memoryOverhead")
{
    /// <summary>Smallest per-worker address-space limit accepted, in MiB.</summary>
    public const long MinimumPerWorkerMiB = 512;

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.ConfByComponent.Values)
        {
            if (conf.Find("spark.executor.pyspark.memory") is not { } pyspark || Sizing.ByteSize.TryParseSparkMiB(pyspark.Value) is not { } mib || mib <= 0)
            {
                continue;
            }

            var cores = int.TryParse(conf.Get("spark.executor.cores"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) && c > 0 ? c : 1;
            var perWorker = mib / cores;
            if (perWorker < MinimumPerWorkerMiB)
            {
                yield return Found(pyspark,
                    $"spark.executor.pyspark.memory {pyspark.Value} over {cores} executor core(s) limits each Python worker's address space to {perWorker} MiB (less than {MinimumPerWorkerMiB} MiB); importing numpy, pandas and pyarrow then fails with MemoryError");
            }
        }
    }
}
