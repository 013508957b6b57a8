package io.procvlm.core.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

final class TestEpisodeRuns {
    private static List<String> runs(List<Row> rows) {
        List<String> out = new ArrayList<>();
        EpisodeRuns.of(
                        rows.iterator(),
                        (dataset, episode, run) -> dataset + "/" + episode + ":"
                                + run.stream()
                                        .map(r -> Long.toString(r.getLong(2)))
                                        .toList())
                .forEachRemaining(out::add);
        return out;
    }

    @Test
    void oneResultPerRunOfEqualDatasetAndEpisode() {
        List<Row> rows = List.of(
                RowFactory.create("a", 1L, 0L),
                RowFactory.create("a", 1L, 1L),
                RowFactory.create("a", 2L, 0L),
                RowFactory.create("b", 2L, 5L),
                RowFactory.create("b", 2L, 6L),
                RowFactory.create("b", 3L, 0L));
        assertThat(runs(rows)).containsExactly("a/1:[0, 1]", "a/2:[0]", "b/2:[5, 6]", "b/3:[0]");
    }

    @Test
    void noRowsNoResults() {
        assertThat(runs(List.of())).isEmpty();
        Iterator<String> none = EpisodeRuns.of(List.<Row>of().iterator(), (d, e, r) -> d);
        assertThatThrownBy(none::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void theSameEpisodeNumberInAnotherDatasetIsAnotherRun() {
        List<Row> rows = List.of(RowFactory.create("a", 7L, 0L), RowFactory.create("b", 7L, 0L));
        assertThat(runs(rows)).containsExactly("a/7:[0]", "b/7:[0]");
    }
}
