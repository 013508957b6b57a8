package io.procvlm.app;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Locale;

/**
 * A measurement aid for {@code scripts/bench-scale}: with {@code -Dprocvlm.heap-probe=true}, after each stage the
 * driver asks for two full collections and logs the heap still in use, one line {@code heap-probe: <stage> <bytes>}
 * on the error stream. Between stages no task runs, so in local mode that figure is what the driver holds (its lists,
 * maps and Spark's own state), which a peak read from a GC log cannot separate from the executors' garbage. Off by
 * default: a full collection costs time and the figure is for measurement only.
 */
final class HeapProbe {
    static final String PROPERTY = "procvlm.heap-probe";

    private HeapProbe() {}

    static void after(String stage, java.io.PrintWriter err) {
        if (!Boolean.getBoolean(PROPERTY)) {
            return;
        }
        System.gc();
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        err.println(String.format(Locale.ROOT, "heap-probe: %s %d", stage, heap.getUsed()));
        err.flush();
    }
}
