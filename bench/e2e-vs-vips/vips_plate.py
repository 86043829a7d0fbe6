"""The `vips dzsave` side for a whole plate: every layer (channel) of an experiment as one
plate mosaic placed exactly like ours (site offsets from `illuminati experiment show --json`,
wells separated by spacers, empty space black), windowed to 8 bit and written as DeepZoom
in direct JPEG mode (Q=, no suffix). One dzsave per layer, one after the other, each with
VIPS_CONCURRENCY threads.

Prints one JSON line with the in-process timings.
"""
import argparse
import csv
import json
import sys
import time
from pathlib import Path

started = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyvips  # noqa: E402

from common.pixelmath import Window  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--geometry", required=True, type=Path, help="output of `illuminati experiment show NAME --json`")
    p.add_argument("--windows", required=True, help='JSON {"layer": [lower, upper], ...}')
    p.add_argument("--output", required=True, type=Path, help="folder: writes LAYER.dzi and LAYER_files/ per layer")
    p.add_argument("--quality", type=int, default=95)
    p.add_argument("--tile-size", type=int, default=256)
    args = p.parse_args()

    imported = time.perf_counter()
    geometry = json.loads(args.geometry.read_text())
    windows = json.loads(args.windows)
    manifest = Path(geometry["manifest"])
    files = {}
    with open(manifest, newline="") as f:
        for r in csv.DictReader(f):
            key = (r["plate"], r["well"], int(r["site_y"]), int(r["site_x"]), r["channel"], int(r["cycle"]),
                   int(r["tpoint"]), int(r["zplane"]))
            path = Path(r["path"])
            files[key] = path if path.is_absolute() else manifest.parent / path
    width, height = geometry["pyramid"]["width"], geometry["pyramid"]["height"]
    sh, sw = geometry["site_size"]
    args.output.mkdir(parents=True, exist_ok=True)
    per_layer = {}
    for layer in geometry["layers"]:
        name = layer["name"]
        t0 = time.perf_counter()
        canvas = pyvips.Image.black(width, height).cast("ushort")
        for plate in geometry["plates"]:
            for well in plate["wells"]:
                sites = sorted(well["sites"], key=lambda s: (s["offset"][0], s["offset"][1]))
                images = [pyvips.Image.new_from_file(str(files[(plate["name"], well["name"], s["y"], s["x"],
                                                                 layer["channel"], layer["cycle"], layer["tpoint"],
                                                                 layer["zplane"])]), access="sequential")
                          for s in sites]
                rows = 1 + max(s["y"] for s in sites)
                cols = 1 + max(s["x"] for s in sites)
                # Site offsets are positions in the whole mosaic (not relative to the well).
                oy0, ox0 = sites[0]["offset"]
                if len(sites) == rows * cols and all(s["offset"] == [oy0 + s["y"] * sh, ox0 + s["x"] * sw]
                                                     for s in sites):
                    # A complete grid without gaps: one arrayjoin, then one insert per well.
                    canvas = canvas.insert(pyvips.Image.arrayjoin(images, across=cols), ox0, oy0)
                else:
                    for s, img in zip(sites, images):
                        oy, ox = s["offset"]
                        canvas = canvas.insert(img, ox, oy)
        lower, upper = windows[name]
        out = Window(lower, upper).vips(canvas).copy(interpretation="b-w")
        out.dzsave(str(args.output / name), layout="dz", tile_size=args.tile_size, overlap=0,
                   depth="onepixel", Q=args.quality)
        per_layer[name] = time.perf_counter() - t0
    done = time.perf_counter()
    print(json.dumps({
        "libvips": f"{pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}",
        "import_s": imported - started, "in_process_s": done - imported, "per_layer_s": per_layer,
        "width": width, "height": height, "site": [sh, sw],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
