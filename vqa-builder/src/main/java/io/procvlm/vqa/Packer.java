package io.procvlm.vqa;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Constant-volume bin packing as the reference's {@code pack_data.py} does it with
 * {@code binpacking.to_constant_volume}: items from the heaviest down (ties in input order), each into the fullest
 * open bin it still fits in (ties: the oldest bin), else into a new bin. Items heavier than the capacity are not
 * accepted here: the caller leaves them out and counts them (the reference gave each a bin of its own, over capacity).
 */
public final class Packer {
    private Packer() {}

    /** One item: a sample id and its tokens. */
    public record Item(String id, long tokens) implements java.io.Serializable {}

    /** One bin: its items in the order they were placed, and their total. */
    public record Bin(List<Item> items, long tokens) implements java.io.Serializable {}

    /** Packs {@code items} (in their given order, which breaks ties) into bins of {@code capacity}. */
    public static List<Bin> toConstantVolume(List<Item> items, long capacity) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item.tokens() > capacity || item.tokens() < 0) {
                throw new IllegalArgumentException(
                        "Item " + item.id() + " has " + item.tokens() + " tokens, capacity is " + capacity);
            }
            order.add(i);
        }
        order.sort(
                Comparator.comparingLong((Integer i) -> -items.get(i).tokens()).thenComparingInt(i -> i));
        List<List<Item>> bins = new ArrayList<>();
        List<Long> sums = new ArrayList<>();
        TreeMap<Long, TreeSet<Integer>> binsBySum = new TreeMap<>(); // fill -> bins with that fill
        for (int i : order) {
            Item item = items.get(i);
            var fit = binsBySum.floorEntry(capacity - item.tokens());
            int bin;
            if (fit != null) {
                bin = fit.getValue().first();
                remove(binsBySum, fit.getKey(), bin);
            } else {
                bin = bins.size();
                bins.add(new ArrayList<>());
                sums.add(0L);
            }
            bins.get(bin).add(item);
            long sum = sums.get(bin) + item.tokens();
            sums.set(bin, sum);
            binsBySum.computeIfAbsent(sum, k -> new TreeSet<>()).add(bin);
        }
        List<Bin> out = new ArrayList<>(bins.size());
        for (int b = 0; b < bins.size(); b++) {
            out.add(new Bin(List.copyOf(bins.get(b)), sums.get(b)));
        }
        return out;
    }

    private static void remove(TreeMap<Long, TreeSet<Integer>> binsBySum, long sum, int bin) {
        TreeSet<Integer> same = binsBySum.get(sum);
        same.remove(bin);
        if (same.isEmpty()) {
            binsBySum.remove(sum);
        }
    }
}
