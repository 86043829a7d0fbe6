"""Timing a child process: wall clock, CPU time and peak RSS of that child alone."""
import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field


@dataclass
class Measurement:
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_mb: float
    returncode: int
    output: str
    extra: dict = field(default_factory=dict)


def run_measured(cmd, env=None, cwd=None, check=True) -> Measurement:
    """Runs `cmd` and waits for it with wait4(), so the rusage is this child's own
    (ru_maxrss in KiB on Linux), not an accumulation over earlier children."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # Read the pipe before waiting so a chatty child cannot block on a full pipe.
    output = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    result = Measurement(wall_s=wall, user_s=usage.ru_utime, sys_s=usage.ru_stime,
                         max_rss_mb=usage.ru_maxrss / 1024.0, returncode=proc.returncode, output=output)
    if check and proc.returncode != 0:
        tail = "\n".join(output.splitlines()[-30:])
        raise RuntimeError(f"command failed with exit status {proc.returncode}: {' '.join(map(str, cmd))}\n{tail}")
    return result


def settle(pause_s: float = 1.0) -> None:
    """Flushes dirty pages of the previous run and lets the machine calm down."""
    os.sync()
    time.sleep(pause_s)


def median_range(values):
    """(median, min, max) of a non-empty list."""
    return statistics.median(values), min(values), max(values)


def fmt_mrange(values, unit="s", digits=2) -> str:
    med, lo, hi = median_range(values)
    if len(values) == 1:
        return f"{med:.{digits}f}{unit}"
    return f"{med:.{digits}f}{unit} [{lo:.{digits}f}-{hi:.{digits}f}]"
