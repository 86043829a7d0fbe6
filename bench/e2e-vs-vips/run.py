#!/usr/bin/env python3
"""The whole distributed path against `vips dzsave`, same data, same run, as users run it.

Ours: a PostgreSQL cluster private to the benchmark, `illuminati experiment create` and
`init` (timed apart), then `illuminati submit` with its defaults (no --interval) as the
coordinator and N `illuminati-worker` processes of --concurrency 1 started beside it; the timed
span is submit's start to its exit. Each build's output is removed before the next one, by
`illuminati cleanup` (vips' with rm -r), as users do; --keep-outputs keeps them all until the end.
Vips: libvips >= 8.15 from PyPI pyvips-binary, dzsave in direct JPEG mode, VIPS_CONCURRENCY=2,
the same window (read from our layer descriptor), quality and tile size.

Where both write (--fs): ext4 (OUT, on the working disk), tmpfs (/dev/shm), or sshfs: a network
filesystem the benchmark sets up on loopback (sshd with its own keys and configuration in a
private temporary folder, an sshfs mount of OUT/sshfs-export; removed afterwards), where every
create, rename and close is a round trip to a server, as on NFS.

Datasets (made once):
  D2    one well, 10x10 sites of 2048x2048 16-bit TIFF (`illuminati sample`, seed 42)
  REAL  D2's geometry with real fluorescence texture (stained nuclei shipped inside the PyPI
        package stardist, mirrored into 2048x2048 sites with vignetting and noise, seed 42)
  D3    D2 with illumination correction (ours computes the statistics inside the build;
        vips is handed the statistics ours wrote, so vips does less work)
  D4    D2 as 16-bit PNG
  D5    a plate of 24 wells x 3x3 sites x 3 channels (1024x1024 TIFF): 3 plate pyramids
Then scaling: D2 with 1, 2 and 4 workers.

Per dataset: one warm-up pair (kept for the checks) whose build runs under strace to count its
metadata operations on the storage (files created, renames, removals, folders, syncs), then
alternating timed runs (ours, vips, ours, vips, ...). Reported: medians with [min-max] and
ours' spread (max/min), the ratio vips/ours, the workers' user and system CPU, the files a
build leaves and creates, the load average.

Last line:
RESULT fs=<fs> e2e_ratio=<vips_s/ours_s> e2e_ratio_real=<...> e2e_ratio_illumcorr=<...> e2e_ratio_png=<...>
       sys_per_user=<...> files_created=<...> files_bound=<...> spread=<...> worker_rss_mb=<...> scaling_1to2=<...>
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common.venv import ensure_venv  # noqa: E402

ensure_venv(HERE / "requirements.txt")

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402

import numpy as np  # noqa: E402
import pyvips  # noqa: E402

from common import metadata_census as census  # noqa: E402
from common.deepzoom import DeepZoom, decode_gray  # noqa: E402
from common.distributed import Illuminati, count_files, count_tiles  # noqa: E402
from common.loopback_sshfs import LoopbackSSHFS  # noqa: E402
from common.measure import fmt_mrange, median_range, run_measured, settle  # noqa: E402
from common.pgcluster import PgCluster  # noqa: E402
from common.swiftbin import release_bin_dir  # noqa: E402
from common.venv import REPO_ROOT  # noqa: E402

VIPS_WELL = HERE.parent / "pyramid-vs-vips" / "vips_pyramid.py"
VIPS_PLATE = HERE / "vips_plate.py"
REAL_TEXTURE = HERE.parent / "common" / "real_texture.py"
# Files a layer writes besides its jobs' shards and intermediates: .dzi, descriptor, blank tile.
FILES_PER_LAYER = 3


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small datasets, 1 run (about a minute)")
    p.add_argument("--runs", type=int, help="alternating timed runs per dataset (default 5, quick 1)")
    p.add_argument("--datasets", "--dataset", dest="datasets", default="D2,REAL,D3,D4,D5",
                   help="comma-separated: D2, REAL (or real), D3, D4, D5")
    p.add_argument("--scaling", default="1,2,4", help="worker counts for the scaling runs on D2 ('' to skip)")
    p.add_argument("--workers", type=int, default=2, help="worker processes (each --concurrency 1)")
    p.add_argument("--vips-threads", type=int, default=2)
    p.add_argument("--quality", type=int, default=95)
    p.add_argument("--bin", help="folder with the release illuminati and illuminati-worker "
                                 "(default: swift build -c release --show-bin-path)")
    p.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / "e2e-vs-vips")
    p.add_argument("--data", type=Path, default=REPO_ROOT / "bench" / "out" / "pyramid-vs-vips" / "data",
                   help="dataset folder (shared with bench/pyramid-vs-vips)")
    p.add_argument("--port", type=int, default=55472)
    p.add_argument("--fs", choices=["ext4", "tmpfs", "sshfs"], default="ext4",
                   help="where both tools write: ext4 = OUT (the working disk), tmpfs = /dev/shm, sshfs = a "
                        "loopback network filesystem set up (and removed) by the benchmark")
    p.add_argument("--storage", type=Path, help="write to this folder instead of --fs's")
    p.add_argument("--keep-outputs", action="store_true",
                   help="keep every output until the end (default: remove each build's output before the next, "
                        "as users do; on ext4 the inodes freed then make creating files slower)")
    p.add_argument("--no-census", action="store_true", help="do not trace the warm-up build with strace")
    a = p.parse_args()
    a.runs = a.runs or (1 if a.quick else 5)
    a.datasets = [d.strip().upper() for d in a.datasets.split(",") if d.strip()]
    unknown = [d for d in a.datasets if d not in DATASETS]
    if unknown:
        p.error(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(DATASETS)}")
    a.scaling = [int(x) for x in a.scaling.split(",") if x.strip()]
    a.census = not a.no_census and census.available()
    return a


def machine_info(storage: Path) -> dict:
    info = {"kernel": platform.release(), "cpus": os.cpu_count(), "loadavg_start": os.getloadavg(),
            "libvips": f"{pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"}
    try:
        info["cpu"] = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        info["cpu"] = "?"
    try:
        line = subprocess.run(["df", "-T", str(storage)], capture_output=True, text=True).stdout.splitlines()[-1].split()
        info["storage_fs"] = f"{line[1]} ({line[0]})"
    except (IndexError, OSError):
        info["storage_fs"] = "?"
    info["git"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                                 text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "Sources"], cwd=REPO_ROOT, capture_output=True,
                           text=True).stdout.strip()
    info["git"] += "+dirty" if dirty else ""
    return info


@contextmanager
def output_root(args):
    """The folder both tools write below, on the filesystem asked for; removed afterwards
    unless the user named it."""
    if args.storage:
        args.storage.mkdir(parents=True, exist_ok=True)
        yield args.storage
    elif args.fs == "tmpfs":
        root = Path(tempfile.mkdtemp(prefix="illuminati-e2e-", dir="/dev/shm"))
        try:
            yield root
        finally:
            shutil.rmtree(root, ignore_errors=True)
    elif args.fs == "sshfs":
        export = args.out / "sshfs-export"
        shutil.rmtree(export, ignore_errors=True)
        try:
            with LoopbackSSHFS(export) as mount:
                yield mount
        finally:
            shutil.rmtree(export, ignore_errors=True)
    else:
        yield args.out


# ---------------------------------------------------------------- datasets

def sample(exe: Path, folder: Path, args: list[str]) -> Path:
    """`illuminati sample` into `folder` once (a .complete stamp marks a finished dataset)."""
    stamp = folder / ".complete"
    if stamp.exists():
        return folder / "manifest.csv"
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(exe), "sample", str(folder), *args]
    print("generating:", " ".join(cmd), flush=True)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    stamp.write_text(" ".join(cmd) + "\n")
    return folder / "manifest.csv"


def datasets(exe: Path, args) -> dict:
    well_sites, well_size = ("3x3", "1024x1024") if args.quick else ("10x10", "2048x2048")
    plate_size = "256x256" if args.quick else "1024x1024"
    one_well = ["--plates", "1", "--wells", "A01", "--sites", well_sites, "--size", well_size, "--channels", "1",
                "--bit-depth", "16", "--seed", "42"]
    tiff = args.data / f"tiff-{well_sites}-{well_size}-seed42"
    png = args.data / f"png-{well_sites}-{well_size}-seed42"
    plate = args.data / f"plate-24w-3x3-{plate_size}-3ch-seed42"
    real = args.data / f"real-{well_sites}-{well_size}-seed42"
    out = {}
    if {"D2", "D3"} & set(args.datasets) or args.scaling:
        out["tiff"] = sample(exe, tiff, one_well + ["--format", "tiff"])
    if "D4" in args.datasets:
        out["png"] = sample(exe, png, one_well + ["--format", "png"])
    if "D5" in args.datasets:
        out["plate"] = sample(exe, plate, ["--plates", "1", "--wells", "24", "--sites", "3x3", "--size", plate_size,
                                           "--channels", "3", "--format", "tiff", "--bit-depth", "16",
                                           "--seed", "42"])
    if "REAL" in args.datasets:
        # In a process of its own: a child reports the peak RSS of the process that forked it.
        if not (real / ".complete").exists():
            subprocess.run([sys.executable, str(REAL_TEXTURE), str(real), "--sites", well_sites,
                            "--size", well_size.split("x")[0], "--seed", "42"], check=True)
        out["real"] = real / "manifest.csv"
    return out


DATASETS = {
    # name: (data key, init options, description)
    "D2": ("tiff", [], "one well 10x10 sites, 16-bit TIFF"),
    "REAL": ("real", [], "D2 with real fluorescence texture"),
    "D3": ("tiff", ["--illumcorr"], "D2 + illumination correction"),
    "D4": ("png", [], "D2 as 16-bit PNG"),
    "D5": ("plate", [], "plate: 24 wells x 3x3 sites x 3 channels"),
}


# ---------------------------------------------------------------- one run of each side

@dataclass
class VipsInputs:
    """What vips is handed from the warm-up build of ours, copied out of it so that build's
    output can be removed: per layer the window and channel, the statistics (D3), the plate
    geometry (D5)."""
    manifest: Path
    windows: dict = field(default_factory=dict)
    channels: dict = field(default_factory=dict)
    illumstats: dict = field(default_factory=dict)
    geometry: Path | None = None

    @classmethod
    def copy_from(cls, ours_dir: Path, manifest: Path, keep: Path, il: Illuminati, name: str, ds: str):
        inputs = cls(manifest=manifest)
        keep.mkdir(parents=True, exist_ok=True)
        for j in sorted(ours_dir.glob("*.json")):
            d = json.loads(j.read_text())
            if d.get("format") == "illuminati-layer":
                inputs.windows[d["name"]] = (d["window"]["lower"], d["window"]["upper"])
                inputs.channels[d["name"]] = d["channel"]
        if ds == "D3":
            for channel in set(inputs.channels.values()):
                inputs.illumstats[channel] = keep / f"{channel}.illumstats"
                shutil.copy(ours_dir / "illumstats" / f"{channel}.illumstats", inputs.illumstats[channel])
        if ds == "D5":
            inputs.geometry = keep / "geometry.json"
            show = il.run(["experiment", "show", name, "--json"])
            inputs.geometry.write_text(show.output[show.output.index("{"):])
        return inputs


class Bench:
    def __init__(self, args, il: Illuminati, cluster: PgCluster, logs: Path, scratch: Path):
        self.args, self.il, self.cluster, self.logs, self.scratch = args, il, cluster, logs, scratch
        self.n = 0

    def _history(self, name: str, select: str, group="") -> list[list[str]]:
        rows = self.cluster.psql(
            f"SELECT {select} FROM job_history h JOIN builds b ON b.id = h.build_id "
            f"JOIN experiments e ON e.id = b.experiment_id WHERE e.name = '{name}' {group}")
        return [line.split("|") for line in rows.splitlines()]

    def remove_ours(self, rec: dict) -> None:
        """As a user does before the next build: `illuminati cleanup` (timed). Kept outputs go
        with the whole storage folder at the end."""
        if self.args.keep_outputs:
            return
        m = self.il.run(["cleanup", rec["name"], "--storage", self.il.storage])
        rec["remove_s"] = m.wall_s

    def remove_vips(self, rec: dict) -> None:
        if self.args.keep_outputs:
            return
        started = time.perf_counter()
        shutil.rmtree(rec["output"], ignore_errors=True)
        rec["remove_s"] = time.perf_counter() - started

    def ours(self, ds: str, manifest: Path, workers: int, keep=False, traced=False) -> dict:
        """keep: leave the output for the caller to remove (remove_ours). traced: run the build
        under strace and count its metadata operations on the storage (untimed)."""
        self.n += 1
        name = f"{ds.lower()}-{self.n:03d}"
        options = ["--clip", "--quality", str(self.args.quality), *DATASETS[ds][1]]
        create = self.il.create(name, manifest)
        init = self.il.init(name, options)
        prefixes = []

        def strace(label):
            prefixes.append(self.logs / "census" / f"{name}-{label}")
            prefixes[-1].parent.mkdir(exist_ok=True)
            return census.strace_wrapper(prefixes[-1])

        launched = time.time()  # the queue's time stamps are PostgreSQL's clock, the same machine's
        run = self.il.submit(name, workers=workers, interval=None, wrap=strace if traced else None)
        if run.submit.returncode != 0:
            raise RuntimeError(f"submit {name} failed ({run.submit.returncode}):\n{run.output[-3000:]}")
        (rows, jobs, first, last), = self._history(
            name, "count(*), count(DISTINCT job_id), extract(epoch FROM min(h.started_at)), "
                  "extract(epoch FROM max(h.finished_at))")
        kinds = {kind: int(n) for kind, n in self._history(name, "h.kind, count(*)", "GROUP BY h.kind")}
        files, temporaries = count_files(self.il.experiment_dir(name))
        rec = {"tool": "ours", "dataset": ds, "name": name, "workers": workers,
               "prep_s": create.wall_s + init.wall_s, "init_s": init.wall_s, "time_s": run.wall_s,
               "submit_cpu_s": run.submit.cpu_s, "submit_rss_mb": run.submit.max_rss_mb,
               "worker_cpu_s": run.worker_cpu_s, "worker_user_s": run.worker_user_s,
               "worker_sys_s": run.worker_sys_s, "worker_rss_mb": run.worker_rss_mb,
               "worker_minor_faults": run.worker_minor_faults,
               "worker_voluntary_switches": run.worker_voluntary_switches,
               "worker_rss_each_mb": [w.max_rss_mb for w in run.workers],
               "init_rss_mb": init.max_rss_mb, "init_cpu_s": init.user_s + init.sys_s,
               "postgres_cpu_s": run.postgres_cpu_s, "tiles": run.tiles, "tile_bytes": run.tile_bytes,
               "jobs": init.extra.get("jobs"), "jobs_by_kind": kinds, "layers": kinds.get("layer-finish", 0),
               "history_rows": int(rows), "history_jobs": int(jobs), "files_after": files,
               "first_job_s": float(first) - launched, "after_last_s": launched + run.wall_s - float(last),
               "temporaries_after": temporaries, "windows": init.extra.get("windows"), "load": os.getloadavg()[0],
               "output": str(self.il.experiment_dir(name))}
        if traced:
            rec["ops"] = asdict(census.count_all(prefixes, below=self.il.experiment_dir(name)))
        if not keep:
            self.remove_ours(rec)
        return rec

    def vips(self, ds: str, inputs: VipsInputs, keep=False) -> dict:
        self.n += 1
        out = self.scratch / f"vips-{ds.lower()}-{self.n:03d}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        env = dict(os.environ, VIPS_CONCURRENCY=str(self.args.vips_threads))
        if ds == "D5":
            cmd = [sys.executable, str(VIPS_PLATE), "--geometry", str(inputs.geometry),
                   "--windows", json.dumps(inputs.windows), "--output", str(out), "--quality", str(self.args.quality)]
        else:
            (layer, (lo, hi)), = inputs.windows.items()
            cmd = [sys.executable, str(VIPS_WELL), "--manifest", str(inputs.manifest), "--output", str(out / layer),
                   "--lower", str(lo), "--upper", str(hi), "--quality", str(self.args.quality), "--tile-size", "256"]
            if ds == "D3":
                cmd += ["--illumstats", str(inputs.illumstats[inputs.channels[layer]])]
        m = run_measured(cmd, env=env)
        (self.logs / f"vips-{self.n:03d}.log").write_text(" ".join(cmd) + "\n" + m.output)
        info = json.loads(m.output.strip().splitlines()[-1])
        tiles, nbytes = count_tiles(out)
        files, _ = count_files(out)
        rec = {"tool": "vips", "dataset": ds, "time_s": info["in_process_s"], "process_s": m.wall_s,
               "cpu_s": m.user_s + m.sys_s, "user_s": m.user_s, "sys_s": m.sys_s, "rss_mb": m.max_rss_mb,
               "tiles": tiles, "tile_bytes": nbytes, "files_after": files, "load": os.getloadavg()[0],
               "output": str(out)}
        if not keep:
            self.remove_vips(rec)
        return rec


# ---------------------------------------------------------------- checks

def compare(ours_dir: Path, vips_dir: Path, samples: int = 24) -> dict:
    """Per layer: same size and levels; ours' written tiles within vips' grid; PSNR of ours
    against vips over a few random base-level tiles (both are JPEGs of the same pixels)."""
    facts = {"layers": {}, "problems": []}
    rng = random.Random(1)
    for dzi in sorted(vips_dir.glob("*.dzi")):
        v = DeepZoom.open(dzi)
        o_path = ours_dir / dzi.name
        if not o_path.exists():
            facts["problems"].append(f"{dzi.name}: ours has no such layer")
            continue
        o = DeepZoom.open(o_path)
        blank = o.files_dir / "blank.jpg"
        o.blank_tile = blank if blank.exists() else None
        if (o.width, o.height) != (v.width, v.height):
            facts["problems"].append(f"{dzi.stem}: ours {o.width}x{o.height} vs vips {v.width}x{v.height}")
            continue
        ot, vt = o.written_tiles(), v.written_tiles()
        expected = sum(r * c for r, c in (v.tile_grid(lv) for lv in range(v.max_level + 1)))
        ours_written = sum(len(t) for t in ot.values())
        outside = sum(len(ot.get(lv, set()) - vt.get(lv, set())) for lv in ot)
        if outside:
            facts["problems"].append(f"{dzi.stem}: ours wrote {outside} tiles outside the grid")
        missing = expected - ours_written
        if missing and o.blank_tile is None:
            facts["problems"].append(f"{dzi.stem}: ours lacks {missing} tiles and has no blank tile")
        top = v.max_level
        picks = rng.sample(sorted(vt[top]), min(samples, len(vt[top])))
        sse = n = 0
        for c, r in picks:
            a, _ = o.read_tile(top, c, r)
            b = decode_gray(v.tile_path(top, c, r))
            if a is None or a.shape != b.shape:
                facts["problems"].append(f"{dzi.stem}: tile {top}/{c}_{r} missing or wrong size in ours")
                continue
            d = a.astype(np.float64) - b
            sse += float((d * d).sum())
            n += d.size
        psnr = float("inf") if sse == 0 else 10 * np.log10(255.0 ** 2 / (sse / max(n, 1)))
        facts["layers"][dzi.stem] = {"size": f"{v.width}x{v.height}", "levels": v.max_level + 1,
                                     "tiles_grid": expected, "ours_written": ours_written,
                                     "vips_written": sum(len(t) for t in vt.values()),
                                     "psnr_ours_vs_vips_db": psnr}
        if psnr < 35:
            facts["problems"].append(f"{dzi.stem}: ours vs vips PSNR {psnr:.1f} dB on base tiles (< 35)")
    return facts


def build_profile(cluster: PgCluster, name: str) -> list[dict]:
    """Where a build's time went, from the queue's own records: per stage (in
    processing order), the span from release to finish, the job-seconds by kind, and the
    barrier latency (last job of the previous stage finished -> this stage released)."""
    rows = cluster.psql(f"""
        WITH b AS (SELECT b.id FROM builds b JOIN experiments e ON e.id = b.experiment_id WHERE e.name = '{name}'),
        jobs AS (SELECT h.layer, h.stage, h.kind, h.started_at, h.finished_at FROM job_history h JOIN b ON b.id = h.build_id),
        per_stage AS (
            SELECT s.layer, s.stage, s.released_at, s.finished_at, s.total_jobs,
                   (SELECT max(j.finished_at) FROM jobs j WHERE j.layer = s.layer AND j.stage = s.stage - 1) AS prev_done,
                   (SELECT string_agg(DISTINCT j.kind, '+') FROM jobs j WHERE j.layer = s.layer AND j.stage = s.stage) AS kinds,
                   (SELECT sum(extract(epoch FROM j.finished_at - j.started_at)) FROM jobs j
                     WHERE j.layer = s.layer AND j.stage = s.stage) AS job_s
            FROM build_stages s JOIN b ON b.id = s.build_id)
        SELECT layer, stage, total_jobs, coalesce(kinds, ''),
               round(extract(epoch FROM finished_at - released_at)::numeric, 3),
               round(coalesce(job_s, 0)::numeric, 3),
               coalesce(round((extract(epoch FROM released_at - prev_done) * 1000)::numeric, 1)::text, '')
        FROM per_stage ORDER BY layer, stage""")
    out = []
    for line in rows.splitlines():
        layer, stage, jobs, kinds, span, job_s, barrier = line.split("|")
        out.append({"layer": layer, "stage": int(stage), "jobs": int(jobs), "kinds": kinds, "span_s": float(span),
                    "job_s": float(job_s), "barrier_ms": float(barrier) if barrier else None})
    return out


# ---------------------------------------------------------------- report

def med(xs):
    return median_range(xs)[0]


def plot(results: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = list(results)
    ours = [[r["time_s"] for r in results[d]["ours"]] for d in names]
    vips = [[r["time_s"] for r in results[d]["vips"]] for d in names]
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(7, 4))
    for off, data, label, color in ((-0.2, ours, "illuminati (2 workers)", "#1f77b4"),
                                    (0.2, vips, "vips dzsave (2 threads)", "#ff7f0e")):
        m = [med(v) for v in data]
        lo = [med(v) - min(v) for v in data]
        hi = [max(v) - med(v) for v in data]
        ax.bar(x + off, m, 0.4, yerr=[lo, hi], capsize=3, label=label, color=color)
    short = {"D2": "TIFF well", "REAL": "real texture", "D3": "+ illumcorr", "D4": "PNG well",
             "D5": "plate 24w x 3ch"}
    ax.set_xticks(x, [f"{d}\n{short.get(d, '')}" for d in names], fontsize=9)
    ax.set_ylabel("wall seconds (median, range)")
    ax.set_title("End-to-end pyramid build, 2-core machine")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def spread(xs) -> float:
    return max(xs) / min(xs)


def main() -> int:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    logs = args.out / time.strftime("run-%Y%m%d-%H%M%S")
    logs.mkdir()
    bindir = release_bin_dir(args.bin).resolve()
    exe = bindir / "illuminati"
    data = datasets(exe, args)
    with output_root(args) as root:
        info = machine_info(root)
        info["bin"] = str(bindir)
        info["fs"] = "storage" if args.storage else args.fs
        print(f"machine: {info['cpu']}, {info['cpus']} CPUs, kernel {info['kernel']}, "
              f"load {' '.join(f'{x:.2f}' for x in info['loadavg_start'])}")
        print(f"libvips {info['libvips']}, storage {info['storage_fs']}, git {info['git']}, bin {bindir}", flush=True)
        results, checks, profiles, scaling = measure(args, data, root, bindir, logs)
    report(args, info, results, checks, profiles, scaling, logs)
    return 0


def measure(args, data: dict, root: Path, bindir: Path, logs: Path):
    cluster = PgCluster(Path(f"/var/tmp/illuminati-e2e-pg-{args.port}"), port=args.port).create()
    storage = root / "storage"
    shutil.rmtree(storage, ignore_errors=True)
    scratch = root / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    settle(3)  # let the discards of a previous run's deletions pass
    il = Illuminati(bindir, cluster, storage, logs / "processes")
    bench = Bench(args, il, cluster, logs, scratch)
    results, checks, profiles = {}, {}, {}
    scaling = {}
    try:
        for ds in args.datasets:
            manifest = data[DATASETS[ds][0]]
            print(f"[{ds}] {DATASETS[ds][2]}: warm-up{' (traced)' if args.census else ''}, kept for the checks",
                  flush=True)
            ref = bench.ours(ds, manifest, args.workers, keep=True, traced=args.census)
            inputs = VipsInputs.copy_from(Path(ref["output"]), manifest, logs / "vips-inputs" / ds, il,
                                          ref["name"], ds)
            first_vips = bench.vips(ds, inputs, keep=True)
            checks[ds] = compare(Path(ref["output"]), Path(first_vips["output"]))
            profiles[ds] = build_profile(cluster, ref["name"])
            bench.remove_ours(ref)
            bench.remove_vips(first_vips)
            settle()
            res = {"ours": [], "vips": [], "warmup": {"ours": ref, "vips": first_vips}}
            for i in range(args.runs):
                o = bench.ours(ds, manifest, args.workers)
                res["ours"].append(o)
                settle()
                v = bench.vips(ds, inputs)
                res["vips"].append(v)
                settle()
                print(f"[{ds}] run {i + 1}/{args.runs}: ours {o['time_s']:.2f}s (+prep {o['prep_s']:.2f}s, workers "
                      f"user {o['worker_user_s']:.2f}s sys {o['worker_sys_s']:.2f}s, {o['worker_rss_mb']:.0f} MB, "
                      f"{o['files_after']} files) vips {v['time_s']:.2f}s (process {v['process_s']:.2f}s, "
                      f"{v['rss_mb']:.0f} MB, {v['files_after']} files) load {os.getloadavg()[0]:.2f}", flush=True)
            results[ds] = res
        if args.scaling:
            manifest = data["tiff"]
            print(f"[scaling] D2 with {args.scaling} workers", flush=True)
            for w in args.scaling:
                scaling[w] = []
            for i in range(args.runs):
                for w in args.scaling:
                    r = bench.ours("D2", manifest, w)
                    scaling[w].append(r)
                    settle()
                print(f"[scaling] run {i + 1}/{args.runs}: " +
                      ", ".join(f"{w} workers {scaling[w][-1]['time_s']:.2f}s" for w in args.scaling), flush=True)
    finally:
        cluster.destroy()
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(storage, ignore_errors=True)
        shutil.rmtree(logs / "vips-inputs", ignore_errors=True)
    return results, checks, profiles, scaling


def report(args, info, results, checks, profiles, scaling, logs: Path) -> None:
    load_end = os.getloadavg()
    lines = []

    def say(s=""):
        print(s)
        lines.append(s)

    def f(x, d=2):
        return "nan" if x is None else f"{x:.{d}f}"

    mode = "kept until the end (--keep-outputs)" if args.keep_outputs else \
        "removed before the next build (ours with `illuminati cleanup`, vips' with rm -r)"
    say(f"# End-to-end: distributed illuminati vs vips dzsave ({info['fs']})")
    say()
    say(f"Machine: {info['cpu']}, {info['cpus']} CPUs, kernel {info['kernel']}; storage {info['storage_fs']}; "
        f"libvips {info['libvips']}; git {info['git']}. Load average at start "
        f"{' / '.join(f'{x:.2f}' for x in info['loadavg_start'])}, at end {' / '.join(f'{x:.2f}' for x in load_end)} "
        f"(the machine is shared: numbers are indicative).")
    say(f"{args.runs} alternating runs per dataset after one warm-up pair; median [min-max]. Ours: `submit` with its "
        f"defaults, wall time, {args.workers} worker processes (--concurrency 1), private PostgreSQL; prep = "
        f"`experiment create` + `init` (windows from the 99.9th percentile). Vips: in-process time of dzsave and the "
        f"pipeline (Python start-up excluded), VIPS_CONCURRENCY={args.vips_threads}, same window, Q{args.quality}, "
        f"256-px tiles. Outputs are {mode}.")
    say()
    say("| dataset | ours submit | spread | vips | vips/ours | workers user s | workers sys s | sys/user | "
        "vips user / sys s | load |")
    say("|---|---|---|---|---|---|---|---|---|---|")
    ratios, sys_user, spreads = {}, {}, {}
    for ds, r in results.items():
        o = [x["time_s"] for x in r["ours"]]
        v = [x["time_s"] for x in r["vips"]]
        ratios[ds] = med(v) / med(o)
        spreads[ds] = spread(o)
        user, system = med([x["worker_user_s"] for x in r["ours"]]), med([x["worker_sys_s"] for x in r["ours"]])
        sys_user[ds] = system / user
        loads = [x["load"] for x in r["ours"] + r["vips"]]
        say(f"| {ds} {DATASETS[ds][2]} | {fmt_mrange(o)} | {spreads[ds]:.2f} | {fmt_mrange(v)} | "
            f"**{ratios[ds]:.2f}** | {user:.2f} | {system:.2f} | {sys_user[ds]:.2f} | "
            f"{med([x['user_s'] for x in r['vips']]):.2f} / {med([x['sys_s'] for x in r['vips']]):.2f} | "
            f"{min(loads):.1f}-{max(loads):.1f} |")
    say()
    say("spread = max/min of ours' runs; load = 1-minute load average after each run (min-max).")
    say()
    say("Files per build (ours: the warm-up build, traced with strace: every successful create, rename, removal, "
        "link, mkdir and sync on the experiment's folder by submit and the workers (a nameless O_TMPFILE file counts as "
        "created, and is linked under its temporary name before its rename); jobs = all jobs of the build; "
        f"bound = 2 x jobs + {FILES_PER_LAYER} x layers; left = files in the output after the build, median over "
        "the runs):")
    say()
    say("| dataset | jobs (pyramid) | layers | created | renamed | removed | linked | mkdir | fsync | bound | left ours | "
        "left vips | tiles (ours written / grid) | bytes/tile ours / vips |")
    say("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    files_created, files_bound = {}, {}
    for ds, r in results.items():
        ref, vt = r["warmup"]["ours"], r["warmup"]["vips"]
        ops = ref.get("ops")
        files_bound[ds] = 2 * ref["history_jobs"] + FILES_PER_LAYER * ref["layers"]
        files_created[ds] = ops["creates"] if ops else None
        grid = sum(l["tiles_grid"] for l in checks[ds]["layers"].values())
        cells = [str(ops[k]) if ops else "-" for k in ("creates", "renames", "unlinks", "links", "mkdirs", "syncs")]
        say(f"| {ds} | {ref['history_jobs']} ({ref['jobs_by_kind'].get('pyramid', 0)}) | {ref['layers']} | "
            f"{' | '.join(cells)} | {files_bound[ds]} | {med([x['files_after'] for x in r['ours']]):.0f} | "
            f"{med([x['files_after'] for x in r['vips']]):.0f} | {ref['tiles']} / {grid} | "
            f"{ref['tile_bytes'] / max(ref['tiles'], 1):.0f} / {vt['tile_bytes'] / max(vt['tiles'], 1):.0f} |")
    say()
    say("Per process (median over runs; RSS = max over runs; remove = `illuminati cleanup` / rm -r of one output; "
        "first job = submit started -> first job started, after last = last job finished -> submit exited, from "
        "the queue's records; page faults = minor faults, waits = voluntary context switches, summed over workers):")
    say()
    say("| dataset | ours prep | first job s | after last s | submit CPU s | workers CPU s | worker page faults | "
        "worker waits | worker RSS MB | PostgreSQL CPU s | ours remove s | vips CPU s | vips RSS MB | vips process s | "
        "vips remove s |")
    say("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for ds, r in results.items():
        o, v = r["ours"], r["vips"]
        removed = [x["remove_s"] for x in o if "remove_s" in x], [x["remove_s"] for x in v if "remove_s" in x]
        say(f"| {ds} | {fmt_mrange([x['prep_s'] for x in o])} | {med([x['first_job_s'] for x in o]):.2f} | "
            f"{med([x['after_last_s'] for x in o]):.2f} | {med([x['submit_cpu_s'] for x in o]):.2f} | "
            f"{med([x['worker_cpu_s'] for x in o]):.2f} | {med([x['worker_minor_faults'] for x in o]):.0f} | "
            f"{med([x['worker_voluntary_switches'] for x in o]):.0f} | {max(x['worker_rss_mb'] for x in o):.0f} | "
            f"{med([x['postgres_cpu_s'] for x in o]):.2f} | {f(med(removed[0]) if removed[0] else None)} | "
            f"{med([x['cpu_s'] for x in v]):.2f} | {max(x['rss_mb'] for x in v):.0f} | "
            f"{med([x['process_s'] for x in v]):.2f} | {f(med(removed[1]) if removed[1] else None)} |")
    scale = None
    if scaling:
        say()
        say("Scaling on D2 (worker processes of --concurrency 1; on 2 cores, 4 workers shows overhead, not speed-up):")
        say()
        say("| workers | submit wall | spread | speed-up vs 1 | first job s | after last s | workers user s | "
            "workers sys s | worker RSS MB |")
        say("|---|---|---|---|---|---|---|---|---|")
        base = med([x["time_s"] for x in scaling[args.scaling[0]]])
        for w, rs in scaling.items():
            t = med([x["time_s"] for x in rs])
            say(f"| {w} | {fmt_mrange([x['time_s'] for x in rs])} | {spread([x['time_s'] for x in rs]):.2f} | "
                f"{base / t:.2f} | {med([x['first_job_s'] for x in rs]):.2f} | {med([x['after_last_s'] for x in rs]):.2f} | "
                f"{med([x['worker_user_s'] for x in rs]):.2f} | "
                f"{med([x['worker_sys_s'] for x in rs]):.2f} | {max(x['worker_rss_mb'] for x in rs):.0f} |")
        if 1 in scaling and 2 in scaling:
            scale = med([x["time_s"] for x in scaling[1]]) / med([x["time_s"] for x in scaling[2]])
    say()
    say("Checks on the warm-up pair of each dataset (same size; ours' tiles inside the grid; PSNR of ours vs "
        "vips over 24 random base tiles, both JPEG of the same windowed pixels; every job completed once):")
    say()
    problems = []
    for ds, c in checks.items():
        ref = results[ds]["warmup"]["ours"]
        twice = [x for x in results[ds]["ours"] + [ref] if x["history_rows"] != x["history_jobs"]]
        if twice:
            c["problems"].append(f"{len(twice)} builds with a job completed twice")
        leftovers = [x for x in results[ds]["ours"] + [ref] if x["temporaries_after"]]
        if leftovers:
            c["problems"].append(f"{len(leftovers)} builds left temporaries behind")
        layers = ", ".join(f"{k} {l['size']} {l['levels']} levels, PSNR {l['psnr_ours_vs_vips_db']:.1f} dB"
                           for k, l in c["layers"].items())
        say(f"- {ds}: {layers}; problems: {c['problems'] or 'none'}")
        problems += c["problems"]
    say()
    say("Where the time goes (warm-up build of each dataset, from the queue's records; traced builds run slower): "
        "per stage, the span from release to finish, the job-seconds summed over workers, and the barrier latency "
        "(last job of the previous stage finished -> stage released).")
    for ds, prof in profiles.items():
        say()
        say(f"{ds}:")
        say()
        say("| layer | stage | jobs | kind | span s | job s | barrier ms |")
        say("|---|---|---|---|---|---|---|")
        for p in prof:
            say(f"| {p['layer']} | {p['stage']} | {p['jobs']} | {p['kinds']} | {p['span_s']:.2f} | {p['job_s']:.2f} | "
                f"{'' if p['barrier_ms'] is None else p['barrier_ms']} |")
    rss = max(x["worker_rss_mb"] for r in results.values() for x in r["ours"]) if results else None
    if results:
        plot(results, logs / "time-per-dataset.png")
        say()
        say("![time per dataset](time-per-dataset.png)")
    main_ds = "D2" if "D2" in results else next(iter(results), None)
    result = (f"RESULT fs={info['fs']} outputs={'kept' if args.keep_outputs else 'removed'} "
              f"e2e_ratio={f(ratios.get('D2'))} e2e_ratio_real={f(ratios.get('REAL'))} "
              f"e2e_ratio_illumcorr={f(ratios.get('D3'))} e2e_ratio_png={f(ratios.get('D4'))} "
              f"sys_per_user={f(sys_user.get(main_ds))} sys_per_user_real={f(sys_user.get('REAL'))} "
              f"files_created={files_created.get(main_ds)} files_bound={files_bound.get(main_ds)} "
              f"spread={f(max(spreads.values()) if spreads else None)} worker_rss_mb={f(rss, 0)} "
              f"scaling_1to2={f(scale)}")
    say()
    say("Targets (issue 15): vips/ours >= 3.0 on ext4 with outputs removed (D2 and REAL), >= 2.0 on sshfs; "
        "workers' sys <= 0.3 x user on ext4; scaling_1to2 >= 1.85 on ext4; files created <= 2 x jobs + a constant "
        "per layer; spread <= 1.3 on ext4.")
    say()
    say("```")
    say(f"$ {' '.join(sys.argv)}")
    say(result)
    say("```")
    (logs / "report.md").write_text("\n".join(lines) + "\n")
    (logs / "results.json").write_text(json.dumps({"machine": info, "args": {k: str(v) for k, v in vars(args).items()},
                                                   "results": results, "checks": checks, "profiles": profiles,
                                                   "scaling": {str(k): v for k, v in scaling.items()},
                                                   "load_end": load_end}, indent=1, default=str))
    shutil.copy(logs / "report.md", args.out / "report.md")
    if results:
        shutil.copy(logs / "time-per-dataset.png", args.out / "time-per-dataset.png")
    print(f"report: {logs / 'report.md'}")
    for p in problems:
        print("PROBLEM:", p)
    print(result)


if __name__ == "__main__":
    sys.exit(main())
