#!/usr/bin/env python3
"""Independent recomputation of the reference progress labels (reference/procvlm.md section 4).

Written from the written description only, with the Python standard library, so that the Java implementation
(io.procvlm.progress.ReferenceProgress) can be checked against a second, unrelated implementation.

Usage: progress_reference.py INPUT.json OUTPUT.json

INPUT holds "labels" (one sub-task string per frame, null allowed) and either "phash" (one 64-bit perceptual hash
per frame, as 16 hex digits) or "similarity" (per frame, the pHash similarity to the previous frame; the first value
is ignored). OUTPUT receives {"similarity": [...], "progress": [...]}.
"""
import json
import sys

INVALID = {"", "done", "done.", "not done", "not done."}


def phash_similarity(a, b):
    """1 - Hamming distance / 64: only takes the values k/64."""
    return 1.0 - bin(a ^ b).count("1") / 64.0


def is_valid(label):
    return label is not None and label.strip().lower() not in INVALID


def runs(labels):
    """Maximal runs of equal labels, as (start, end) with end exclusive."""
    out = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            out.append((start, i))
            start = i
    return out


def reference_progress(labels, similarity):
    n = len(labels)
    if n == 0:
        return []
    all_runs = runs(labels)
    valid_runs = [(s, e) for (s, e) in all_runs if is_valid(labels[s])]
    k = len(valid_runs)
    t = sum(e - s for (s, e) in valid_runs)
    dp = [0.0] * n
    for (s, e) in valid_runs:
        length = e - s
        w = min(1.25, max(0.75, k * length / t))
        # r_0 = 0 and r_i = (1.5 - sim(f_{i-1}, f_i)) / sum over the run
        deltas = [1.5 - similarity[i] for i in range(s + 1, e)]
        total = sum(deltas)
        for offset, delta in enumerate(deltas):
            dp[s + 1 + offset] = w * delta / total
    grand = sum(dp)
    if grand == 0:
        return [0.0] * n
    progress = [0.0] * n
    running = 0.0
    for i in range(n):
        progress[i] = running / grand  # exclusive: frame i does not count its own increment
        running += dp[i]
    return progress


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    labels = data["labels"]
    if "phash" in data:
        hashes = [int(h, 16) for h in data["phash"]]
        similarity = [0.0] + [phash_similarity(hashes[i - 1], hashes[i]) for i in range(1, len(hashes))]
    else:
        similarity = [float(x) for x in data["similarity"]]
    result = {"similarity": similarity, "progress": reference_progress(labels, similarity)}
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
