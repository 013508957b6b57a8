package io.procvlm.app.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.SharedSpark;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The serial-part measurement of bench-scale: the union of task intervals, and what a real local job reports. */
final class TestTaskActivity {
    @Test
    void busyTimeIsTheUnionOfTheIntervals() {
        assertThat(TaskActivity.busy(List.of())).isZero();
        assertThat(TaskActivity.busy(List.of(new long[] {10, 20}))).isEqualTo(10);
        assertThat(TaskActivity.busy(List.of(new long[] {30, 40}, new long[] {10, 20}, new long[] {15, 25})))
                .as("overlapping tasks count once, gaps not at all, in any order")
                .isEqualTo(25);
        assertThat(TaskActivity.busy(List.of(new long[] {10, 20}, new long[] {20, 30}, new long[] {12, 13})))
                .isEqualTo(20);
        assertThat(TaskActivity.busy(List.of(new long[] {5, 5}, new long[] {7, 9})))
                .isEqualTo(2);
    }

    @Test
    void aJobsTasksAreCountedOnceAndTheWindowStartsAfresh() throws InterruptedException {
        SparkSession spark = SharedSpark.get();
        TaskActivity activity = TaskActivity.register(spark);
        try {
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            long sum = context.parallelize(List.of(1, 2, 3, 4), 4)
                    .map(x -> {
                        Thread.sleep(200);
                        return x;
                    })
                    .reduce(Integer::sum);
            assertThat(sum).isEqualTo(10);
            TaskActivity.Window window = waitForTasks(activity, 4);
            assertThat(window.tasks()).isEqualTo(4);
            assertThat(window.taskMillis())
                    .as("four tasks that sleep 200 ms each")
                    .isGreaterThanOrEqualTo(800);
            assertThat(window.busyMillis())
                    .as("two slots: the tasks overlap, so the covered time is at least two sleeps, at most the sum")
                    .isBetween(400L, window.taskMillis());
            assertThat(activity.take()).isEqualTo(new TaskActivity.Window(0, 0, 0));
        } finally {
            activity.unregister(spark);
        }
    }

    /** Spark's listener bus delivers task events on its own thread, shortly after the job returns. */
    private static TaskActivity.Window waitForTasks(TaskActivity activity, int tasks) throws InterruptedException {
        long busy = 0;
        long taskTime = 0;
        int seen = 0;
        for (int i = 0; i < 100 && seen < tasks; i++) {
            TaskActivity.Window window = activity.take();
            seen += window.tasks();
            taskTime += window.taskMillis();
            busy += window.busyMillis();
            if (seen < tasks) {
                Thread.sleep(50);
            }
        }
        return new TaskActivity.Window(busy, taskTime, seen);
    }
}
