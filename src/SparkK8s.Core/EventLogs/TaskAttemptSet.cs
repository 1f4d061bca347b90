using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// The (stage, stage attempt, task id) triples seen so far, for de-duplicating SparkListenerTaskEnd lines, in about one
/// bit per task instead of one hash-set entry (tens of bytes) per task. Spark numbers tasks from one counter per
/// application (TaskSchedulerImpl.newTaskId, apache/spark), so the ids of one stage attempt are dense runs: each word
/// holds 64 consecutive ids of one stage attempt. Memory then stays near flat in the size of one application's log.
/// </summary>
internal sealed class TaskAttemptSet
{
    private const int WordBits = 64;
    private readonly Dictionary<(long Stage, long Attempt, long Word), ulong> _words = [];

    /// <summary>The words held (for tests: about one per 64 tasks of a stage attempt).</summary>
    public int WordCount => _words.Count;

    /// <summary>Adds the triple; false when it was already there. <paramref name="taskId"/> must not be negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(long stage, long attempt, long taskId)
    {
        var key = (stage, attempt, taskId / WordBits);
        var bit = 1UL << (int)(taskId % WordBits);
        ref var word = ref CollectionsMarshal.GetValueRefOrAddDefault(_words, key, out _);
        if ((word & bit) != 0)
        {
            return false;
        }

        word |= bit;
        return true;
    }
}
