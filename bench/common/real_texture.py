"""A dataset of real microscopy texture: one well of 2048x2048 16-bit sites made from a real
fluorescence image that a registry package ships inside itself, so nothing is downloaded
when the dataset is made.

The image: `stardist/data/images/img2d.tif` of the PyPI package stardist (0.9.2, BSD-3-Clause),
512x512, stained nuclei from the 2018 Data Science Bowl (see bench/e2e-vs-vips/README.md).
The package is installed into the running (bench) Python with --no-deps: only its data is read.

Each site is a crop of the image mirrored into a seamless plane, at a random offset and in a
random one of its 8 orientations, scaled to camera counts (offset 100, a per-site brightness
of 0.9-1.1), darkened towards the corners (vignetting: 70 % of the centre's signal in the
corners), with shot noise (Poisson, 2 counts per photo-electron) and read noise (Gaussian,
sigma 2.5 counts). Deterministic for a seed. Written as `illuminati sample` writes its
datasets: `manifest.csv` and uncompressed 16-bit TIFFs below `images/`.
"""
import argparse
import csv
import hashlib
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyvips

PACKAGE = "stardist"
PINNED = "stardist==0.9.2"
IMAGE = Path("data") / "images" / "img2d.tif"

OFFSET = 100          # camera counts of a dark pixel
GAIN = 16.0           # counts per grey value of the source image (0..235 -> ~100..3900)
COUNTS_PER_ELECTRON = 2.0
READ_NOISE = 2.5
CORNER_SIGNAL = 0.7   # vignetting: signal in a corner relative to the centre


def source_image() -> Path:
    """The image inside the installed package, installing the package (no dependencies) when
    it is missing."""
    spec = importlib.util.find_spec(PACKAGE)  # a top-level package is found, not imported
    if spec is None:
        print(f"installing {PINNED} (its data only is used)", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", PINNED], check=True)
        importlib.invalidate_caches()
        spec = importlib.util.find_spec(PACKAGE)
    path = Path(list(spec.submodule_search_locations)[0]) / IMAGE
    if not path.exists():
        raise SystemExit(f"{path} is missing: the installed {PACKAGE} does not ship the sample image")
    return path


def _read_gray(path: Path) -> np.ndarray:
    image = pyvips.Image.new_from_file(str(path))
    if image.bands != 1:
        raise SystemExit(f"{path}: expected one band, found {image.bands}")
    dtype = {"uchar": np.uint8, "ushort": np.uint16}[image.format]
    return np.ndarray(buffer=image.write_to_memory(), dtype=dtype, shape=(image.height, image.width))


def _mirrored_plane(image: np.ndarray, reach: int) -> np.ndarray:
    """The image and its mirror images side by side (a seamless period of twice its size),
    repeated to cover `reach` pixels from any offset inside the first period."""
    period = np.block([[image, image[:, ::-1]], [image[::-1, :], image[::-1, ::-1]]]).astype(np.float32)
    repeats = [-(-(reach + n) // n) for n in period.shape]
    return np.tile(period, repeats)


def _vignetting(size: int) -> np.ndarray:
    axis = (np.arange(size, dtype=np.float32) + 0.5) / size * 2 - 1  # -1..1
    r2 = axis[:, None] ** 2 + axis[None, :] ** 2                   # 0 centre .. 2 corner
    return 1 - (1 - CORNER_SIGNAL) * r2 / 2


def make_site(plane: np.ndarray, period: tuple[int, int], vignette: np.ndarray, rng) -> np.ndarray:
    size = vignette.shape[0]
    oy, ox = (int(rng.integers(0, n)) for n in period)
    texture = plane[oy:oy + size, ox:ox + size]
    orientation = int(rng.integers(0, 8))
    texture = np.rot90(texture, orientation % 4)
    if orientation >= 4:
        texture = texture[:, ::-1]
    signal = texture * (GAIN * rng.uniform(0.9, 1.1)) * vignette
    electrons = rng.poisson(signal / COUNTS_PER_ELECTRON)
    counts = OFFSET + electrons * COUNTS_PER_ELECTRON + rng.normal(0, READ_NOISE, signal.shape)
    return np.clip(np.rint(counts), 0, 65535).astype(np.uint16)


def write_dataset(folder: Path, rows: int = 10, cols: int = 10, size: int = 2048, seed: int = 42,
                  channel: str = "DAPI") -> Path:
    """Writes `folder/manifest.csv` and one TIFF per site of well A01 of plate01; returns the
    manifest. A `.complete` stamp marks a finished dataset, which is then reused."""
    manifest = folder / "manifest.csv"
    stamp = folder / ".complete"
    if stamp.exists():
        return manifest
    source = source_image()
    image = _read_gray(source)
    plane = _mirrored_plane(image, size)
    period = (2 * image.shape[0], 2 * image.shape[1])
    vignette = _vignetting(size)
    images = folder / "images" / "plate01" / "A01"
    images.mkdir(parents=True, exist_ok=True)
    print(f"generating {rows * cols} real-texture sites of {size}x{size} from {source} into {folder}", flush=True)
    records = []
    for index in range(rows * cols):
        y, x = divmod(index, cols)
        pixels = make_site(plane, period, vignette, np.random.default_rng([seed, index]))
        name = f"plate01_A01_s{index:02d}_{channel}_c00_t00_z00.tif"
        pyvips.Image.new_from_memory(np.ascontiguousarray(pixels).data, size, size, 1, "ushort") \
            .tiffsave(str(images / name), compression="none")
        records.append([f"images/plate01/A01/{name}", "plate01", "A01", y, x, channel, 0, 0, 0, 0, 0])
    with open(manifest, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["path", "plate", "well", "site_y", "site_x", "channel", "cycle", "tpoint", "zplane",
                         "shift_y", "shift_x"])
        writer.writerows(records)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    stamp.write_text(f"{PINNED} {IMAGE} sha256 {digest}; {rows}x{cols} sites {size}x{size} seed {seed}\n")
    return manifest


def main() -> int:
    p = argparse.ArgumentParser(description="Writes the real-texture dataset (see the module's docstring).")
    p.add_argument("folder", type=Path)
    p.add_argument("--sites", default="10x10", help="ROWSxCOLS")
    p.add_argument("--size", type=int, default=2048)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    rows, cols = (int(n) for n in a.sites.split("x"))
    print(write_dataset(a.folder, rows=rows, cols=cols, size=a.size, seed=a.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
