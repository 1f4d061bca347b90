using FluentAssertions;
using SparkK8s.Core.EventLogs;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>The task-end de-duplication keeps its exact answers in about a bit per task (memory flat in log size).</summary>
public class TaskAttemptSetTests
{
    [Fact]
    public void A_repeated_triple_is_a_duplicate_and_every_distinct_one_is_new()
    {
        var set = new TaskAttemptSet();

        set.Add(1, 0, 63).Should().BeTrue();
        set.Add(1, 0, 64).Should().BeTrue("64 starts the next word");
        set.Add(1, 0, 63).Should().BeFalse();
        set.Add(1, 1, 63).Should().BeTrue("another stage attempt");
        set.Add(2, 0, 63).Should().BeTrue("another stage");
        set.Add(-1, -1, 0).Should().BeTrue("odd stage numbers are still keys");
        set.Add(1, 0, long.MaxValue).Should().BeTrue();
        set.Add(1, 0, long.MaxValue).Should().BeFalse();
        set.Add(1, 0, 64).Should().BeFalse();
    }

    [Fact]
    public void Dense_task_ids_take_one_word_per_64_tasks()
    {
        var set = new TaskAttemptSet();
        for (long task = 0; task < 64_000; task++)
        {
            set.Add(task / 1000, 0, task).Should().BeTrue();
        }

        set.WordCount.Should().BeLessThanOrEqualTo(64_000 / 64 + 64, "stage boundaries add at most one word each");
    }

    [Fact]
    public void One_large_application_does_not_hold_an_entry_per_task()
    {
        // 200,000 distinct task ends of one application: a hash-set entry per task allocated over 10 MB here,
        // the word set well under 1 MB.
        var app = new ApplicationAccumulator("big");
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (long task = 0; task < 200_000; task++)
        {
            app.TaskEnded(new TaskEndRecord { Success = true, StageId = task / 5000, TaskId = task, LaunchMs = 1_700_000_000_000 + task, FinishMs = 1_700_000_000_100 + task, RunMs = 100 });
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().BeLessThan(2 << 20);
        app.TaskEnded(new TaskEndRecord { Success = true, StageId = 0, TaskId = 7, LaunchMs = 1_700_000_000_007, FinishMs = 1_700_000_000_107, RunMs = 100 });
        app.Build(markedInProgress: false).Tasks.Count.Should().Be(200_000, "the repeated task 7 is counted once");
    }
}
