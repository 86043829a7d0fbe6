#!/usr/bin/env python3
"""`illuminati status` beside a running private cluster, two builds of illuminati alternating.

A private cluster (`--state-dir`) is started once and kept running by a process that holds a
shared lock on its users.lock, as a running `submit` would; an experiment of a 384-well plate
(--wells, --sites, --channels; 64×64 images, planned with `init`) gives status something to
look up. Then `illuminati status` of each `--bin` runs in turn (A, B, A, B, …), and the script
prints each one's median wall time with [min–max] and the load average. Standard library only.

    python3 bench/status-latency/run.py --bin /path/to/anchor/bin --bin .build/release
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", action="append", required=True, help="folder with an illuminati build (repeat)")
    p.add_argument("--runs", type=int, default=15, help="runs of each build")
    p.add_argument("--wells", type=int, default=384)
    p.add_argument("--sites", default="3x3")
    p.add_argument("--channels", type=int, default=4)
    a = p.parse_args()
    bins = [Path(b).resolve() / "illuminati" for b in a.bin]
    work = Path(tempfile.mkdtemp(prefix="status-latency-"))
    state = work / "state"
    holder = None
    try:
        first = str(bins[0])
        run([first, "sample", str(work / "plate"), "--wells", str(a.wells), "--sites", a.sites,
             "--size", "64x64", "--channels", str(a.channels)])
        run([first, "migrate", "--state-dir", str(state)])  # creates the cluster (and stops it)
        # A user of the cluster for the whole run, as a running submit is.
        holder = subprocess.Popen(["flock", "-s", str(state / "postgres" / "users.lock"), "sleep", "100000"],
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run([first, "experiment", "create", "plate", "--manifest", str(work / "plate" / "manifest.csv"),
             "--state-dir", str(state)])
        run([first, "init", "plate", "--state-dir", str(state)])
        times = {str(b): [] for b in bins}
        loads = []
        for _ in range(a.runs):
            for b in bins:
                start = time.monotonic()
                run([str(b), "status", "plate", "--state-dir", str(state)])
                times[str(b)].append(time.monotonic() - start)
                loads.append(os.getloadavg()[0])
        for b, ts in times.items():
            print(f"{b}: status {statistics.median(ts):.3f} s [{min(ts):.3f}–{max(ts):.3f}] over {len(ts)} runs")
        print(f"load average (1 min) during the runs: {min(loads):.1f}–{max(loads):.1f}")
    finally:
        if holder:
            # The whole group: flock's child (sleep) holds the lock too.
            os.killpg(holder.pid, signal.SIGKILL)
            holder.wait()
        # The cluster's watcher stops the server once the last user is gone.
        for _ in range(100):
            if not (state / "postgres" / "data" / "postmaster.pid").exists():
                break
            time.sleep(0.1)
        link = state / "postgres"
        if link.is_symlink():  # the cluster lives under /var/tmp when postgres cannot enter `work`
            shutil.rmtree(os.readlink(link), ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


if __name__ == "__main__":
    main()
