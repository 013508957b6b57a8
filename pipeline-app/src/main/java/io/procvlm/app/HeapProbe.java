package io.procvlm.app;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Locale;

/**
 * A measurement aid for {@code scripts/bench-scale}: with {@code -Dprocvlm.heap-probe=true}, after each stage the
 * driver asks for full collections (giving Spark's cleaner time in between) and logs the heap still in use, one line
 * {@code heap-probe: <stage> <bytes> <cpu-before> <cpu-after> <wall> <task-busy-ms> <task-ms> <tasks>}
 * on the error stream ({@code -Dprocvlm.heap-probe=histogram} adds the live objects by class, largest first). Between stages no task runs, so in local mode that figure is what the driver holds (its lists,
 * maps and Spark's own state), which a peak read from a GC log cannot separate from the executors' garbage. The line
 * ends with the process's CPU time before and after the probe and the probe's own wall time (nanoseconds): a stage's
 * CPU time is the difference between its probe's first figure and the previous probe's second, which contention on a shared machine disturbs far
 * less than wall time. Three more figures follow ({@link #watchTasks}): the wall time during which at least one Spark
 * task ran since the previous probe, the tasks' summed time (milliseconds) and their number; the stage's wall time
 * minus the first is its serial driver part. Off by default: a full collection costs time and the figure is for
 * measurement only.
 */
final class HeapProbe {
    static final String PROPERTY = "procvlm.heap-probe";

    /** The session's task activity, read (and reset) by each probe; null when nobody watches. */
    private static volatile io.procvlm.app.spark.TaskActivity tasks;

    private HeapProbe() {}

    /** Whether {@code -Dprocvlm.heap-probe} asks for the probes. */
    static boolean enabled() {
        return enabled(mode());
    }

    private static String mode() {
        return System.getProperty(PROPERTY, "false");
    }

    private static boolean enabled(String mode) {
        return mode.equals("true") || mode.equals("histogram");
    }

    /** Where the probes read the task activity of the window that a stage just closed. */
    static void watchTasks(io.procvlm.app.spark.TaskActivity activity) {
        tasks = activity;
    }

    /** CPU time of the whole process so far, every thread (what a stage cost, whatever else ran on the machine). */
    private static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    static void after(String stage, java.io.PrintWriter err) {
        String mode = mode();
        if (!enabled(mode)) {
            return;
        }
        long cpuBefore = cpuNanos();
        long wallBefore = System.nanoTime();
        // Spark's ContextCleaner releases the state of unreachable RDDs, shuffles and broadcasts on its own thread
        // once a collection has found them: collect, let it work, collect again.
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        System.gc();
        // after the pauses above, Spark has delivered the stage's task events
        io.procvlm.app.spark.TaskActivity watched = tasks;
        io.procvlm.app.spark.TaskActivity.Window activity =
                watched == null ? new io.procvlm.app.spark.TaskActivity.Window(-1, -1, -1) : watched.take();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        err.println(String.format(
                Locale.ROOT,
                "heap-probe: %s %d %d %d %d %d %d %d",
                stage,
                heap.getUsed(),
                cpuBefore,
                cpuNanos(),
                System.nanoTime() - wallBefore,
                activity.busyMillis(),
                activity.taskMillis(),
                activity.tasks()));
        if (mode.equals("histogram")) {
            // the live objects by class, largest first (what jcmd GC.class_histogram prints): the first 25 lines, or
            // -Dprocvlm.heap-probe.lines
            try {
                Object text = ManagementFactory.getPlatformMBeanServer()
                        .invoke(
                                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                                "gcClassHistogram",
                                new Object[] {null},
                                new String[] {String[].class.getName()});
                text.toString()
                        .lines()
                        .limit(Long.getLong(PROPERTY + ".lines", 25))
                        .forEach(line -> err.println("heap-probe:   " + line));
            } catch (javax.management.JMException e) {
                err.println("heap-probe: no class histogram: " + e);
            }
        }
        err.flush();
    }
}
