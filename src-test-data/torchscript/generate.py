#!/usr/bin/python3
"""Writes the tiny TorchScript phase model the tests load through DJL (src-test-data/torchscript/phase-model/).

Needs Debian's python3-torch (apt-get install python3-torch); only to regenerate, never at test time.

The model follows the contract of the `torchscript` annotator (docs/vlm.md):
    forward(frames: float32 [N, 3, S, S] RGB in [0, 1], seconds: float32 [N]) -> float32 [N, K] scores
over the K labels of labels.txt. This one is a stand-in, not a trained model: it scores the three labels
reach, grasp, lift by the frame's position in time (first, middle, last third of the clip), so tests can predict its
answer exactly, and adds a tiny multiple of the frames' mean brightness so that the frames really flow through it.
"""
import os

import torch


class PhaseModel(torch.nn.Module):
    def forward(self, frames: torch.Tensor, seconds: torch.Tensor) -> torch.Tensor:
        span = seconds.max() - seconds.min() + 1e-6
        position = (seconds - seconds.min()) / span
        third = torch.clamp(torch.floor(position * 3.0), 0.0, 2.0).long()
        scores = torch.nn.functional.one_hot(third, 4).float() * 10.0
        brightness = frames.mean(dim=(1, 2, 3)).unsqueeze(1) * 1e-3
        return scores + brightness


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "phase-model")
    os.makedirs(here, exist_ok=True)
    scripted = torch.jit.script(PhaseModel())
    scripted.save(os.path.join(here, "model.pt"))
    with open(os.path.join(here, "labels.txt"), "w", encoding="utf-8") as f:
        f.write("reach\ngrasp\nlift\nidle\n")


if __name__ == "__main__":
    main()
