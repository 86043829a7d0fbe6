#!/usr/bin/env python3
"""`illuminati pyramid` against `vips dzsave` (libvips >= 8.15, direct JPEG mode) on the
same synthetic well: same window, quality, tile size and thread count.

Cases: plain 16-bit TIFF sites; with illumination correction; 16-bit PNG sites. Also the
one- vs two-thread scaling of ours, the PNG decode bound, and the generation loss of our
tiles against an exact float reference. See README.md beside this file.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common.venv import ensure_venv  # noqa: E402

ensure_venv(HERE / "requirements.txt")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402

import numpy as np  # noqa: E402
import pyvips  # noqa: E402

from common.deepzoom import DeepZoom, level_count  # noqa: E402
from common.illumstats import load_illumstats  # noqa: E402
from common.manifest import read_well_grid  # noqa: E402
from common.measure import Measurement, fmt_mrange, median_range, run_measured, settle  # noqa: E402
from common.pixelmath import Window  # noqa: E402
from common.reference import PyramidComparison, mosaic_band_source  # noqa: E402
from common.swiftbin import has_subcommand, illuminati_binary  # noqa: E402
from common.venv import REPO_ROOT  # noqa: E402

VIPS_SCRIPT = HERE / "vips_pyramid.py"
DECODE_SCRIPT = HERE / "decode_bound.py"


# ---------------------------------------------------------------- options and environment

def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="3x3 sites of 1024x1024, 1 run (smoke check, < 1 min)")
    p.add_argument("--runs", type=int, help="alternating timed runs per case (default 5, quick 1)")
    p.add_argument("--sites", help="site grid RxC (default 10x10, quick 3x3)")
    p.add_argument("--size", help="site size HxW (default 2048x2048, quick 1024x1024)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--quality", type=int, default=95)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--cases", default="plain,illumcorr,png", help="comma list of plain, illumcorr, png")
    p.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / "pyramid-vs-vips",
                   help="datasets, logs and results.json")
    p.add_argument("--scratch", type=Path,
                   help="where pyramids are written (default: /dev/shm/illuminati-bench, else OUT/pyramids)")
    p.add_argument("--keep", action="store_true", help="keep every pyramid written (default: only the first of each)")
    p.add_argument("--bin", help="folder holding the release `illuminati` (default: swift build --show-bin-path)")
    p.add_argument("--build", action="store_true", help="run `swift build -c release` first")
    p.add_argument("--no-quality", action="store_true", help="skip the float-reference PSNR pass")
    p.add_argument("--no-scaling", action="store_true", help="skip the one-thread runs")
    p.add_argument("--vips-only", action="store_true", help="run only the vips side (no renderer needed)")
    a = p.parse_args()
    a.runs = a.runs or (1 if a.quick else 5)
    a.sites = a.sites or ("3x3" if a.quick else "10x10")
    a.size = a.size or ("1024x1024" if a.quick else "2048x2048")
    a.cases = [c.strip() for c in a.cases.split(",") if c.strip()]
    for c in a.cases:
        if c not in ("plain", "illumcorr", "png"):
            p.error(f"unknown case {c}")
    if a.scratch is None:
        shm = Path("/dev/shm")
        a.scratch = (shm / "illuminati-bench") if shm.is_dir() and os.access(shm, os.W_OK) else a.out / "pyramids"
    return a


def machine_info(scratch: Path) -> dict:
    info = {"python": platform.python_version(), "kernel": platform.release(), "cpus": os.cpu_count(),
            "loadavg_start": os.getloadavg(),
            "libvips": f"{pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"}
    try:
        model = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
        info["cpu"] = model[0] if model else "?"
    except OSError:
        info["cpu"] = "?"
    try:
        info["scratch_fs"] = subprocess.run(["df", "-T", str(scratch)], capture_output=True, text=True).stdout \
            .splitlines()[-1].split()[1]
    except (IndexError, OSError):
        info["scratch_fs"] = "?"
    try:
        info["git"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                                     text=True).stdout.strip() + (
            "+dirty" if subprocess.run(["git", "status", "--porcelain", "--", "Sources"], cwd=REPO_ROOT,
                                       capture_output=True, text=True).stdout.strip() else "")
    except OSError:
        info["git"] = "?"
    return info


# ---------------------------------------------------------------- datasets

def pair(text: str) -> tuple[int, int]:
    a, b = text.lower().split("x")
    return int(a), int(b)


def dataset(exe: Path, out: Path, fmt: str, sites: str, size: str, seed: int) -> Path:
    """Generates (once) one well of synthetic 16-bit sites with `illuminati sample`."""
    folder = out / "data" / f"{fmt}-{sites}-{size}-seed{seed}"
    stamp = folder / ".complete"
    if stamp.exists():
        return folder / "manifest.csv"
    if exe is None:
        raise SystemExit(f"{folder} missing and no illuminati binary to generate it")
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(exe), "sample", str(folder), "--plates", "1", "--wells", "A01", "--sites", sites, "--size", size,
           "--channels", "1", "--format", fmt, "--bit-depth", "16", "--seed", str(seed)]
    print("generating:", " ".join(cmd), flush=True)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    stamp.write_text(" ".join(cmd) + "\n")
    return folder / "manifest.csv"


def read_site(path: Path) -> np.ndarray:
    im = pyvips.Image.new_from_file(str(path))
    if im.bands != 1 or im.format != "ushort":
        raise ValueError(f"{path}: expected one 16-bit band, got {im.bands} x {im.format}")
    return im.numpy()


def choose_window(manifest: Path) -> Window:
    """[L, U] = 0.001st and 99.9th percentiles of every 8th pixel of every site (cached)."""
    cached = manifest.parent / "window.json"
    if cached.exists():
        w = json.loads(cached.read_text())
        return Window(w["lower"], w["upper"])
    grid = read_well_grid(manifest)
    sample = np.concatenate([read_site(p)[::8, ::8].ravel() for p in grid.in_order()])
    lower, upper = (int(v) for v in np.percentile(sample, [0.001, 99.9]))
    upper = max(upper, lower + 255)
    cached.write_text(json.dumps({"lower": lower, "upper": upper}))
    return Window(lower, upper)


# ---------------------------------------------------------------- the two tools

@dataclass
class Run:
    tool: str
    case: str
    m: Measurement
    output: Path
    vips_in_process_s: float | None = None

    @property
    def time_s(self) -> float:
        """The time used for ratios: vips' in-process time (excludes Python start-up and
        imports, so it favours vips slightly); our whole process."""
        return self.vips_in_process_s if self.vips_in_process_s is not None else self.m.wall_s


class Tools:
    def __init__(self, args, exe, window: Window, scratch: Path, logs: Path):
        self.args, self.exe, self.window, self.scratch, self.logs = args, exe, window, scratch, logs
        self.counter = 0
        self.vips_python = sys.executable

    def fresh(self, label: str) -> Path:
        self.counter += 1
        d = self.scratch / f"{self.counter:03d}-{label}"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        return d

    def _log(self, label: str, m: Measurement, cmd) -> None:
        with open(self.logs / "commands.log", "a") as f:
            f.write(f"== {label} rc={m.returncode} wall={m.wall_s:.3f}s user={m.user_s:.2f}s sys={m.sys_s:.2f}s "
                    f"rss={m.max_rss_mb:.0f}MB load={os.getloadavg()[0]:.2f}\n$ {' '.join(map(str, cmd))}\n"
                    f"{m.output[-4000:]}\n")

    def ours(self, case: str, manifest: Path, threads: int, extra=()) -> Run:
        out = self.fresh(f"ours-{case}-t{threads}")
        cmd = [str(self.exe), "pyramid", "--manifest", str(manifest), "--output", str(out),
               "--quality", str(self.args.quality), "--threads", str(threads),
               "--clip-lower", str(self.window.lower), "--clip-value", str(self.window.upper), *extra]
        m = run_measured(cmd)
        self._log(f"ours {case} t{threads}", m, cmd)
        return Run("ours", case, m, out)

    def vips(self, case: str, manifest: Path, threads: int, name: str, illumstats: Path | None = None) -> Run:
        out = self.fresh(f"vips-{case}-t{threads}")
        cmd = [self.vips_python, str(VIPS_SCRIPT), "--manifest", str(manifest), "--output", str(out / name),
               "--lower", str(self.window.lower), "--upper", str(self.window.upper),
               "--quality", str(self.args.quality), "--tile-size", "256"]
        if illumstats:
            cmd += ["--illumstats", str(illumstats)]
        env = dict(os.environ, VIPS_CONCURRENCY=str(threads))
        m = run_measured(cmd, env=env)
        self._log(f"vips {case} t{threads}", m, cmd)
        info = json.loads(m.output.strip().splitlines()[-1])
        m.extra = info
        return Run("vips", case, m, out, vips_in_process_s=info["in_process_s"])

    def discard(self, run: Run) -> None:
        if not self.args.keep:
            shutil.rmtree(run.output, ignore_errors=True)


def dzi_in(folder: Path) -> Path:
    found = sorted(folder.glob("*.dzi"))
    if len(found) != 1:
        raise SystemExit(f"{folder}: expected one .dzi, found {[f.name for f in found]}")
    return found[0]


def blank_tile_of(folder: Path, dz_files: Path) -> Path | None:
    """The shared blank tile our renderer writes instead of blank tiles."""
    for base in (folder, dz_files):
        for name in ("blank.jpg", "blank.jpeg", "blank-tile.jpg", "empty.jpg"):
            if (base / name).exists():
                return base / name
    return None


# ---------------------------------------------------------------- cases

@dataclass
class CaseResult:
    case: str
    ours: list = field(default_factory=list)      # list[Run]
    vips: list = field(default_factory=list)
    first_ours: Run | None = None
    first_vips: Run | None = None

    def ratio(self) -> float:
        return median_range([r.time_s for r in self.vips])[0] / median_range([r.time_s for r in self.ours])[0]


def run_case(tools: Tools, case: str, runs: int, ours_cmd, vips_cmd, vips_only: bool) -> CaseResult:
    """One warm-up pair (kept for the quality checks), then `runs` alternating pairs."""
    res = CaseResult(case)
    print(f"[{case}] warm-up", flush=True)
    if not vips_only:
        res.first_ours = ours_cmd()
        settle()
    res.first_vips = vips_cmd()
    settle()
    for i in range(runs):
        if not vips_only:
            r = ours_cmd()
            res.ours.append(r)
            tools.discard(r)
            settle()
        r = vips_cmd()
        res.vips.append(r)
        tools.discard(r)
        settle()
        line = f"[{case}] run {i + 1}/{runs}:"
        if not vips_only:
            line += f" ours {res.ours[-1].time_s:.2f}s ({res.ours[-1].m.max_rss_mb:.0f} MB)"
        line += f" vips {res.vips[-1].time_s:.2f}s (process {res.vips[-1].m.wall_s:.2f}s, " \
                f"{res.vips[-1].m.max_rss_mb:.0f} MB)  load {os.getloadavg()[0]:.2f}"
        print(line, flush=True)
    return res


def png_decode_bound(manifest: Path, threads: int, runs: int, logs: Path) -> dict:
    """Seconds to only decode every PNG site with `threads` worker processes, per decoder."""
    out = {}
    for decoder in ("vips", "pillow"):
        times = []
        for _ in range(runs):
            cmd = [sys.executable, str(DECODE_SCRIPT), "--manifest", str(manifest), "--workers", str(threads),
                   "--decoder", decoder]
            m = run_measured(cmd, env=dict(os.environ, VIPS_CONCURRENCY="1"))
            times.append(json.loads(m.output.strip().splitlines()[-1])["seconds"])
            settle(0.5)
        out[decoder] = times
    return out


# ---------------------------------------------------------------- checks

def compare_outputs(ours_dir: Path, vips_dir: Path) -> tuple[dict, list[str]]:
    """Geometry, level count and tile count of the two pyramids; returns (facts, problems)."""
    problems = []
    ours_dzi, vips_dzi = dzi_in(ours_dir), dzi_in(vips_dir)
    o, v = DeepZoom.open(ours_dzi), DeepZoom.open(vips_dzi)
    o.blank_tile = blank_tile_of(ours_dir, o.files_dir)
    for attr in ("width", "height", "tile_size", "overlap"):
        if getattr(o, attr) != getattr(v, attr):
            problems.append(f".dzi {attr}: ours {getattr(o, attr)} vs vips {getattr(v, attr)}")
    ot, vt = o.written_tiles(), v.written_tiles()
    expected_levels = level_count(v.width, v.height)
    if sorted(ot) != list(range(expected_levels)):
        problems.append(f"ours levels {sorted(ot)[:3]}...{sorted(ot)[-3:]} ({len(ot)}), expected 0..{expected_levels - 1}")
    if sorted(vt) != list(range(expected_levels)):
        problems.append(f"vips levels {len(vt)}, expected {expected_levels}")
    per_level = []
    for lv in range(expected_levels):
        rows, cols = v.tile_grid(lv)
        full = {(c, r) for r in range(rows) for c in range(cols)}
        extra_o = ot.get(lv, set()) - full
        missing_o = full - ot.get(lv, set())
        missing_v = full - vt.get(lv, set())
        if extra_o:
            problems.append(f"level {lv}: ours wrote {len(extra_o)} tiles outside the {cols}x{rows} grid, "
                            f"e.g. {sorted(extra_o)[:3]}")
        if missing_o and o.blank_tile is None:
            problems.append(f"level {lv}: ours lacks {len(missing_o)} tiles and no shared blank tile was found")
        if missing_v:
            problems.append(f"level {lv}: vips lacks {len(missing_v)} tiles")
        per_level.append({"level": lv, "grid": f"{cols}x{rows}", "expected": len(full),
                          "ours_written": len(ot.get(lv, set())), "vips_written": len(vt.get(lv, set()))})
    facts = {"ours_dzi": str(ours_dzi), "vips_dzi": str(vips_dzi), "width": v.width, "height": v.height,
             "levels": expected_levels, "ours_blank_tile": str(o.blank_tile) if o.blank_tile else None,
             "tiles_expected": sum(x["expected"] for x in per_level),
             "ours_tiles_written": sum(x["ours_written"] for x in per_level),
             "vips_tiles_written": sum(x["vips_written"] for x in per_level), "per_level": per_level}
    descriptors = sorted(ours_dir.glob("*.json"))
    if descriptors:
        try:
            facts["ours_descriptor"] = json.loads(descriptors[0].read_text())
        except ValueError as e:
            problems.append(f"{descriptors[0]}: not JSON ({e})")
    return facts, problems


def tree_digest(folder: Path) -> dict[str, bytes]:
    import hashlib
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            p = Path(root) / f
            out[str(p.relative_to(folder))] = hashlib.sha1(p.read_bytes()).digest()
    return out


def same_tiles(a: Path, b: Path, ignore=("json", "xml")) -> tuple[bool, str]:
    da, db = tree_digest(a), tree_digest(b)
    da = {k: v for k, v in da.items() if k.rsplit(".", 1)[-1] not in ignore}
    db = {k: v for k, v in db.items() if k.rsplit(".", 1)[-1] not in ignore}
    if da.keys() != db.keys():
        return False, f"file lists differ ({len(da)} vs {len(db)} files, e.g. {sorted(da.keys() ^ db.keys())[:3]})"
    diff = [k for k in da if da[k] != db[k]]
    return (not diff), (f"{len(diff)} of {len(da)} files differ, e.g. {diff[:3]}" if diff else f"{len(da)} files identical")


def quality_pass(label: str, grid, window: Window, ours_dir: Path | None, vips_dir: Path, quality: int,
                 read=None) -> dict:
    """PSNR per level of ours, vips and a single JPEG encode against the float reference;
    read(path) -> uint16 site (after correction, when the case corrects)."""
    candidates = {}
    if ours_dir is not None:
        od = DeepZoom.open(dzi_in(ours_dir))
        od.blank_tile = blank_tile_of(ours_dir, od.files_dir)
        candidates["ours"] = od
    candidates["vips"] = DeepZoom.open(dzi_in(vips_dir))
    started = time.perf_counter()
    band, (h, w) = mosaic_band_source(grid, read or read_site, window.float_values)
    results = PyramidComparison(w, h, candidates, quality=quality).run(band)
    print(f"[quality {label}] {time.perf_counter() - started:.1f} s", flush=True)
    return results


# ---------------------------------------------------------------- report

def print_quality_table(label: str, results: dict, names) -> dict:
    """Per-level PSNR; gaps are single - candidate (positive: the candidate is worse)."""
    print()
    print(f"PSNR per level vs exact float reference ({label}); dB, higher is better")
    fast = "single-fast" in next(iter(results.values())).errors
    refs = ["rounded", "single"] + (["single-fast"] if fast else [])
    gaps = [("single", n) for n in names] + ([("single-fast", "ours")] if fast and "ours" in names else [])
    header = f"{'level':>5} {'size':>13} {'tiles':>6} " + " ".join(f"{c:>11}" for c in refs + list(names))
    header += " " + " ".join(f"{a + '-' + b:>17}" for a, b in gaps)
    print(header)
    worst = {g: -math.inf for g in gaps}
    for lv in sorted(results, reverse=True):
        r = results[lv]
        line = f"{lv:>5} {r.width:>6}x{r.height:<6} {r.tiles:>6} " + " ".join(f"{r.psnr(c):11.2f}" for c in refs + list(names))
        for g in gaps:
            d = r.psnr(g[0]) - r.psnr(g[1])
            worst[g] = max(worst[g], d)
            line += f" {d:17.3f}"
        print(line)
    print(f"{'max':>5} {'':>13} {'':>6} " + " ".join(f"{'':>11}" for _ in refs + list(names)) + " "
          + " ".join(f"{worst[g]:17.3f}" for g in gaps))
    notes = []
    for name in names:
        for lv, r in results.items():
            if r.missing.get(name):
                notes.append(f"{name} level {lv}: {r.missing[name]} tiles missing (compared as black)")
            if r.bad_shape.get(name):
                notes.append(f"{name} level {lv}: {len(r.bad_shape[name])} tiles with wrong size, "
                             f"e.g. {r.bad_shape[name][:2]}")
    blank = {n: sum(r.blank.get(n, 0) for r in results.values()) for n in names}
    if any(blank.values()):
        notes.append(f"tiles served by the shared blank tile: {blank}")
    for n in notes:
        print("  note:", n)
    return {"gap_ours": worst.get(("single", "ours")), "gap_vips": worst.get(("single", "vips")),
            "gap_ours_vs_fast_single": worst.get(("single-fast", "ours")), "notes": notes,
            "levels": {lv: {c: r.psnr(c) for c in refs + list(names)} for lv, r in results.items()}}


def main() -> int:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    args.scratch.mkdir(parents=True, exist_ok=True)
    logs = args.out / time.strftime("run-%Y%m%d-%H%M%S")
    logs.mkdir()
    info = machine_info(args.scratch)
    print(f"machine: {info['cpu']}, {info['cpus']} CPUs, kernel {info['kernel']}, load {info['loadavg_start']}")
    print(f"libvips {info['libvips']} (pyvips-binary), scratch {args.scratch} ({info['scratch_fs']}), git {info['git']}")

    exe = None
    try:
        exe = illuminati_binary(args.bin, args.build)
    except (subprocess.CalledProcessError, FileNotFoundError, SystemExit) as e:
        if not args.vips_only:
            raise
        print(f"no illuminati binary ({e}); using existing datasets only")
    if exe is not None and not args.vips_only and not has_subcommand(exe, "pyramid"):
        raise SystemExit(f"{exe} has no `pyramid` command yet (use --vips-only to run the vips side alone)")
    print(f"illuminati: {exe}")

    tiff = dataset(exe, args.out, "tiff", args.sites, args.size, args.seed)
    png = dataset(exe, args.out, "png", args.sites, args.size, args.seed) if "png" in args.cases else None
    window = choose_window(tiff)
    grid = read_well_grid(tiff)
    first = read_site(grid.paths[0][0])
    mosaic_px = grid.rows * first.shape[0] * grid.cols * first.shape[1]
    print(f"data: {grid.rows}x{grid.cols} sites of {first.shape[1]}x{first.shape[0]} -> "
          f"{grid.cols * first.shape[1]}x{grid.rows * first.shape[0]} ({mosaic_px / 1e6:.0f} Mpx); "
          f"window [{window.lower}, {window.upper}]; Q{args.quality}; 256 px tiles; {args.threads} threads; "
          f"{args.runs} runs")
    if png is not None:
        pg = read_well_grid(png)
        same = np.array_equal(read_site(pg.paths[0][0]), first)
        print(f"PNG and TIFF sites hold the same pixels: {same}")

    tools = Tools(args, exe, window, args.scratch, logs)
    layer_name = "layer"
    cases: dict[str, CaseResult] = {}
    ours_only = args.vips_only

    # name vips' pyramid like ours so the file lists are comparable
    if not ours_only:
        probe = tools.ours("probe", tiff, args.threads)
        layer_name = dzi_in(probe.output).stem
        shutil.rmtree(probe.output, ignore_errors=True)
        settle()

    if "plain" in args.cases:
        cases["plain"] = run_case(
            tools, "plain", args.runs,
            lambda: tools.ours("plain", tiff, args.threads),
            lambda: tools.vips("plain", tiff, args.threads, layer_name), ours_only)
    if "png" in args.cases:
        cases["png"] = run_case(
            tools, "png", args.runs,
            lambda: tools.ours("png", png, args.threads),
            lambda: tools.vips("png", png, args.threads, layer_name), ours_only)
    stats_file = None
    stats_run = None
    if "illumcorr" in args.cases:
        if ours_only:
            from common.illumstats import compute_illumstats, save_npz
            stats_file = args.out / "data" / f"illumstats-{args.sites}-{args.size}-seed{args.seed}.npz"
            if not stats_file.exists():
                save_npz(compute_illumstats(grid.in_order(), read_site), stats_file)
        else:
            print("[illumcorr] statistics run (ours --illumcorr, statistics computed in the run)", flush=True)
            stats_run = tools.ours("illumcorr-stats", tiff, args.threads, extra=["--illumcorr"])
            stats_dir = stats_run.output / "illumstats"
            # The merged files only: illumstats/partial/ holds the build's partial sums.
            found = sorted(stats_dir.glob("*.illumstats")) if stats_dir.exists() else []
            if not found:
                raise SystemExit(f"{stats_dir}: ours wrote no illumination statistics")
            stats_file = found[0] if len(found) == 1 else stats_dir
            print(f"  {stats_run.m.wall_s:.2f} s, statistics: {[str(f.relative_to(stats_run.output)) for f in found]}")
            settle()
        extra = ["--illumcorr", "--illumcorr-stats", str(stats_file)]
        cases["illumcorr"] = run_case(
            tools, "illumcorr", args.runs,
            lambda: tools.ours("illumcorr", tiff, args.threads, extra=extra),
            lambda: tools.vips("illumcorr", tiff, args.threads, layer_name, illumstats=stats_file), ours_only)

    scaling = None
    if not args.no_scaling and "plain" in args.cases:
        print("[scaling] one thread", flush=True)
        one = []
        vips_one = []
        for _ in range(args.runs):
            if not ours_only:
                r = tools.ours("plain", tiff, 1)
                one.append(r)
                tools.discard(r)
                settle()
            r = tools.vips("plain", tiff, 1, layer_name)
            vips_one.append(r)
            tools.discard(r)
            settle()
        scaling = {"ours_1t": one, "vips_1t": vips_one}

    bound = None
    if "png" in args.cases:
        print("[png decode bound]", flush=True)
        bound = png_decode_bound(png, args.threads, args.runs, logs)

    # ------------------------------------------------------------ correctness and quality
    problems = []
    geometry = {}
    if not ours_only:
        for name, c in cases.items():
            facts, probs = compare_outputs(c.first_ours.output, c.first_vips.output)
            geometry[name] = facts
            problems += [f"[{name}] {p}" for p in probs]
        if "plain" in cases and "png" in cases:
            ok, msg = same_tiles(cases["plain"].first_ours.output, cases["png"].first_ours.output)
            print(f"ours PNG pyramid vs ours TIFF pyramid: {msg}")
            if not ok:
                problems.append(f"ours: PNG and TIFF sites with identical pixels give different tiles: {msg}")
    if "plain" in cases and "png" in cases:
        ok, msg = same_tiles(cases["plain"].first_vips.output, cases["png"].first_vips.output)
        print(f"vips PNG pyramid vs vips TIFF pyramid: {msg}")

    quality = {}
    names = ["vips"] if ours_only else ["ours", "vips"]
    if not args.no_quality and "plain" in cases:
        c = cases["plain"]
        res = quality_pass("plain", grid, window, None if ours_only else c.first_ours.output,
                           c.first_vips.output, args.quality)
        quality["plain"] = print_quality_table("plain", res, names)
    if not args.no_quality and "illumcorr" in cases:
        c = cases["illumcorr"]
        smoothed = load_illumstats(stats_file).smoothed()
        res = quality_pass("illumcorr", grid, window, None if ours_only else c.first_ours.output,
                           c.first_vips.output, args.quality, read=lambda p: smoothed.correct(read_site(p)))
        quality["illumcorr"] = print_quality_table("illumination-corrected", res, names)

    # ------------------------------------------------------------ tables
    print()
    print(f"Wall time, median [min-max] of {args.runs} alternating runs; vips = in-process time "
          f"(process wall incl. Python start-up in parentheses); max RSS over the runs")
    print(f"{'case':<10} {'ours':>22} {'vips':>22} {'vips process':>14} {'ratio':>6} {'ours MB':>8} "
          f"{'vips MB':>8} {'ours Mpx/s':>10}")
    for name, c in cases.items():
        v = [r.time_s for r in c.vips]
        vp = [r.m.wall_s for r in c.vips]
        if ours_only:
            o_txt, ratio, o_rss, mpx = "-", "-", "-", "-"
        else:
            o = [r.time_s for r in c.ours]
            o_txt = fmt_mrange(o)
            ratio = f"{c.ratio():.2f}"
            o_rss = f"{max(r.m.max_rss_mb for r in c.ours):.0f}"
            mpx = f"{mosaic_px / 1e6 / median_range(o)[0]:.0f}"
        print(f"{name:<10} {o_txt:>22} {fmt_mrange(v):>22} {median_range(vp)[0]:>13.2f}s {ratio:>6} {o_rss:>8} "
              f"{max(r.m.max_rss_mb for r in c.vips):>8.0f} {mpx:>10}")
    if stats_run is not None:
        print(f"ours --illumcorr computing the statistics in the run (1 run): {stats_run.m.wall_s:.2f} s, "
              f"{stats_run.m.max_rss_mb:.0f} MB")
    cpu = {}
    for name, c in cases.items():
        if not ours_only:
            cpu[f"ours {name}"] = median_range([r.m.user_s + r.m.sys_s for r in c.ours])[0]
        cpu[f"vips {name}"] = median_range([r.m.user_s + r.m.sys_s for r in c.vips])[0]
    print("CPU seconds (user+sys, median): " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()))

    scale_value = None
    if scaling:
        v1 = [r.time_s for r in scaling["vips_1t"]]
        v2 = [r.time_s for r in cases["plain"].vips]
        line = f"scaling 1->{args.threads} threads (plain): vips {median_range(v1)[0]:.2f}s -> " \
               f"{median_range(v2)[0]:.2f}s = x{median_range(v1)[0] / median_range(v2)[0]:.2f}"
        if not ours_only:
            o1 = [r.time_s for r in scaling["ours_1t"]]
            o2 = [r.time_s for r in cases["plain"].ours]
            scale_value = median_range(o1)[0] / median_range(o2)[0]
            line += f"; ours {fmt_mrange(o1)} -> {median_range(o2)[0]:.2f}s = x{scale_value:.2f}"
        print(line)
    png_ratio = None
    if bound:
        meds = {k: median_range(v)[0] for k, v in bound.items()}
        best = min(meds, key=meds.get)
        txt = ", ".join(f"{k} {fmt_mrange(v)}" for k, v in bound.items())
        line = f"PNG decode bound ({args.threads} processes, decode only): {txt}; bound = {best} {meds[best]:.2f}s"
        if not ours_only:
            ours_png = median_range([r.time_s for r in cases["png"].ours])[0]
            png_ratio = ours_png / meds[best]
            line += f"; ours PNG {ours_png:.2f}s = {png_ratio:.2f}x the bound"
        print(line)

    if geometry:
        g = next(iter(geometry.values()))
        print(f"geometry: {g['width']}x{g['height']}, {g['levels']} levels, {g['tiles_expected']} tiles in the grid; "
              f"written: ours {g['ours_tiles_written']} (blank tile {g['ours_blank_tile']}), "
              f"vips {g['vips_tiles_written']}")
    for p in problems:
        print("MISMATCH:", p)

    max_load = os.getloadavg()
    print(f"load average at the end: {max_load[0]:.2f} {max_load[1]:.2f} {max_load[2]:.2f} "
          f"(start {info['loadavg_start'][0]:.2f})")

    summary = {"machine": info, "args": {k: str(v) for k, v in vars(args).items()},
               "window": asdict(window), "problems": problems,
               "cases": {n: {"ours": [asdict(r.m) | {"time_s": r.time_s} for r in c.ours],
                             "vips": [asdict(r.m) | {"time_s": r.time_s} for r in c.vips]}
                         for n, c in cases.items()},
               "quality": quality, "png_bound": bound, "geometry": geometry}
    (logs / "results.json").write_text(json.dumps(summary, indent=1, default=str))
    print(f"details: {logs}")

    if ours_only:
        return 0
    gap = quality.get("plain", {}).get("gap_ours")
    rss = max(r.m.max_rss_mb for c in cases.values() for r in c.ours)

    def f(x, d=2):
        return "nan" if x is None else f"{x:.{d}f}"
    print(f"TARGETS png_vs_bound={f(png_ratio)} (<=1.15) scaling_1to2={f(scale_value)} (>=1.8) "
          f"psnr_gap_illumcorr_db={f(quality.get('illumcorr', {}).get('gap_ours'), 3)} "
          f"psnr_gap_vs_fast_dct_db={f(quality.get('plain', {}).get('gap_ours_vs_fast_single'), 3)} "
          f"mismatches={len(problems)}")
    print(f"RESULT ratio_plain={f(cases['plain'].ratio() if 'plain' in cases else None)} "
          f"ratio_illumcorr={f(cases['illumcorr'].ratio() if 'illumcorr' in cases else None)} "
          f"ratio_png={f(cases['png'].ratio() if 'png' in cases else None)} "
          f"psnr_gap_db={f(gap, 3)} rss_mb={rss:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
