"""The `vips dzsave` side of the benchmark: the sites of one well joined in grid order,
optionally illumination-corrected, windowed to 8 bit and written as DeepZoom.

dzsave runs in direct JPEG mode (libvips >= 8.15): quality is set with Q=, never with a
suffix, because setting a suffix turns direct mode off. Tiles are therefore named
`.jpeg` (dzsave's default suffix for the DeepZoom layout).

Prints one JSON line with the in-process timings.
"""
import argparse
import json
import sys
import time
from pathlib import Path

started = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyvips  # noqa: E402

from common.illumstats import load_illumstats  # noqa: E402
from common.manifest import read_well_grid  # noqa: E402
from common.pixelmath import Window, vips_corrector  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--manifest", required=True, type=Path)
    p.add_argument("--output", required=True, type=Path, help="basename: writes BASENAME.dzi and BASENAME_files/")
    p.add_argument("--lower", required=True, type=int)
    p.add_argument("--upper", required=True, type=int)
    p.add_argument("--quality", type=int, default=95)
    p.add_argument("--tile-size", type=int, default=256)
    p.add_argument("--illumstats", type=Path, help="statistics written by `illuminati pyramid --illumcorr`")
    args = p.parse_args()

    if (pyvips.version(0), pyvips.version(1)) < (8, 15):
        print(f"libvips {pyvips.version(0)}.{pyvips.version(1)} has no direct dzsave mode; need >= 8.15",
              file=sys.stderr)
        return 2

    imported = time.perf_counter()
    grid = read_well_grid(args.manifest)
    sites = [pyvips.Image.new_from_file(str(path), access="sequential") for path in grid.in_order()]
    if args.illumstats:
        correct = vips_corrector(load_illumstats(args.illumstats))
        sites = [correct(site) for site in sites]
    mosaic = pyvips.Image.arrayjoin(sites, across=grid.cols)
    window = Window(args.lower, args.upper)
    # b-w: a windowed grey16 image would otherwise keep its 16-bit interpretation.
    out = window.vips(mosaic).copy(interpretation="b-w")
    prepared = time.perf_counter()
    out.dzsave(str(args.output), layout="dz", tile_size=args.tile_size, overlap=0,
               depth="onepixel", Q=args.quality)
    done = time.perf_counter()
    print(json.dumps({
        "libvips": f"{pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}",
        "concurrency": pyvips.concurrency_get() if hasattr(pyvips, "concurrency_get") else None,
        "import_s": imported - started,
        "prepare_s": prepared - imported,
        "dzsave_s": done - prepared,
        "in_process_s": done - imported,
        "width": out.width, "height": out.height,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
