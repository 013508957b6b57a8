#!/usr/bin/env python3
"""Makes the fixed pHash test images and their expected hashes, independently of the Java code.

Run with Debian's Python and packages (apt install python3-pil python3-scipy python3-numpy):
    /usr/bin/python3 src-test-data/phash/generate.py
It rewrites the PNG files and expected.json in this folder. The hash follows imagehash.phash as published
(imagehash 4.3, hash_size=8, highfreq_factor=4): convert("L"), resize to 32x32 with Image.LANCZOS
(ANTIALIAS), scipy.fftpack.dct along axis 0 then axis 1, the low 8x8 block, bit = value > median.
"""
import json
import os

import numpy
import scipy.fftpack
from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
rng = numpy.random.RandomState(20261125)


def scene(width, height, seed_shift=0):
    """A plausible tabletop: wood-like background, a table edge, a few objects, mild sensor noise."""
    y, x = numpy.mgrid[0:height, 0:width].astype(numpy.float64)
    base = 120 + 40 * numpy.sin(x / (7.0 + seed_shift)) * numpy.cos(y / 23.0) + 30 * (y / max(height, 1))
    rgb = numpy.stack([base * 1.1, base * 0.8, base * 0.55], axis=-1)
    noise = rng.normal(0, 4.0, size=(height // 4 + 1, width // 4 + 1, 3)).repeat(4, 0).repeat(4, 1)
    rgb = rgb + noise[:height, :width]
    image = Image.fromarray(numpy.clip(rgb, 0, 255).astype(numpy.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(height * 0.62), width, height], fill=(90, 70, 55))
    for i in range(4):
        cx = int(rng.uniform(0.1, 0.9) * width)
        cy = int(rng.uniform(0.3, 0.8) * height)
        r = max(2, int(rng.uniform(0.03, 0.12) * min(width, height)))
        color = tuple(int(c) for c in rng.randint(0, 256, size=3))
        if i % 2 == 0:
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=color)
        else:
            draw.rectangle([cx - r, cy - r // 2, cx + r, cy + r], fill=color)
    return image


def phash_bits(image):
    small = image.convert("L").resize((32, 32), Image.LANCZOS)
    pixels = numpy.asarray(small)
    dct = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)
    low = dct[:8, :8]
    med = numpy.median(low)
    bits = (low > med).flatten()
    value = int("".join("1" if b else "0" for b in bits), 2)
    return "{:016x}".format(value), [int(v) for v in pixels.flatten()]


def main():
    specs = [
        ("scene-640x480.png", 640, 480, "RGB"),
        ("scene-320x240.png", 320, 240, "RGB"),
        ("scene-333x217.png", 333, 217, "RGB"),
        ("scene-500x375-gray.png", 500, 375, "L"),
        ("scene-97x301.png", 97, 301, "RGB"),
        ("scene-1000x60.png", 1000, 60, "RGB"),
        ("scene-32x32.png", 32, 32, "RGB"),
        ("scene-20x16.png", 20, 16, "RGB"),
    ]
    expected = []
    for index, (name, width, height, mode) in enumerate(specs):
        image = scene(width, height, index)
        if mode == "L":
            image = image.convert("L")
        image.save(os.path.join(HERE, name), optimize=True)
        reloaded = Image.open(os.path.join(HERE, name))
        reloaded.load()
        hex_hash, resized = phash_bits(reloaded)
        expected.append({
            "file": name,
            "mode": mode,
            "width": width,
            "height": height,
            "phash": hex_hash,
            "resized32": resized,
        })
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump({
            "generator": "src-test-data/phash/generate.py",
            "algorithm": "imagehash.phash 4.3 as published: L, LANCZOS 32x32, scipy.fftpack.dct axis 0 then 1, "
                         "low 8x8 > median",
            "pillow": Image.__version__ if hasattr(Image, "__version__") else "unknown",
            "scipy": scipy.__version__,
            "images": expected,
        }, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
