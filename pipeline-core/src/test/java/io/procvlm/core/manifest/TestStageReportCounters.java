package io.procvlm.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stage run in batches reports the counters of the whole run: sums add up, rates are made again from them. */
final class TestStageReportCounters {
    private static Map<String, Number> batch(long frames, double seconds) {
        Map<String, Number> counters = new LinkedHashMap<>();
        counters.put("frames", frames);
        counters.put("decoded-frames", frames);
        counters.put("decode-seconds", seconds);
        counters.put("frames-per-second-per-task", frames / seconds);
        return counters;
    }

    @Test
    void ratesAreMadeFromTheSummedBatchesNotAdded() {
        Map<String, Number> run = new LinkedHashMap<>();
        StageReport.mergeCounters(run, batch(300, 1.0));
        StageReport.mergeCounters(run, batch(100, 1.0));
        assertThat(run.get("frames")).isEqualTo(400L);
        assertThat(run.get("decoded-frames")).isEqualTo(400L);
        assertThat(run.get("decode-seconds").doubleValue()).isCloseTo(2.0, offset(1e-12));
        // 200 frames per second over the two batches, not 300 + 100
        assertThat(run.get("frames-per-second-per-task").doubleValue()).isCloseTo(200.0, offset(1e-9));
    }

    @Test
    void oneBatchKeepsItsRateAndNoTimeMeansZero() {
        Map<String, Number> run = new LinkedHashMap<>();
        StageReport.mergeCounters(run, batch(150, 0.5));
        assertThat(run.get("frames-per-second-per-task").doubleValue()).isCloseTo(300.0, offset(1e-9));
        Map<String, Number> idle = new LinkedHashMap<>();
        Map<String, Number> none = batch(0, 1.0);
        none.put("decode-seconds", 0.0);
        none.put("frames-per-second-per-task", 0.0);
        StageReport.mergeCounters(idle, none);
        assertThat(idle.get("frames-per-second-per-task").doubleValue()).isZero();
    }
}
