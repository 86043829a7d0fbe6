#!/usr/bin/env python3
"""Many nodes, simulated: the real distributed build of a 384-well plate of tiny images
(384 wells x 3x3 sites x 4 channels, 32x32 px, --batch-size 1 so that nearly every tile is
its own job) driven by many concurrent claimers: W worker processes x C --concurrency
(default 8 x 8 = 64 claimers) against one PostgreSQL. The jobs are nearly free (tiny or
blank tiles), so the build measures the queue: claims/s, the barrier latency per stage (last
job of stage n-1 finished -> stage n released, in the completing transaction), the wake-up
latency (stage released -> its first claim), and PostgreSQL's CPU share.

On a 2-core machine the 64 claimers, the coordinator and PostgreSQL share the same 2 cores,
so claims/s here is a floor, not the queue's ceiling.

Last line: RESULT claims_per_s=<...> barrier_p50_ms=<...> barrier_max_ms=<...> wakeup_p50_ms=<...> postgres_cpu_share=<...>
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from common.distributed import Illuminati  # noqa: E402
from common.pgcluster import PgCluster  # noqa: E402
from common.swiftbin import release_bin_dir  # noqa: E402
from common.venv import REPO_ROOT  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="96 wells instead of 384")
    p.add_argument("--wells", type=int, help="wells (default 384, quick 96)")
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--size", default="32x32")
    p.add_argument("--bin", help="folder with the release illuminati and illuminati-worker")
    p.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / "scaling")
    p.add_argument("--port", type=int, default=55474)
    a = p.parse_args()
    a.wells = a.wells or (96 if a.quick else 384)
    return a


def pct(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))]


def main() -> int:
    args = parse_args()
    bindir = release_bin_dir(args.bin)
    args.out.mkdir(parents=True, exist_ok=True)
    logs = args.out / time.strftime("queue-sim-%Y%m%d-%H%M%S")
    logs.mkdir()
    plate = args.out / "data" / f"plate-{args.wells}w-3x3-{args.size}-4ch"
    if not (plate / ".complete").exists():
        shutil.rmtree(plate, ignore_errors=True)
        plate.parent.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        subprocess.run([str(bindir / "illuminati"), "sample", str(plate), "--plates", "1", "--wells", str(args.wells),
                        "--sites", "3x3", "--size", args.size, "--channels", "4", "--format", "tiff",
                        "--bit-depth", "16", "--seed", "42"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        print(f"generated {plate} in {time.perf_counter() - t:.1f} s", flush=True)
        (plate / ".complete").write_text("ok\n")
    load0 = os.getloadavg()
    cluster = PgCluster(Path(f"/var/tmp/illuminati-queue-sim-pg-{args.port}"), port=args.port).create()
    storage = args.out / "storage"
    shutil.rmtree(storage, ignore_errors=True)
    try:
        il = Illuminati(bindir, cluster, storage, logs)
        il.create("sim", plate / "manifest.csv")
        init = il.init("sim", ["--batch-size", "1"])
        print(f"init: {init.extra['jobs']} jobs planned in {init.wall_s:.2f} s", flush=True)
        run = il.submit("sim", workers=args.workers, concurrency=args.concurrency, timeout=900)
        if run.submit.returncode != 0:
            print(run.output[-3000:])
            raise SystemExit("the build failed")
        q = cluster.psql
        jobs, first, last, job_s = q("""SELECT count(*), extract(epoch FROM min(started_at)), extract(epoch FROM max(finished_at)),
                                        sum(extract(epoch FROM finished_at - started_at)) FROM job_history""").split("|")
        jobs, first, last, job_s = int(jobs), float(first), float(last), float(job_s)
        rows, distinct = q("SELECT count(*), count(DISTINCT job_id) FROM job_history").split("|")
        barrier = [float(x) for x in q("""
            SELECT extract(epoch FROM s.released_at - p.done) * 1000 FROM build_stages s
            JOIN LATERAL (SELECT max(finished_at) AS done FROM job_history h
                          WHERE h.build_id = s.build_id AND h.layer = s.layer AND h.stage = s.stage - 1) p ON true
            WHERE s.stage > 0 AND p.done IS NOT NULL""").split()]
        wakeup = [float(x) for x in q("""
            SELECT extract(epoch FROM min(h.started_at) - s.released_at) * 1000 FROM build_stages s
            JOIN job_history h ON h.build_id = s.build_id AND h.layer = s.layer AND h.stage = s.stage
            GROUP BY s.build_id, s.layer, s.stage, s.released_at""").split()]
        per_stage = q("""
            SELECT stage, count(*), round(avg(extract(epoch FROM finished_at - started_at)) * 1000, 2),
                   round(extract(epoch FROM max(finished_at) - min(started_at))::numeric, 2)
            FROM job_history GROUP BY stage ORDER BY stage""")
        errors = q("SELECT kind, count(*) FROM job_errors GROUP BY kind")
        peak = q("""
            WITH ev AS (SELECT started_at AS t, 1 AS d FROM job_history UNION ALL SELECT finished_at, -1 FROM job_history)
            SELECT max(running) FROM (SELECT sum(d) OVER (ORDER BY t, d) AS running FROM ev) x""")
    finally:
        cluster.destroy()
        shutil.rmtree(storage, ignore_errors=True)
    span = last - first
    claims = jobs / span
    pg_share = run.postgres_cpu_s / run.wall_s
    lines = [
        f"# Queue at many claimers: {args.wells} wells x 3x3 sites x 4 channels of {args.size} px",
        "",
        f"Load average at start {' / '.join(f'{x:.2f}' for x in load0)}, at end "
        f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs shared by everything below.",
        f"{args.workers} worker processes x --concurrency {args.concurrency} = {args.workers * args.concurrency} "
        f"concurrent claimers; init {init.wall_s:.2f} s for {init.extra['jobs']} jobs; submit {run.wall_s:.2f} s.",
        "",
        "| metric | value |",
        "|---|---|",
        f"| jobs completed (history rows / distinct) | {rows} / {distinct} |",
        f"| claims/s (jobs / first claim..last finish, {span:.2f} s) | {claims:.0f} |",
        f"| mean job time (claim -> complete) | {job_s / jobs * 1000:.1f} ms |",
        f"| peak jobs running at once | {peak} |",
        f"| barrier latency per stage, p50 / p90 / max (n={len(barrier)}) | {pct(barrier, .5):.1f} / "
        f"{pct(barrier, .9):.1f} / {max(barrier, default=float('nan')):.1f} ms |",
        f"| wake-up (stage released -> first claim), p50 / p90 / max (n={len(wakeup)}) | {pct(wakeup, .5):.1f} / "
        f"{pct(wakeup, .9):.1f} / {max(wakeup, default=float('nan')):.1f} ms |",
        f"| PostgreSQL CPU during submit | {run.postgres_cpu_s:.2f} s ({pg_share:.2f} cores) |",
        f"| workers CPU (sum) / max RSS | {run.worker_cpu_s:.2f} s / {run.worker_rss_mb:.0f} MB |",
        f"| coordinator CPU / RSS | {run.submit.cpu_s:.2f} s / {run.submit.max_rss_mb:.0f} MB |",
        f"| job errors | {errors or 'none'} |",
        "",
        "Per stage (in processing order; all 4 layers together):",
        "",
        "| stage | jobs | mean job ms | span s |",
        "|---|---|---|---|",
    ] + [f"| {' | '.join(l.split('|'))} |" for l in per_stage.splitlines()]
    result = (f"RESULT claims_per_s={claims:.0f} barrier_p50_ms={pct(barrier, .5):.1f} "
              f"barrier_max_ms={max(barrier, default=float('nan')):.1f} wakeup_p50_ms={pct(wakeup, .5):.1f} "
              f"postgres_cpu_share={pg_share:.2f}")
    lines += ["", "```", f"$ {' '.join(sys.argv)}", result, "```"]
    text = "\n".join(lines) + "\n"
    (logs / "report.md").write_text(text)
    shutil.copy(logs / "report.md", args.out / "queue-sim.md")
    print(text)
    print(result)
    return 0 if rows == distinct else 1


if __name__ == "__main__":
    sys.exit(main())
