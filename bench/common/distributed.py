"""Driving the distributed build as real processes: `illuminati experiment create / init /
submit` against a PgCluster, and `illuminati-worker` processes started (and killed) by the
benchmark itself, so each process's wall, CPU and peak RSS are its own (wait4 rusage).

Standard library only.
"""
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .measure import Measurement, run_measured


@dataclass
class ProcStats:
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_mb: float
    returncode: int | None
    minor_faults: int = 0       # pages first touched (each zeroed or mapped by the kernel)
    voluntary_switches: int = 0  # waits: I/O, locks, the queue

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s


class Child:
    """A started process whose rusage is collected with wait4 when it ends."""

    def __init__(self, cmd, log: Path, env=None, wrapped=False):
        """`wrapped`: `cmd` is a wrapper (strace …) that runs the program as its child; signals
        go to that program, since the wrapper blocks them."""
        self.cmd = [str(c) for c in cmd]
        self.wrapped = wrapped
        self.log_path = log
        self._log = open(log, "ab")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     stdin=subprocess.DEVNULL)
        self.stats: ProcStats | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def poll(self) -> ProcStats | None:
        """Reaps the process if it has ended (non-blocking)."""
        if self.stats is None:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid == self.pid:
                self._done(status, usage)
        return self.stats

    def wait(self, timeout: float | None = None) -> ProcStats | None:
        deadline = None if timeout is None else time.perf_counter() + timeout
        while self.poll() is None:
            if deadline is not None and time.perf_counter() > deadline:
                return None
            time.sleep(0.02)
        return self.stats

    def signal(self, sig) -> None:
        if self.stats is None:
            try:
                os.kill(self._signal_target(), sig)
            except ProcessLookupError:
                pass

    def _signal_target(self) -> int:
        if self.wrapped:
            try:
                children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
                if children:
                    return int(children[0])
            except OSError:
                pass
        return self.pid

    def stop(self, timeout: float = 30.0) -> ProcStats:
        """SIGTERM, then SIGKILL after `timeout`."""
        self.signal(signal.SIGTERM)
        if self.wait(timeout) is None:
            self.signal(signal.SIGKILL)
            self.wait()
        return self.stats

    def _done(self, status, usage) -> None:
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.stats = ProcStats(wall_s=time.perf_counter() - self.started, user_s=usage.ru_utime,
                               sys_s=usage.ru_stime, max_rss_mb=usage.ru_maxrss / 1024.0,
                               returncode=self.proc.returncode, minor_faults=usage.ru_minflt,
                               voluntary_switches=usage.ru_nvcsw)
        self._log.close()

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


@dataclass
class BuildRun:
    """One `submit` with its workers."""
    experiment: str
    submit: ProcStats
    workers: list            # list[ProcStats]
    output: str              # submit's stdout+stderr
    postgres_cpu_s: float
    tiles: int = 0
    tile_bytes: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def wall_s(self) -> float:
        return self.submit.wall_s

    @property
    def worker_cpu_s(self) -> float:
        return sum(w.cpu_s for w in self.workers)

    @property
    def worker_user_s(self) -> float:
        return sum(w.user_s for w in self.workers)

    @property
    def worker_sys_s(self) -> float:
        return sum(w.sys_s for w in self.workers)

    @property
    def worker_minor_faults(self) -> int:
        return sum(w.minor_faults for w in self.workers)

    @property
    def worker_voluntary_switches(self) -> int:
        return sum(w.voluntary_switches for w in self.workers)

    @property
    def worker_rss_mb(self) -> float:
        return max((w.max_rss_mb for w in self.workers), default=0.0)


