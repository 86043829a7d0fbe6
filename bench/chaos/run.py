#!/usr/bin/env python3
"""Chaos suite for the distributed build: real processes, loopback only, bounded in time.

A clean build of a synthetic plate is the reference. Then, each on a fresh experiment with
the same manifest and options:
  (a) kills:    2 workers (--lease 2); `kill -9` a random worker at a random moment while it
                holds a job, and start a replacement, until --kills kills were made (over as
                many builds as needed, at most 15);
  (b) postgres: `pg_ctl restart -m fast` once while the first stage is half done;
  (c) storage:  the storage root is a small tmpfs; while the build runs it is filled to the
                last byte for --full-seconds, then the filler is removed;
  (d) bad input: a copy of the plate with a corrupt, a truncated, a wrong-depth (8-bit) and a
                zero-size image in one channel: the build must dead-letter exactly the jobs
                that read them, name the files, and build everything else; after the files
                are repaired, `resubmit` + `submit` must finish the build. Plus a malformed
                manifest, which `experiment create` must refuse with a clear message.
After each: the build finished; every tile of the reference exists (lost_tiles) and is
byte-identical, with no extra or partial file (mismatched_tiles); no job completed twice
(job_history rows = distinct job ids); recovery time = from the fault's end (kill, server
back, space freed) to the next completion of the affected work.

Last line:
RESULT kills=<n> pg_restarts=<n> lost_tiles=<n> mismatched_tiles=<n> recovery_max_s=<...>
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
import random  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from common.distributed import Illuminati, tile_digests  # noqa: E402
from common.pgcluster import PgCluster  # noqa: E402
from common.swiftbin import release_bin_dir  # noqa: E402
from common.venv import REPO_ROOT  # noqa: E402

WORKER_ARGS = ["--lease", "2", "--grace", "1"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smaller plate, 5 kills")
    p.add_argument("--kills", type=int, help="kill -9 count (default 20, quick 5)")
    p.add_argument("--scenarios", default="kills,postgres,storage,badinput")
    p.add_argument("--full-seconds", type=float, default=6.0, help="how long the storage stays full")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds one build may take before it counts as hung")
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--bin", help="folder with the release illuminati and illuminati-worker")
    p.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / "chaos")
    p.add_argument("--port", type=int, default=55473)
    a = p.parse_args()
    a.kills = a.kills if a.kills is not None else (5 if a.quick else 20)
    a.scenarios = [s.strip() for s in a.scenarios.split(",") if s.strip()]
    return a


class Suite:
    def __init__(self, args, bindir: Path, logs: Path):
        self.args = args
        self.logs = logs
        self.bindir = bindir
        self.rng = random.Random(args.seed)
        self.cluster = PgCluster(Path(f"/var/tmp/illuminati-chaos-pg-{args.port}"), port=args.port).create()
        self.il = Illuminati(bindir, self.cluster, args.out / "storage", logs / "processes")
        self.n = 0
        self.kills = 0
        self.pg_restarts = 0
        self.recoveries: list[tuple[str, float]] = []
        self.rows: list[dict] = []     # one per checked build
        self.notes: list[str] = []

    # ------------------------------------------------------------ helpers

    def name(self, label: str) -> str:
        self.n += 1
        return f"{label}-{self.n:02d}"

    def sql(self, q: str) -> str:
        return self.cluster.psql(q)

    def build_id(self, name: str) -> int:
        return int(self.sql(f"SELECT b.id FROM builds b JOIN experiments e ON e.id = b.experiment_id "
                            f"WHERE e.name = '{name}' ORDER BY b.id DESC LIMIT 1"))

    def completed(self, build: int) -> int:
        return int(self.sql(f"SELECT count(*) FROM job_history WHERE build_id = {build} AND outcome = 'succeeded'"))

    def prepare(self, name: str, manifest: Path, options) -> int:
        self.il.create(name, manifest)
        m = self.il.init(name, options)
        return m.extra["jobs"]

    def coordinate(self, name: str, storage: Path | None = None):
        """submit without workers (the suite starts them)."""
        il = self.il if storage is None else self.with_storage(storage)
        return il.start_submit(name)

    def with_storage(self, storage: Path) -> Illuminati:
        other = Illuminati(self.bindir, self.cluster, storage, self.logs / "processes")
        other.counter = 1000 * (self.n + 1)
        return other

    def check(self, scenario: str, name: str, storage: Path, reference: dict, submit_stats, expect_ok=True) -> dict:
        build = self.build_id(name)
        rows, distinct = (int(x) for x in self.sql(
            f"SELECT count(*), count(DISTINCT job_id) FROM job_history WHERE build_id = {build}").split("|"))
        state = self.sql(f"SELECT state FROM builds WHERE id = {build}")
        dead = int(self.sql(f"SELECT count(*) FROM jobs WHERE build_id = {build} AND state = 'failed'"))
        errors = self.sql(f"SELECT kind, count(*) FROM job_errors WHERE build_id = {build} GROUP BY kind ORDER BY kind")
        retried = int(self.sql(f"SELECT count(*) FROM job_history WHERE build_id = {build} AND attempt > 1"))
        got = tile_digests(storage / name)
        lost = sorted(reference.keys() - got.keys())
        extra = sorted(got.keys() - reference.keys())
        differ = sorted(k for k in reference.keys() & got.keys() if reference[k] != got[k])
        row = {"scenario": scenario, "experiment": name, "build": build, "state": state,
               "submit_exit": None if submit_stats is None else submit_stats.returncode,
               "submit_s": None if submit_stats is None else round(submit_stats.wall_s, 2),
               "files": len(got), "reference_files": len(reference), "lost": len(lost),
               "mismatched": len(differ) + len(extra), "extra": extra[:5], "differ": differ[:5],
               "history_rows": rows, "history_jobs": distinct, "dead_letters": dead,
               "job_errors": errors.replace("\n", ", "), "retried_jobs": retried}
        ok = state == "succeeded" and not lost and not differ and not extra and rows == distinct
        row["ok"] = ok if expect_ok else None
        self.rows.append(row)
        print(f"  [{scenario}] {name}: state {state}, submit exit {row['submit_exit']} in {row['submit_s']} s, "
              f"files {len(got)}/{len(reference)}, lost {len(lost)}, mismatched {row['mismatched']}, "
              f"history {rows}/{distinct} distinct, {retried} jobs retried, dead letters {dead}, "
              f"errors [{row['job_errors']}]", flush=True)
        return row

    def holds_job(self, pid: int) -> bool:
        return self.sql(f"SELECT count(*) FROM jobs j JOIN workers w ON w.id = j.worker_id "
                        f"WHERE j.state = 'running' AND w.pid = {pid}") not in ("", "0")

    def recovery_from(self, label: str, build: int, since_epoch: float) -> float | None:
        """Seconds from `since_epoch` to the first completion of the build after it."""
        v = self.sql(f"SELECT extract(epoch FROM min(finished_at)) FROM job_history "
                     f"WHERE build_id = {build} AND finished_at > to_timestamp({since_epoch})")
        if not v:
            return None
        r = float(v) - since_epoch
        self.recoveries.append((label, r))
        return r

    # ------------------------------------------------------------ scenarios

    def reference(self, manifest: Path, options, storage: Path | None = None, label="clean") -> tuple[str, dict]:
        il = self.il if storage is None else self.with_storage(storage)
        name = self.name(label)
        self.prepare(name, manifest, options)
        run = il.submit(name, workers=2, worker_extra=WORKER_ARGS, timeout=self.args.timeout)
        if run.submit.returncode != 0:
            raise SystemExit(f"the clean build {name} failed:\n{run.output[-3000:]}")
        digests = tile_digests(il.storage / name)
        rows, distinct = (int(x) for x in self.sql(
            f"SELECT count(*), count(DISTINCT job_id) FROM job_history WHERE build_id = {self.build_id(name)}").split("|"))
        print(f"  reference {name}: {len(digests)} files in {run.wall_s:.1f} s "
              f"({rows} jobs, {distinct} distinct)", flush=True)
        return name, digests

    def scenario_kills(self, manifest: Path, options, reference: dict) -> None:
        print(f"[kills] kill -9 of random workers, {self.args.kills} times", flush=True)
        kill_times = []
        rounds = 0
        # A build of this plate takes about a second, so a round often ends after one kill.
        while self.kills < self.args.kills and rounds < 3 * self.args.kills:
            rounds += 1
            name = self.name("kills")
            self.prepare(name, manifest, options)
            submit = self.coordinate(name)
            workers = [self.il.start_worker(1, WORKER_ARGS) for _ in range(2)]
            deadline = time.time() + self.args.timeout
            while submit.poll() is None and time.time() < deadline:
                time.sleep(self.rng.uniform(0.1, 0.6))
                if submit.poll() is not None or self.kills >= self.args.kills:
                    break
                i = self.rng.randrange(len(workers))
                # Kill while the victim holds a job (a worker killed during its start-up loses nothing).
                wait_until = time.time() + 5
                holds = False
                while time.time() < wait_until and submit.poll() is None:
                    holds = self.holds_job(workers[i].pid)
                    if holds:
                        break
                    time.sleep(0.02)
                if submit.poll() is not None:
                    break
                if not holds:
                    # Nothing claimable right now (e.g. the stage waits for a retried job): no kill.
                    continue
                time.sleep(self.rng.uniform(0.0, 0.05))
                workers[i].signal(signal.SIGKILL)
                workers[i].wait(10)
                kill_times.append(time.time())
                self.kills += 1
                workers[i] = self.il.start_worker(1, WORKER_ARGS)
            stats = submit.wait(max(1.0, deadline - time.time()))
            if stats is None:
                self.notes.append(f"kills: {name} did not finish within {self.args.timeout} s")
                submit.stop(5)
            for w in workers:
                w.stop(20)
            self.check("kills", name, self.il.storage, reference, stats)
            build = self.build_id(name)
            # Per lost job: from the kill that lost it to its successful claim.
            lost = self.sql(f"""
                SELECT extract(epoch FROM max(e.at)), extract(epoch FROM h.started_at)
                FROM job_errors e JOIN job_history h ON h.job_id = e.job_id
                WHERE e.build_id = {build} GROUP BY e.job_id, h.started_at""")
            for line in lost.splitlines():
                at, claimed = (float(x) for x in line.split("|"))
                before = [k for k in kill_times if k <= at + 0.5]
                if before:
                    r = claimed - before[-1]
                    self.recoveries.append(("kill", r))
            errs = self.sql(f"SELECT kind, left(message, 160) FROM job_errors WHERE build_id = {build} LIMIT 3")
            if errs:
                print(f"    e.g. job_errors: {errs.splitlines()}", flush=True)

    def scenario_postgres(self, manifest: Path, options, reference: dict, first_stage_jobs: int) -> None:
        print("[postgres] restart PostgreSQL while the first stage is half done", flush=True)
        name = self.name("pgrestart")
        self.prepare(name, manifest, options)
        submit = self.coordinate(name)
        workers = [self.il.start_worker(1, WORKER_ARGS) for _ in range(2)]
        build = self.build_id(name)
        deadline = time.time() + self.args.timeout
        restarted_at = None
        while submit.poll() is None and time.time() < deadline:
            if restarted_at is None and self.completed(build) >= max(1, first_stage_jobs // 2):
                t0 = time.time()
                down = self.cluster.restart("fast")
                restarted_at = time.time()
                self.pg_restarts += 1
                print(f"    restarted after {self.completed(build)} completions; down {down:.2f} s", flush=True)
                self._pg_down_started = t0
            time.sleep(0.1)
        stats = submit.wait(max(1.0, deadline - time.time()))
        if stats is None:
            self.notes.append(f"postgres: {name} did not finish within {self.args.timeout} s")
            submit.stop(5)
        elif stats.returncode != 0:
            # The coordinator gave up; run it again, as an operator would (submit continues the build).
            last = [l for l in submit.output().splitlines() if "error" in l.lower()][-1:]
            self.notes.append(f"postgres: the coordinator (submit) exited {stats.returncode} on the restart "
                              f"instead of reconnecting: {last}; submit was run again")
            print(f"    submit exited {stats.returncode}: {last}; running submit again", flush=True)
            submit = self.coordinate(name)
            stats = submit.wait(max(1.0, deadline - time.time()))
            if stats is None:
                self.notes.append(f"postgres: {name} (second submit) did not finish within {self.args.timeout} s")
                submit.stop(5)
        alive = [w.poll() is None for w in workers]
        for w in workers:
            w.stop(20)
        if not all(alive):
            self.notes.append(f"postgres: {alive.count(False)} of 2 workers exited by themselves "
                              f"(exit {[w.stats.returncode for w in workers]})")
        self.check("postgres", name, self.il.storage, reference, stats)
        if restarted_at is not None:
            r = self.recovery_from("postgres", build, restarted_at)
            print(f"    first completion {r if r is None else round(r, 2)} s after the server was back", flush=True)
        else:
            self.notes.append("postgres: the build finished before the restart point")

    def scenario_storage(self, manifest: Path, options, size_mb: int) -> None:
        print(f"[storage] storage on a {size_mb} MB tmpfs, full for {self.args.full_seconds} s", flush=True)
        mount = self.args.out / "tmpfs"
        mount.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            self.notes.append(f"storage: cannot mount a tmpfs ({r.stderr.strip()}); scenario skipped")
            return
        try:
            storage = mount / "storage"
            storage.mkdir()
            il = self.with_storage(storage)
            # The reference for this scenario is built on the same tmpfs (same file system).
            ref_name, reference = self.reference(manifest, options, storage=storage, label="tmpfs-clean")
            name = self.name("storagefull")
            self.prepare(name, manifest, options)
            build = self.build_id(name)
            submit = il.start_submit(name)
            workers = [il.start_worker(1, WORKER_ARGS) for _ in range(2)]
            deadline = time.time() + self.args.timeout
            freed_at = None
            filler = mount / "filler"
            while submit.poll() is None and time.time() < deadline:
                if freed_at is None and self.completed(build) >= 5:
                    written = fill(filler)
                    print(f"    filled: {written >> 20} MB filler, free {shutil.disk_usage(mount).free} bytes", flush=True)
                    time.sleep(self.args.full_seconds)
                    failed_while_full = self.sql(f"SELECT count(*) FROM job_errors WHERE build_id = {build}")
                    filler.unlink()
                    freed_at = time.time()
                    print(f"    freed; {failed_while_full} failed attempts while full", flush=True)
                time.sleep(0.1)
            stats = submit.wait(max(1.0, deadline - time.time()))
            if stats is None:
                self.notes.append(f"storage: {name} did not finish within {self.args.timeout} s")
                submit.stop(5)
            for w in workers:
                w.stop(20)
            self.check("storage", name, storage, reference, stats)
            if freed_at is not None:
                r = self.recovery_from("storage", build, freed_at)
                print(f"    first completion {r if r is None else round(r, 2)} s after the space was freed", flush=True)
            errs = self.sql(f"SELECT kind, left(message, 200) FROM job_errors WHERE build_id = {build} LIMIT 2")
            if errs:
                print(f"    e.g. job_errors: {errs.splitlines()}", flush=True)
        finally:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)

    def scenario_badinput(self, plate_dir: Path, options, reference: dict) -> None:
        print("[badinput] corrupt, truncated, wrong-depth and zero-size images; malformed manifest", flush=True)
        copy = self.args.out / "bad-plate"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(plate_dir, copy)
        manifest = copy / "manifest.csv"
        lines = manifest.read_text().splitlines()
        header = lines[0].split(",")
        rows = [dict(zip(header, l.split(","))) for l in lines[1:]]
        channels = sorted({r["channel"] for r in rows})
        victim_channel = channels[-1]
        victims = [r["path"] for r in rows if r["channel"] == victim_channel]
        picks = self.rng.sample(victims, 4)
        damage = dict(zip(("corrupt", "truncated", "wrong-depth", "zero-size"), picks))
        originals = {p: (copy / p).read_bytes() for p in picks}

        def apply_damage():
            for kind, rel in damage.items():
                damage_file(kind, copy / rel, originals[rel], self.rng)

        def repair():
            for rel, data in originals.items():
                (copy / rel).write_bytes(data)

        # 1. Damaged before registration: `experiment create` probes every image.
        apply_damage()
        name = self.name("badcreate")
        m = self.il.run(["experiment", "create", name, "--manifest", manifest], check=False)
        line_of = {l.split(",")[0]: i + 1 for i, l in enumerate(lines)}
        named = {k: Path(v).name in m.output or f"line {line_of[v]}:" in m.output for k, v in damage.items()}
        print(f"    experiment create with damaged files: exit {m.returncode}; files named: {named}", flush=True)
        for line in m.output.strip().splitlines()[-5:]:
            print(f"      {line[:220]}", flush=True)
        self.rows.append({"scenario": "badinput at create", "exit": m.returncode, "files_named": named})
        if m.returncode == 0 or not all(named.values()):
            self.notes.append(f"badinput: experiment create exit {m.returncode}, damaged files named {named}")
        # 2. Damaged after registration and planning: the workers meet them.
        repair()
        self._badinput_build(copy, manifest, damage, apply_damage, repair, channels, victim_channel, options,
                             reference, lines)

    def _badinput_build(self, copy, manifest, damage, apply_damage, repair, channels, victim_channel, options,
                        reference, lines):
        print(f"    damaged ({victim_channel}): " + ", ".join(f"{k} {Path(v).name}" for k, v in damage.items()),
              flush=True)
        name = self.name("badinput")
        self.il.create(name, manifest)
        init = self.il.run(["init", name, *options], check=False)
        if init.returncode != 0:
            self.notes.append(f"badinput: init failed (exit {init.returncode}): {init.output.strip()[-300:]}")
            print(f"    init exit {init.returncode}: {init.output.strip()[-300:]}", flush=True)
            return
        apply_damage()
        run = self.il.submit(name, workers=2, worker_extra=WORKER_ARGS, timeout=self.args.timeout)
        out = run.output
        build = self.build_id(name)
        dead = self.sql(f"SELECT id, layer, stage, left(last_error, 300) FROM jobs "
                        f"WHERE build_id = {build} AND state = 'failed' ORDER BY id")
        # submit's summary lists the first 10 dead letters; `status` and the jobs' errors hold the rest.
        named = {k: Path(v).name in out or Path(v).name in dead for k, v in damage.items()}
        print(f"    submit exit {run.submit.returncode} in {run.wall_s:.1f} s; damaged files named by the dead "
              f"letters: {named}", flush=True)
        for line in dead.splitlines()[:6]:
            print(f"    dead letter: {line}", flush=True)
        got = tile_digests(self.il.storage / name)
        other_layers = [c for c in channels if c != victim_channel]
        # Layers that read no damaged file are complete and identical.
        good = {k: v for k, v in reference.items() if any(k.startswith(c) for c in other_layers)}
        lost_good = [k for k in good if k not in got]
        bad_good = [k for k in good if k in got and got[k] != good[k]]
        # Tiles of the damaged layer that were written must equal the reference.
        victim_written = {k: v for k, v in got.items() if k.startswith(victim_channel)}
        wrong_victim = [k for k, v in victim_written.items() if reference.get(k) != v]
        row = {"scenario": "badinput (before repair)", "experiment": name, "submit_exit": run.submit.returncode,
               "dead_letters": len(dead.splitlines()), "files_named": named,
               "other_layers_lost": len(lost_good), "other_layers_mismatched": len(bad_good),
               "damaged_layer_written": len(victim_written), "damaged_layer_mismatched": len(wrong_victim),
               "summary_tail": out.strip().splitlines()[-8:]}
        self.rows.append(row)
        print(f"    other layers: lost {len(lost_good)}, mismatched {len(bad_good)}; damaged layer: "
              f"{len(victim_written)} files written, {len(wrong_victim)} differ from the reference "
              f"{wrong_victim[:3]}", flush=True)
        if run.submit.returncode != 1:
            self.notes.append(f"badinput: submit exited {run.submit.returncode}, expected 1 (dead letters)")
        if not all(named.values()):
            self.notes.append(f"badinput: the dead letters do not name every damaged file: {named}")
        self.bad_before = row
        # Repair, resubmit, finish.
        repair()
        self.il.run(["resubmit", name, "--no-wait"])
        run = self.il.submit(name, workers=2, worker_extra=WORKER_ARGS, timeout=self.args.timeout)
        self.check("badinput (repaired, resubmit)", name, self.il.storage, reference, run.submit)

        # A malformed manifest.
        broken = copy / "broken.csv"
        broken.write_text(lines[0].replace("channel,", "chanel,") + "\n" + "\n".join(lines[1:4]) + "\n"
                          + "images/missing.tif,plate01,A01,x,0,DAPI,0,0,0,0,0\n")
        m = self.il.run(["experiment", "create", self.name("malformed"), "--manifest", broken], check=False)
        msg = m.output.strip().splitlines()[-3:]
        print(f"    malformed manifest: exit {m.returncode}: {msg}", flush=True)
        self.rows.append({"scenario": "malformed manifest", "exit": m.returncode, "message": msg,
                          "stack_trace": "Fatal error" in m.output or "Stack dump" in m.output})
        if m.returncode == 0:
            self.notes.append("malformed manifest: experiment create accepted it")


def damage_file(kind: str, path: Path, data: bytes, rng: random.Random) -> None:
    if kind == "corrupt":
        # Garbage over the TIFF's first image directory (bytes 4-8 give its offset).
        b = bytearray(data)
        order = "little" if b[:2] == b"II" else "big"
        ifd = int.from_bytes(b[4:8], order) if len(b) >= 8 else 0
        start = ifd if 8 <= ifd < len(b) else 8
        for i in range(start, min(len(b), start + 64)):
            b[i] = rng.randrange(256)
        path.write_bytes(bytes(b))
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif kind == "wrong-depth":
        write_8bit_like(path, data)
    else:
        path.write_bytes(b"")


def fill(path: Path) -> int:
    """Writes zeros until the file system is full; returns the bytes written."""
    written = 0
    chunk = b"\0" * (1 << 20)
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                written += f.write(chunk)
            except OSError:
                break
        small = b"\0" * 4096
        while True:
            try:
                written += f.write(small)
            except OSError:
                break
    return written


def write_8bit_like(path: Path, original: bytes) -> None:
    """The same image as 8-bit (samples >> 8), same format and size."""
    import io
    from PIL import Image
    import numpy as np
    with Image.open(io.BytesIO(original)) as im:
        a = np.asarray(im).astype(np.uint16)
    Image.fromarray((a >> 8).astype(np.uint8), "L").save(path, format="TIFF" if path.suffix.startswith(".tif") else "PNG")


def main() -> int:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    logs = args.out / time.strftime("run-%Y%m%d-%H%M%S")
    logs.mkdir()
    bindir = release_bin_dir(args.bin).resolve()
    started = time.time()
    print(f"chaos suite: seed {args.seed}, load {os.getloadavg()}, bin {bindir}", flush=True)
    shutil.rmtree(args.out / "storage", ignore_errors=True)

    size = "256x256" if args.quick else "512x512"
    plate = args.out / "data" / f"plate-6w-3x3-{size}-2ch"
    if not (plate / ".complete").exists():
        shutil.rmtree(plate, ignore_errors=True)
        plate.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(bindir / "illuminati"), "sample", str(plate), "--plates", "1",
                        "--wells", "A01,A02,A03,B01,B02,B03", "--sites", "3x3", "--size", size, "--channels", "2",
                        "--format", "tiff", "--bit-depth", "16", "--seed", "7"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        (plate / ".complete").write_text("ok\n")
    manifest = plate / "manifest.csv"
    options = ["--illumcorr", "--clip", "--batch-size", "1"]
    # Bad inputs: no option that reads every image in init (windows from the bit depth).
    plain_options = ["--batch-size", "1"]

    suite = Suite(args, bindir, logs)
    try:
        print("[reference] clean build", flush=True)
        ref_name, reference = suite.reference(manifest, options)
        first_stage = int(suite.sql(
            f"SELECT sum(total_jobs) FROM build_stages WHERE build_id = {suite.build_id(ref_name)} AND stage = 0"))
        if "kills" in args.scenarios:
            # Jobs of 8 tiles or images: long enough that a kill usually lands inside one.
            kill_options = ["--illumcorr", "--clip", "--batch-size", "8"]
            _, kill_reference = suite.reference(manifest, kill_options, label="clean-b8")
            suite.scenario_kills(manifest, kill_options, kill_reference)
        if "postgres" in args.scenarios:
            suite.scenario_postgres(manifest, options, reference, first_stage)
        if "storage" in args.scenarios:
            # Room for the reference build (statistics partials are 1-4 MB per image with --batch-size 1).
            suite.scenario_storage(manifest, options, size_mb=320 if args.quick else 1024)
        if "badinput" in args.scenarios:
            _, plain_reference = suite.reference(manifest, plain_options, label="clean-plain")
            suite.scenario_badinput(plate, plain_options, plain_reference)
    finally:
        suite.cluster.destroy()

    checked = [r for r in suite.rows if "lost" in r]
    lost = sum(r["lost"] for r in checked)
    mismatched = sum(r["mismatched"] for r in checked)
    twice = sum(1 for r in checked if r["history_rows"] != r["history_jobs"])
    unfinished = [r["experiment"] for r in checked if r["state"] != "succeeded"]
    rec_max = max((r for _, r in suite.recoveries), default=None)
    print()
    print(f"builds checked: {len(checked)}; not finished: {unfinished or 'none'}; builds with a job completed twice: "
          f"{twice}; kills {suite.kills}; PostgreSQL restarts {suite.pg_restarts}")
    by_kind = {}
    for k, r in suite.recoveries:
        by_kind.setdefault(k, []).append(r)
    for k, rs in by_kind.items():
        print(f"recovery after {k}: n={len(rs)}, max {max(rs):.2f} s, median {sorted(rs)[len(rs) // 2]:.2f} s")
    for n in suite.notes:
        print("NOTE:", n)
    print(f"elapsed {time.time() - started:.0f} s; load {os.getloadavg()}")
    (logs / "results.json").write_text(json.dumps({"rows": suite.rows, "recoveries": suite.recoveries,
                                                   "notes": suite.notes, "seed": args.seed}, indent=1, default=str))
    print(f"details: {logs / 'results.json'}")
    print(f"RESULT kills={suite.kills} pg_restarts={suite.pg_restarts} lost_tiles={lost} mismatched_tiles={mismatched} "
          f"recovery_max_s={'nan' if rec_max is None else f'{rec_max:.2f}'}")
    return 0 if not unfinished and not lost and not mismatched and not twice else 1


if __name__ == "__main__":
    sys.exit(main())
