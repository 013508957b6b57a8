package io.procvlm.vqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** binpacking.to_constant_volume's rule: heaviest first, into the fullest bin it fits, else a new bin. */
final class TestPacker {
    private static List<Packer.Item> items(long... tokens) {
        List<Packer.Item> items = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            items.add(new Packer.Item("s" + i, tokens[i]));
        }
        return items;
    }

    private static List<List<String>> ids(List<Packer.Bin> bins) {
        return bins.stream()
                .map(bin -> bin.items().stream().map(Packer.Item::id).toList())
                .toList();
    }

    @Test
    void workedExample() {
        // capacity 10; sorted: s1 7, s3 6, s0 5, s4 4, s2 3, s5 2
        // 7 -> new bin A(7); 6 -> new B(6); 5 -> new C(5); 4 -> fits B (6+4=10) and C (5+4=9): fullest B -> B(10);
        // 3 -> fits A (10) and C (8): fullest A -> A(10); 2 -> fits C -> C(7)
        List<Packer.Bin> bins = Packer.toConstantVolume(items(5, 7, 3, 6, 4, 2), 10);
        assertThat(ids(bins)).containsExactly(List.of("s1", "s2"), List.of("s3", "s4"), List.of("s0", "s5"));
        assertThat(bins).extracting(Packer.Bin::tokens).containsExactly(10L, 10L, 7L);
    }

    @Test
    void tiesKeepTheGivenOrder() {
        List<Packer.Bin> bins = Packer.toConstantVolume(items(4, 4, 4), 8);
        assertThat(ids(bins)).containsExactly(List.of("s0", "s1"), List.of("s2"));
    }

    @Test
    void everyItemOnceNeverOverCapacityAndDeterministic() {
        SplittableRandom random = new SplittableRandom(7);
        List<Packer.Item> items = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            items.add(new Packer.Item("s" + i, 50 + random.nextInt(7950)));
        }
        List<Packer.Bin> bins = Packer.toConstantVolume(items, 8000);
        Set<String> seen = new HashSet<>();
        long total = 0;
        for (Packer.Bin bin : bins) {
            assertThat(bin.tokens()).isLessThanOrEqualTo(8000);
            assertThat(bin.items().stream().mapToLong(Packer.Item::tokens).sum())
                    .isEqualTo(bin.tokens());
            for (Packer.Item item : bin.items()) {
                assertThat(seen.add(item.id())).as(item.id()).isTrue();
            }
            total += bin.tokens();
        }
        assertThat(seen).hasSize(items.size());
        assertThat(total / (bins.size() * 8000.0)).as("fill ratio").isGreaterThan(0.95);
        assertThat(Packer.toConstantVolume(items, 8000)).isEqualTo(bins);
    }

    @Test
    void itemsAboveCapacityAreRefused() {
        assertThatThrownBy(() -> Packer.toConstantVolume(items(3, 11), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s1");
    }
}
