"""The PNG decode bound: seconds to decode every site of a manifest into memory, with N
worker processes taking one file at a time, and nothing else. Prints one JSON line."""
import argparse
import json
import sys
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.manifest import read_well_grid  # noqa: E402


def decode_vips(path):
    import pyvips
    im = pyvips.Image.new_from_file(path, access="sequential").copy_memory()
    return im.width * im.height


def decode_pillow(path):
    from PIL import Image
    with Image.open(path) as im:
        im.load()
        return im.width * im.height


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifest", required=True, type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--decoder", choices=["vips", "pillow"], default="vips")
    a = ap.parse_args()
    paths = [str(p) for p in read_well_grid(a.manifest).in_order()]
    fn = decode_vips if a.decoder == "vips" else decode_pillow
    with get_context("fork").Pool(a.workers) as pool:
        pool.map(abs, range(a.workers))  # start the workers before the clock
        started = time.perf_counter()
        pixels = sum(pool.map(fn, paths, chunksize=1))
        seconds = time.perf_counter() - started
    print(json.dumps({"decoder": a.decoder, "files": len(paths), "pixels": pixels, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
