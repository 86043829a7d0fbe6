"""Exact float reference pyramid and per-level PSNR of DeepZoom pyramids against it.

The reference is the windowed base as float, then repeated 2x2 means (an odd edge row or
column is averaged with itself, i.e. the mean of the pixels that exist). Each level is
compared tile by tile with:
  * every candidate pyramid (decoded JPEG tiles),
  * "single": one JPEG encode at the same quality of floor(reference + 0.5), same tiling,
    with libjpeg's accurate DCT (Pillow; what libvips, OpenCV and TissueMAPS use),
  * "single-fast": the same through the system TurboJPEG with its default fast DCT, to show
    what the DCT choice alone costs (left out when libturbojpeg is not installed),
  * "rounded": floor(reference + 0.5) without JPEG (the 8-bit floor).
PSNR = 10 log10(255^2 / MSE) over all pixels of a level.

Memory: the base is produced in horizontal bands of tile_size * 2^m rows; the first m+1
levels are computed band by band (bands stay tile-aligned), the rest from the assembled
smaller level.
"""
import io
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .deepzoom import DeepZoom, level_count, level_size
from .turbojpeg import TurboJPEG


def half(a: np.ndarray) -> np.ndarray:
    """2x2 mean with ceil-sized output; an odd last row/column is replicated."""
    h, w = a.shape
    if h % 2:
        a = np.concatenate([a, a[-1:, :]], axis=0)
    if w % 2:
        a = np.concatenate([a, a[:, -1:]], axis=1)
    a = a.astype(np.float32, copy=False)
    return (a[0::2, 0::2] + a[0::2, 1::2] + a[1::2, 0::2] + a[1::2, 1::2]) * np.float32(0.25)


def round8(a: np.ndarray) -> np.ndarray:
    return np.clip(np.floor(a + 0.5), 0, 255).astype(np.uint8)


def jpeg_roundtrip(tile8: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(tile8, "L").save(buf, "JPEG", quality=quality)
    return decode_bytes(buf.getvalue())


def decode_bytes(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im)


@dataclass
class Errors:
    sse: float = 0.0
    max_abs: float = 0.0

    def add(self, got: np.ndarray, ref: np.ndarray) -> None:
        d = got.astype(np.float64) - ref
        self.sse += float(np.einsum("ij,ij->", d, d))
        if d.size:
            self.max_abs = max(self.max_abs, float(np.abs(d).max()))


@dataclass
class LevelResult:
    level: int
    height: int
    width: int
    tiles: int
    errors: dict = field(default_factory=dict)        # name -> Errors
    missing: dict = field(default_factory=dict)       # name -> tiles absent (no blank tile known)
    blank: dict = field(default_factory=dict)         # name -> tiles served by the shared blank tile
    bad_shape: dict = field(default_factory=dict)     # name -> [(col, row, got, expected)]

    def psnr(self, name: str) -> float:
        mse = self.errors[name].sse / (self.height * self.width)
        return math.inf if mse == 0 else 10.0 * math.log10(255.0 ** 2 / mse)


class PyramidComparison:
    def __init__(self, width: int, height: int, candidates: dict, tile_size: int = 256, quality: int = 95,
                 band_bytes: int = 192 << 20):
        self.width, self.height = width, height
        self.candidates: dict[str, DeepZoom] = candidates
        self.tile = tile_size
        self.quality = quality
        self.max_level = level_count(width, height) - 1
        self.turbo = TurboJPEG.available()
        references = ["single", "rounded"] + (["single-fast"] if self.turbo else [])
        m = 0
        while (m < self.max_level and tile_size * (2 ** (m + 1)) * width * 4 <= band_bytes):
            m += 1
        self.band_levels = m            # levels max_level ... max_level - m are done in bands
        self.band_rows = tile_size * (2 ** m)
        self.results: dict[int, LevelResult] = {}
        for lv in range(self.max_level + 1):
            h, w = level_size(width, height, lv)
            self.results[lv] = LevelResult(
                level=lv, height=h, width=w, tiles=math.ceil(h / tile_size) * math.ceil(w / tile_size),
                errors={n: Errors() for n in list(candidates) + references},
                missing={n: 0 for n in candidates}, blank={n: 0 for n in candidates},
                bad_shape={n: [] for n in candidates})

    def run(self, base_band) -> dict[int, LevelResult]:
        """base_band(y0, y1) -> float32 array of base rows [y0, y1), full width."""
        deepest_banded = self.max_level - self.band_levels
        collected = []
        for y0 in range(0, self.height, self.band_rows):
            band = base_band(y0, min(y0 + self.band_rows, self.height))
            row0 = y0
            for lv in range(self.max_level, deepest_banded - 1, -1):
                self._compare_strip(lv, row0, band)
                if lv == deepest_banded:
                    collected.append(band)
                else:
                    band = half(band)
                    row0 //= 2
        level = np.concatenate(collected, axis=0)
        for lv in range(deepest_banded - 1, -1, -1):
            level = half(level)
            self._compare_strip(lv, 0, level)
        return self.results

    def _compare_strip(self, lv: int, row0: int, strip: np.ndarray) -> None:
        t = self.tile
        res = self.results[lv]
        assert row0 % t == 0, (lv, row0)
        for r in range(row0 // t, math.ceil((row0 + strip.shape[0]) / t)):
            for c in range(math.ceil(res.width / t)):
                ref = strip[r * t - row0:(r + 1) * t - row0, c * t:(c + 1) * t].astype(np.float64)
                ref8 = round8(ref)
                res.errors["rounded"].add(ref8, ref)
                res.errors["single"].add(jpeg_roundtrip(ref8, self.quality), ref)
                if self.turbo:
                    res.errors["single-fast"].add(decode_bytes(self.turbo.encode_gray(ref8, self.quality)), ref)
                for name, dz in self.candidates.items():
                    got, was_blank = dz.read_tile(lv, c, r)
                    if got is None:
                        res.missing[name] += 1
                        got = np.zeros((0, 0), np.uint8)
                    elif was_blank:
                        res.blank[name] += 1
                    if got.shape != ref.shape:
                        if not (got.size == 0 and res.missing[name]):
                            res.bad_shape[name].append((c, r, got.shape, ref.shape))
                        fixed = np.zeros(ref.shape, np.uint8)
                        hh, ww = min(got.shape[0], ref.shape[0]), min(got.shape[1], ref.shape[1])
                        fixed[:hh, :ww] = got[:hh, :ww]
                        got = fixed
                    res.errors[name].add(got, ref)


def mosaic_band_source(grid, read_site, transform):
    """base_band for a well whose sites join without spacers: read_site(path) -> uint16,
    transform(uint16) -> float32 windowed values. Keeps the last site row decoded."""
    cache = {}

    def site_row(sy):
        if sy not in cache:
            cache.clear()
            cache[sy] = [read_site(p) for p in grid.paths[sy]]
        return cache[sy]

    first = read_site(grid.paths[0][0])
    sh, sw = first.shape

    def band(y0, y1):
        out = np.empty((y1 - y0, grid.cols * sw), np.float32)
        for sy in range(y0 // sh, (y1 - 1) // sh + 1):
            a, b = max(y0, sy * sh), min(y1, (sy + 1) * sh)
            for sx, site in enumerate(site_row(sy)):
                out[a - y0:b - y0, sx * sw:(sx + 1) * sw] = transform(site[a - sy * sh:b - sy * sh, :])
        return out

    return band, (grid.rows * sh, grid.cols * sw)
