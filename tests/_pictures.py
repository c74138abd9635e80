"""Checks on picture files shared by the plotting tests: PNG header, SVG size and text."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path) -> tuple[int, int]:
    """(width, height) from the PNG's signature and IHDR chunk; fails if it is not a PNG."""
    data = Path(path).read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13, f"{path}: the first chunk is not IHDR"
    return struct.unpack(">II", data[16:24])


def png_pixels(path) -> np.ndarray:
    from matplotlib import image

    return image.imread(str(path))[..., :3]


def assert_not_blank(path) -> np.ndarray:
    """The picture differs from an empty canvas: many non-white pixels, varied values."""
    pixels = png_pixels(path)
    inked = np.any(pixels < 0.95, axis=-1).mean()
    assert inked > 0.01, f"{path} is nearly blank: {inked:.2%} of the pixels are not white"
    assert pixels.std() > 0.05, f"{path} has almost no contrast (std {pixels.std():.3f})"
    return pixels


def has_colour(pixels: np.ndarray, hex_colour: str, tolerance: float = 0.02, at_least: int = 20) -> bool:
    rgb = np.array([int(hex_colour[k : k + 2], 16) / 255 for k in (1, 3, 5)])
    close = np.all(np.abs(pixels - rgb) < tolerance, axis=-1)
    return int(close.sum()) >= at_least


def svg_root(path) -> ET.Element:
    return ET.parse(str(path)).getroot()


def svg_size_pt(path) -> tuple[float, float]:
    root = svg_root(path)
    width, height = root.attrib["width"], root.attrib["height"]
    assert width.endswith("pt") and height.endswith("pt"), (width, height)
    return float(width[:-2]), float(height[:-2])


def svg_texts(path) -> list[str]:
    """Every text element's text, as written (the SVGs keep text as text)."""
    return ["".join(e.itertext()) for e in svg_root(path).iter() if e.tag.endswith("}text") or e.tag == "text"]
