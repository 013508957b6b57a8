#!/usr/bin/env python3
"""Builds a LeRobot v2.1 dataset of symbolic links: every episode of SRC that has all its videos, repeated COPIES times
(episode n is episode with_video[n % k] of SRC), meta/ rewritten to match. Used by scripts/bench-e2e to measure the
per-frame cost of each stage on real video without the stages' fixed costs; nothing is copied.
  replicate-lerobot.py SRC DST COPIES"""
import json
import os
import sys

src, dst, copies = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3])
info = json.load(open(os.path.join(src, "meta/info.json")))
if not str(info.get("codebase_version", "")).startswith("v2"):
    sys.exit("replicate-lerobot.py: only LeRobot v2.x datasets (%s is %s)" % (src, info.get("codebase_version")))
videos = os.path.join(src, "videos/chunk-000")
keys = sorted(os.listdir(videos))


def jsonl(name):
    path = os.path.join(src, "meta", name)
    if not os.path.exists(path):
        return {}
    rows = (json.loads(line) for line in open(path) if line.strip())
    return {row["episode_index"]: row for row in rows}


episodes, stats = jsonl("episodes.jsonl"), jsonl("episodes_stats.jsonl")
with_video = sorted(i for i in episodes
                    if all(os.path.exists(os.path.join(videos, k, "episode_%06d.mp4" % i)) for k in keys))
if not with_video:
    sys.exit("replicate-lerobot.py: no episode of %s has all its videos" % src)
for d in ["meta", "data/chunk-000"] + ["videos/chunk-000/" + k for k in keys]:
    os.makedirs(os.path.join(dst, d), exist_ok=True)
out_episodes, out_stats, frames = [], [], 0
for n in range(copies * len(with_video)):
    i = with_video[n % len(with_video)]
    os.symlink(os.path.join(src, "data/chunk-000/episode_%06d.parquet" % i),
               os.path.join(dst, "data/chunk-000/episode_%06d.parquet" % n))
    for k in keys:
        os.symlink(os.path.join(videos, k, "episode_%06d.mp4" % i),
                   os.path.join(dst, "videos/chunk-000", k, "episode_%06d.mp4" % n))
    out_episodes.append(dict(episodes[i], episode_index=n))
    frames += int(episodes[i]["length"])
    if i in stats:
        out_stats.append(dict(stats[i], episode_index=n))
info.update(total_episodes=len(out_episodes), total_frames=frames, total_videos=len(out_episodes) * len(keys),
            total_chunks=1, splits={"train": "0:%d" % len(out_episodes)})
json.dump(info, open(os.path.join(dst, "meta/info.json"), "w"), indent=4)
for name, rows in (("episodes.jsonl", out_episodes), ("episodes_stats.jsonl", out_stats)):
    with open(os.path.join(dst, "meta", name), "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
os.symlink(os.path.join(src, "meta/tasks.jsonl"), os.path.join(dst, "meta/tasks.jsonl"))
print("%s: %d episodes (%d real with video x %d), %d frames" % (dst, len(out_episodes), len(with_video), copies, frames))
