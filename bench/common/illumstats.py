"""Illumination statistics files: loading what the renderer wrote, and computing the same
statistics in numpy (used when no renderer output is at hand)."""
import json
from pathlib import Path

import numpy as np

from .pixelmath import IllumStats


def load_illumstats(path: Path) -> IllumStats:
    """Accepts the renderer's `.illumstats` file (a JSON header line, then `mean` and `m2`
    as little-endian float64 arrays, documented in IlluminationStatisticsFile.swift), a .npz
    with arrays `mean`, `std` (and optionally `count`), or a folder holding exactly one of
    these."""
    path = Path(path)
    if path.is_dir():
        own = sorted(path.rglob("*.illumstats"))
        if len(own) == 1:
            return load_illumstats(own[0])
        npz = sorted(path.glob("*.npz"))
        if len(npz) == 1:
            path = npz[0]
        elif (path / "mean.npy").exists() and (path / "std.npy").exists():
            return IllumStats(mean=np.load(path / "mean.npy").astype(np.float64),
                              std=np.load(path / "std.npy").astype(np.float64),
                              count=_count_file(path), source=path)
        else:
            raise FileNotFoundError(f"{path}: no single .npz nor mean.npy/std.npy")
    if path.suffix == ".illumstats":
        return _read_illuminati(path)
    with np.load(path) as z:
        count = int(z["count"]) if "count" in z else int(z["n"]) if "n" in z else -1
        return IllumStats(mean=z["mean"].astype(np.float64), std=z["std"].astype(np.float64),
                          count=count, source=path)


def _count_file(folder: Path) -> int:
    for name in ("count.npy", "n.npy"):
        if (folder / name).exists():
            return int(np.load(folder / name))
    return -1


def compute_illumstats(paths, read) -> IllumStats:
    """Mean and sample std of log10 intensities (zeros counted as 1) over the images."""
    total = None
    total_sq = None
    for p in paths:
        l = np.log10(np.maximum(read(p).astype(np.float64), 1.0))
        if total is None:
            total = np.zeros_like(l)
            total_sq = np.zeros_like(l)
        total += l
        total_sq += l * l
    n = len(paths)
    mean = total / n
    var = np.maximum(total_sq - n * mean * mean, 0.0) / max(n - 1, 1)
    return IllumStats(mean=mean, std=np.sqrt(var), count=n, source=Path("<computed>"))


def save_npz(stats: IllumStats, path: Path) -> None:
    np.savez(path, mean=stats.mean, std=stats.std, count=np.int64(stats.count))


def _read_illuminati(path: Path) -> IllumStats:
    with open(path, "rb") as f:
        header = json.loads(f.readline())
        if header.get("format") != "illuminati-illumination-statistics" or header.get("version") != 1:
            raise ValueError(f"{path}: unsupported statistics file {header}")
        h, w, n = header["height"], header["width"], header["count"]
        mean, m2 = np.fromfile(f, "<f8").reshape(2, h, w)
    std = np.sqrt(m2 / (n - 1)) if n >= 2 else np.zeros_like(m2)
    return IllumStats(mean=mean, std=std, count=n, source=path)
