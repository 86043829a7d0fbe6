#!/usr/bin/env python3
"""Metadata operations of one build of a whole plate, before (a file per tile) and after
(tile shards), from the planner's own plan: no pixel is rendered.

1. One site image (`illuminati sample`, SIZE x SIZE, 16-bit) and a manifest of WELLS wells x
   SITES sites x CHANNELS channels whose files are all links to it: the plan depends on the
   geometry only.
2. `illuminati experiment create` and `init` (no clip options: the window is the full 16-bit
   range, decided without reading pixels) against a private PostgreSQL: the jobs a build runs.
3. From `experiment show --json` (every site's offset) the tiles of each level that a site
   touches, i.e. the tiles a build writes (black tiles are not written; real sites have no
   black tile), and from the jobs the pyramid jobs and the intermediates they hand on.
4. The operations on the storage per build: files created, renames, removals, folders made,
   syncs, and the entries of the largest folder, for both layouts.

--verify also builds a small plate both ways with `illuminati pyramid` (`--format dzi` is the
file-per-tile layout that builds wrote before shards) under strace and prints the counted
operations next to the computed ones.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common.venv import ensure_venv  # noqa: E402

ensure_venv(HERE / "requirements.txt")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from common import metadata_census as census  # noqa: E402
from common.deepzoom import level_count  # noqa: E402
from common.distributed import Illuminati  # noqa: E402
from common.pgcluster import PgCluster  # noqa: E402
from common.swiftbin import release_bin_dir  # noqa: E402
from common.venv import REPO_ROOT  # noqa: E402

TILE = 256
CHANNELS = ["DAPI", "GFP", "RFP", "Cy5", "BF", "FarRed"]
# For `pyramid` in --verify: a window in which no tile of the sample images is black.
WINDOW = ["--clip-lower", "0", "--clip-value", "3000"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wells", type=int, default=384)
    p.add_argument("--sites", default="3x3")
    p.add_argument("--channels", type=int, default=4)
    p.add_argument("--size", type=int, default=2048, help="site side in pixels")
    p.add_argument("--batch-size", type=int, help="init's --batch-size (default: init's)")
    p.add_argument("--verify", action="store_true",
                   help="also count the operations of real builds of a small plate (24 wells x 3x3 x 2 of 256^2)")
    p.add_argument("--bin", help="folder with the release illuminati (default: swift build -c release --show-bin-path)")
    p.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / "plate-metadata-ops")
    p.add_argument("--port", type=int, default=55473)
    return p.parse_args()


def well_names(count: int) -> list[str]:
    if not 1 <= count <= 384:
        raise SystemExit("--wells: 1 to 384")
    return [f"{chr(ord('A') + i // 24)}{i % 24 + 1:02d}" for i in range(count)]


def write_plate(exe: Path, folder: Path, wells: int, sites: str, channels: int, size: int) -> Path:
    """A manifest of links to one sampled site image."""
    shutil.rmtree(folder, ignore_errors=True)
    site = folder / "site"
    subprocess.run([str(exe), "sample", str(site), "--plates", "1", "--wells", "A01", "--sites", "1x1",
                    "--size", f"{size}x{size}", "--channels", "1", "--bit-depth", "16", "--seed", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    with open(site / "manifest.csv", newline="") as f:
        image = (site / next(csv.DictReader(f))["path"]).resolve()
    links = folder / "images"
    links.mkdir()
    rows, cols = (int(n) for n in sites.split("x"))
    manifest = folder / "manifest.csv"
    with open(manifest, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "plate", "well", "site_y", "site_x", "channel"])
        for well in well_names(wells):
            for y in range(rows):
                for x in range(cols):
                    for channel in CHANNELS[:channels]:
                        name = f"{well}_s{y}{x}_{channel}.tif"
                        os.symlink(image, links / name)
                        w.writerow([f"images/{name}", "plate01", well, y, x, channel])
    return manifest


@dataclass
class LayerPlan:
    """One layer's numbers, from the plan and the geometry."""
    name: str
    mosaic: str                 # width x height
    levels: int
    tiles: int                  # tiles a build writes, all levels
    base_tiles: int             # of the finest level: the largest folder before
    pyramid_jobs: int
    intermediates: int          # pyramid jobs that hand a tile to the next stage
    intermediate_levels: int    # levels those tiles are on (a folder each)
    other_jobs: int             # layer-finish