class Illuminati:
    """The two executables, one database, one storage root."""

    def __init__(self, bin_dir: Path, cluster, storage: Path, logs: Path):
        self.exe = Path(bin_dir) / "illuminati"
        self.worker_exe = Path(bin_dir) / "illuminati-worker"
        for p in (self.exe, self.worker_exe):
            if not p.exists():
                raise SystemExit(f"{p} does not exist (build it: swift build -c release)")
        self.cluster = cluster
        self.storage = Path(storage)
        self.logs = Path(logs)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.storage.mkdir(parents=True, exist_ok=True)
        self.counter = 0

    def _log_name(self, label: str) -> Path:
        self.counter += 1
        return self.logs / f"{self.counter:04d}-{label}.log"

    def run(self, args, check=True) -> Measurement:
        cmd = [str(self.exe)] + [str(a) for a in args] + ["--database-url", self.cluster.url]
        m = run_measured(cmd, check=check)
        self._log_name(str(args[0])).write_text(" ".join(cmd) + "\n" + m.output)
        return m

    def create(self, name: str, manifest: Path) -> Measurement:
        return self.run(["experiment", "create", name, "--manifest", manifest])

    def init(self, name: str, options=()) -> Measurement:
        m = self.run(["init", name, *options])
        # "  LAYER: 400 → 100 → …  window [L, U]"
        m.extra["windows"] = {a: (int(lo), int(hi)) for a, lo, hi in
                              re.findall(r"^\s+(\S+): .*window \[(\d+), (\d+)\]", m.output, re.M)}
        jobs = re.search(r"planned, (\d+) jobs", m.output)
        m.extra["jobs"] = int(jobs.group(1)) if jobs else None
        return m

    def start_worker(self, concurrency: int = 1, extra=(), label="worker", wrap=()) -> Child:
        """`wrap`: a command the worker runs under (e.g. strace), empty for none."""
        cmd = [*wrap, self.worker_exe, "--database-url", self.cluster.url, "--storage", self.storage,
               "--concurrency", str(concurrency), *extra]
        return Child(cmd, self._log_name(label), wrapped=bool(wrap))

    def start_submit(self, name: str, interval: float | None = 0.2, extra=(), wrap=()) -> Child:
        """`interval` None: submit's own default, as users run it."""
        pacing = [] if interval is None else ["--interval", str(interval)]
        cmd = [*wrap, self.exe, "submit", name, *pacing, "--storage", self.storage,
               "--database-url", self.cluster.url, *extra]
        return Child(cmd, self._log_name("submit"), wrapped=bool(wrap))

    def submit(self, name: str, workers: int = 2, concurrency: int = 1, worker_extra=(),
               timeout: float = 1800, interval: float | None = 0.2, wrap=None) -> BuildRun:
        """Timed span: submit's start to its exit. Workers start right after submit and are
        stopped (SIGTERM) once it has exited; their rusage is their own. `wrap(label)`, when
        given, is the command each process runs under (label "submit", "worker-1", …)."""
        wrap = wrap or (lambda label: ())
        pg_before = self.cluster.cpu_seconds()
        submit = self.start_submit(name, interval=interval, wrap=wrap("submit"))
        children = [self.start_worker(concurrency, worker_extra, wrap=wrap(f"worker-{i + 1}"))
                    for i in range(workers)]
        stats = submit.wait(timeout)
        if stats is None:
            submit.stop(5)
            for c in children:
                c.stop(5)
            raise RuntimeError(f"submit {name} did not finish in {timeout} s; log {submit.log_path}")
        pg_after = self.cluster.cpu_seconds()
        worker_stats = [c.stop() for c in children]
        run = BuildRun(experiment=name, submit=stats, workers=worker_stats, output=submit.output(),
                       postgres_cpu_s=pg_after - pg_before)
        run.tiles, run.tile_bytes = count_tiles(self.storage / name)
        return run

    def experiment_dir(self, name: str) -> Path:
        return self.storage / name


def count_tiles(folder: Path) -> tuple[int, int]:
    """(tiles, bytes) of every `*_files/<level>/*.jp*g` below `folder`, and of every entry of
    the shards `*_shards/*.zip` (read from their central directories)."""
    import zipfile
    n = total = 0
    if not folder.exists():
        return 0, 0
    for entry in os.scandir(folder):
        if entry.is_dir() and entry.name.endswith("_files"):
            for root, _, files in os.walk(entry.path):
                for f in files:
                    if f.endswith((".jpg", ".jpeg")):
                        n += 1
                        total += os.stat(os.path.join(root, f)).st_size
        elif entry.is_dir() and entry.name.endswith("_shards"):
            for shard in os.scandir(entry.path):
                if shard.name.endswith(".zip") and not shard.name.startswith("."):
                    with zipfile.ZipFile(shard.path) as z:
                        for info in z.infolist():
                            if info.filename.endswith((".jpg", ".jpeg")):
                                n += 1
                                total += info.file_size
    return n, total


def count_files(folder: Path) -> tuple[int, int]:
    """(files, hidden temporaries `.NAME.*.tmp`) below `folder`; folders are not counted."""
    files = temporaries = 0
    for _, _, names in os.walk(folder):
        files += len(names)
        temporaries += sum(1 for f in names if f.startswith(".") and f.endswith(".tmp"))
    return files, temporaries


def tile_digests(folder: Path) -> dict[str, bytes]:
    """sha1 of every file of the viewer output (`*.dzi` and `*_files/**`) below `folder`; the
    tiles of shards (`*_shards/*.zip`) as `NAME_shards/{level}/{col}_{row}.jpg`."""
    import hashlib
    import zipfile
    out = {}
    folder = Path(folder)
    if not folder.exists():
        return out
    for entry in os.scandir(folder):
        if entry.is_file() and entry.name.endswith(".dzi"):
            out[entry.name] = hashlib.sha1(Path(entry.path).read_bytes()).digest()
        elif entry.is_dir() and entry.name.endswith("_shards"):
            for shard in os.scandir(entry.path):
                if shard.name.endswith(".zip") and not shard.name.startswith("."):
                    with zipfile.ZipFile(shard.path) as z:
                        for name in z.namelist():
                            out[f"{entry.name}/{name}"] = hashlib.sha1(z.read(name)).digest()
                elif shard.name == "blank.jpg":
                    out[f"{entry.name}/{shard.name}"] = hashlib.sha1(Path(shard.path).read_bytes()).digest()
        elif entry.is_dir() and entry.name.endswith("_files"):
            for root, _, files in os.walk(entry.path):
                for f in files:
                    p = Path(root) / f
                    out[str(p.relative_to(folder))] = hashlib.sha1(p.read_bytes()).digest()
    return out
