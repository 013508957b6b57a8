#!/usr/bin/python3
"""Writes robomimic-gzip/demo.hdf5: a robomimic-layout file whose arrays are chunked and gzip (deflate) compressed,
as robomimic's and LIBERO's own files are, made with h5py/libhdf5 (Debian python3-h5py) so the pure-Java reader is
checked against files the reference library wrote. Pixel values follow a formula the Java test recomputes:
  image[t, y, x, c] = (7 * t + 3 * y + 5 * x + 11 * c) % 256
Deterministic: no timestamps are stored (track_times=False).
Run: /usr/bin/python3 src-test-data/hdf5-chunked/generate.py
"""
import json
import os

import h5py
import numpy as np

T, H, W = 6, 48, 64
here = os.path.dirname(os.path.abspath(__file__))
folder = os.path.join(here, "robomimic-gzip")
os.makedirs(folder, exist_ok=True)
path = os.path.join(folder, "demo.hdf5")
if os.path.exists(path):
    os.remove(path)

t, y, x, c = np.meshgrid(np.arange(T), np.arange(H), np.arange(W), np.arange(3), indexing="ij")
image = ((7 * t + 3 * y + 5 * x + 11 * c) % 256).astype(np.uint8)

with h5py.File(path, "w", libver="earliest", track_order=False) as f:
    data = f.create_group("data", track_order=False)
    data.attrs["env_args"] = json.dumps({"env_name": "Lift", "env_kwargs": {"control_freq": 20}})
    data.attrs["total"] = 2 * T
    for d in range(2):
        demo = data.create_group(f"demo_{d}")
        demo.attrs["num_samples"] = T
        obs = demo.create_group("obs")
        obs.create_dataset("agentview_image", data=image, chunks=(1, H, W, 3), compression="gzip",
                           compression_opts=4, track_times=False)
        eef = np.stack([np.linspace(0, 1, T), np.zeros(T), np.full(T, 0.5)], axis=1).astype(np.float64)
        obs.create_dataset("robot0_eef_pos", data=eef, chunks=(2, 3), compression="gzip", track_times=False)
        grip = np.stack([np.linspace(0.04, 0, T), np.linspace(-0.04, 0, T)], axis=1)
        obs.create_dataset("robot0_gripper_qpos", data=grip, track_times=False)
        actions = np.tile(np.arange(7, dtype=np.float64), (T, 1)) + d
        demo.create_dataset("actions", data=actions, chunks=(3, 7), compression="gzip", track_times=False)
print("wrote", path, os.path.getsize(path), "bytes")