def tiles_touched(geometry: dict) -> tuple[int, list[int]]:
    """(levels, tiles per level from the finest) that some site touches."""
    width, height = geometry["pyramid"]["width"], geometry["pyramid"]["height"]
    levels = level_count(width, height)
    sh, sw = geometry["site_size"]
    sites = [tuple(s["offset"]) for plate in geometry["plates"] for well in plate["wells"] for s in well["sites"]]
    per_level = []
    for k in range(levels):  # k: halvings below the finest level
        span = TILE << k
        touched = set()
        for y, x in sites:
            for r in range(y // span, (y + sh - 1) // span + 1):
                for c in range(x // span, (x + sw - 1) // span + 1):
                    touched.add((r, c))
        per_level.append(len(touched))
    return levels, per_level


def plan_layers(il: Illuminati, cluster: PgCluster, name: str) -> list[LayerPlan]:
    show = il.run(["experiment", "show", name, "--json"])
    geometry = json.loads(show.output[show.output.index("{"):])
    levels, per_level = tiles_touched(geometry)
    rows = cluster.psql(
        "SELECT j.layer, j.kind, count(*), "
        "count(*) FILTER (WHERE j.payload::text ~ '\"writesIntermediate\" *: *true'), "
        "count(DISTINCT j.stage) FILTER (WHERE j.payload::text ~ '\"writesIntermediate\" *: *true') "
        "FROM jobs j JOIN builds b ON b.id = j.build_id JOIN experiments e ON e.id = b.experiment_id "
        f"WHERE e.name = '{name}' GROUP BY j.layer, j.kind ORDER BY 1, 2")
    plans: dict[str, LayerPlan] = {}
    for line in rows.splitlines():
        layer, kind, count, intermediate, stages = line.split("|")
        mosaic = f"{geometry['pyramid']['width']}x{geometry['pyramid']['height']}"
        plan = plans.setdefault(layer, LayerPlan(layer, mosaic, levels, sum(per_level), per_level[0], 0, 0, 0, 0))
        if kind == "pyramid":
            plan.pyramid_jobs += int(count)
            plan.intermediates += int(intermediate)
            plan.intermediate_levels += int(stages)
        else:
            plan.other_jobs += int(count)
    return list(plans.values())


def operations(p: LayerPlan) -> dict:
    """Per layer, both layouts. Every file is written under a temporary name and renamed once;
    a layer's finish writes .dzi, descriptor and blank tile and removes the intermediates.
    Folders: NAME_files/ and one per level (before) or NAME_shards/ (after), and
    NAME_intermediate/ with one per level of intermediates (both)."""
    documents = 3
    folders_intermediate = 1 + p.intermediate_levels
    before_files = p.tiles + p.intermediates + documents
    after_files = p.pyramid_jobs + p.intermediates + documents
    return {
        "before": {"creates": before_files, "renames": before_files, "unlinks": p.intermediates,
                   "mkdirs": 1 + p.levels + folders_intermediate, "syncs": 0,
                   "entries": p.tiles + p.levels + 1, "largest_folder": p.base_tiles},
        "after": {"creates": after_files, "renames": after_files, "unlinks": p.intermediates,
                  "mkdirs": 1 + folders_intermediate, "syncs": 0,
                  "entries": p.pyramid_jobs + 1, "largest_folder": p.pyramid_jobs + 1},
    }


def total(plans: list[LayerPlan], layout: str) -> dict:
    out = {}
    for p in plans:
        for k, v in operations(p)[layout].items():
            out[k] = max(out.get(k, 0), v) if k == "largest_folder" else out.get(k, 0) + v
    return out


def plan_plate(exe: Path, il: Illuminati, cluster: PgCluster, work: Path, name: str, wells: int, sites: str,
               channels: int, size: int, batch: list[str]) -> list[LayerPlan]:
    manifest = write_plate(exe, work / name, wells, sites, channels, size)
    il.create(name, manifest)
    il.init(name, batch)
    return plan_layers(il, cluster, name)


def print_plan(plans: list[LayerPlan], title: str) -> None:
    p = plans[0]
    print(f"\n## {title}\n")
    print(f"per layer: a {p.mosaic} mosaic, {p.levels} levels, T = {p.tiles} tiles written ({p.base_tiles} at the finest level), "
          f"J = {p.pyramid_jobs} pyramid jobs, I = {p.intermediates} intermediates on {p.intermediate_levels} "
          f"level(s), {p.other_jobs} layer-finish job; {len(plans)} layers"
          + ("" if all((q.tiles, q.pyramid_jobs, q.intermediates) == (p.tiles, p.pyramid_jobs, p.intermediates)
                       for q in plans) else " (layers differ: totals below are sums)"))
    before, after = total(plans, "before"), total(plans, "after")
    print("\n| per build | before: a file per tile | after: a shard per job | before / after |")
    print("|---|---|---|---|")
    labels = {"creates": "files created (open O_CREAT)", "renames": "renames", "unlinks": "files removed",
              "mkdirs": "folders made", "syncs": "fsync / fdatasync", "entries": "directory entries left",
              "largest_folder": "entries of the largest folder"}
    for key, label in labels.items():
        ratio = f"{before[key] / after[key]:.0f}x" if after[key] else "-"
        print(f"| {label} | {before[key]:,} | {after[key]:,} | {ratio} |")


def verify(exe: Path, il: Illuminati, cluster: PgCluster, work: Path, batch: list[str]) -> None:
    """Small plate: computed operations next to strace's count of `illuminati pyramid` in
    both layouts (with one batch size for both: `pyramid` and `init` default to different ones)."""
    name = "verify"
    batch = batch or ["--batch-size", "64"]
    plans = plan_plate(exe, il, cluster, work, name, 24, "3x3", 2, 256, batch)
    print_plan(plans, "verify: 24 wells x 3x3 sites x 2 channels of 256x256, computed")
    manifest = work / name / "manifest.csv"
    print("\n| layout | | created | renamed | removed | mkdir | fsync |")
    print("|---|---|---|---|---|---|---|")
    for layout, fmt in (("before", "dzi"), ("after", "shards")):
        out = work / f"{name}-{fmt}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        prefix = work / f"strace-{fmt}" / "pyramid"
        shutil.rmtree(prefix.parent, ignore_errors=True)
        prefix.parent.mkdir()
        subprocess.run([*census.strace_wrapper(prefix), str(exe), "pyramid", "--manifest", str(manifest),
                        "--output", str(out), "--format", fmt, *WINDOW, *batch], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ops = census.count_all([prefix], below=out)
        computed = total(plans, layout)
        print(f"| {layout} (`--format {fmt}`) | computed | {computed['creates']} | {computed['renames']} | "
              f"{computed['unlinks']} | {computed['mkdirs']} | {computed['syncs']} |")
        print(f"| | counted (strace) | {ops.creates} | {ops.renames} | {ops.unlinks} | {ops.mkdirs} | {ops.syncs} |")


def main() -> int:
    args = parse_args()
    exe = release_bin_dir(args.bin).resolve() / "illuminati"
    work = args.out
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    batch = ["--batch-size", str(args.batch_size)] if args.batch_size else []
    cluster = PgCluster(Path(f"/var/tmp/illuminati-plate-ops-pg-{args.port}"), port=args.port).create()
    try:
        il = Illuminati(exe.parent, cluster, work / "storage", work / "logs")
        plans = plan_plate(exe, il, cluster, work, "plate", args.wells, args.sites, args.channels, args.size, batch)
        print_plan(plans, f"{args.wells} wells x {args.sites} sites x {args.channels} channels of "
                          f"{args.size}x{args.size}")
        if args.verify:
            verify(exe, il, cluster, work, batch)
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
