package io.procvlm.app.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.SparkSession;

/**
 * A measurement aid for {@code scripts/bench-scale} (with {@code -Dprocvlm.heap-probe}): which part of a stage's wall
 * time had Spark tasks running, and how much task time there was. The rest of the stage's wall time is the driver's
 * serial part (planning, listing, commits, the ledger), which more executors do not shorten; the task time is what
 * they share. Spark reports each finished task's launch and finish time; {@link #take()} returns the time covered by
 * at least one task since the previous call (the union of the tasks' intervals), their summed durations and their
 * number, and starts a new window.
 */
public final class TaskActivity extends SparkListener {
    /** Since the previous {@link #take()}: the wall time with at least one task running, the tasks' summed time. */
    public record Window(long busyMillis, long taskMillis, int tasks) {}

    private final List<long[]> intervals = new ArrayList<>();

    private TaskActivity() {}

    /** Listens to the session's tasks from now on. */
    public static TaskActivity register(SparkSession spark) {
        TaskActivity activity = new TaskActivity();
        spark.sparkContext().addSparkListener(activity);
        return activity;
    }

    /** Stops listening. */
    public void unregister(SparkSession spark) {
        spark.sparkContext().removeSparkListener(this);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        TaskInfo info = taskEnd.taskInfo();
        if (info == null || info.finishTime() <= 0) {
            return;
        }
        synchronized (intervals) {
            intervals.add(new long[] {info.launchTime(), Math.max(info.launchTime(), info.finishTime())});
        }
    }

    /** The tasks that finished since the previous call (Spark delivers task events a little after they happen). */
    public Window take() {
        List<long[]> taken;
        synchronized (intervals) {
            taken = new ArrayList<>(intervals);
            intervals.clear();
        }
        long tasks = 0;
        for (long[] interval : taken) {
            tasks += interval[1] - interval[0];
        }
        return new Window(busy(taken), tasks, taken.size());
    }

    /** The length of the union of half-open intervals {@code [start, end)}. */
    static long busy(List<long[]> intervals) {
        List<long[]> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparingLong(interval -> interval[0]));
        long total = 0;
        long start = Long.MIN_VALUE;
        long end = Long.MIN_VALUE;
        for (long[] interval : sorted) {
            if (interval[0] > end) {
                if (end > start) {
                    total += end - start;
                }
                start = interval[0];
                end = interval[1];
            } else {
                end = Math.max(end, interval[1]);
            }
        }
        if (end > start) {
            total += end - start;
        }
        return total;
    }
}
