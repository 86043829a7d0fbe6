"""A throwaway PostgreSQL cluster that outlives single `illuminati` commands, so benchmarks
can start, kill and replace `illuminati-worker` processes themselves and restart the server.

Same server settings as the private cluster `illuminati` starts (EmbeddedCluster.swift):
socket only, default durability. Runs as the `postgres` user when started as root (initdb
refuses root). Standard library only.
"""
import os
import shutil
import subprocess
import time
from pathlib import Path

SERVER_USER = "postgres"


def pg_bindir() -> Path:
    configured = os.environ.get("ILLUMINATI_PG_BINDIR")
    if configured:
        return Path(configured)
    base = Path("/usr/lib/postgresql")
    versions = sorted((int(p.name) for p in base.iterdir() if p.name.isdigit()), reverse=True) if base.is_dir() else []
    for v in versions:
        if (base / str(v) / "bin" / "pg_ctl").exists():
            return base / str(v) / "bin"
    raise SystemExit("PostgreSQL server binaries not found (install postgresql-15 or set ILLUMINATI_PG_BINDIR)")


class PgCluster:
    def __init__(self, root: Path, port: int = 55471, database: str = "bench"):
        # The postgres user must reach the folder: keep it under /var/tmp when root's tree is private.
        self.root = Path(root).resolve()
        self.data = self.root / "data"
        self.socket = self.root / "sock"
        self.port = port
        self.database = database
        self.bindir = pg_bindir()
        self.as_root = os.geteuid() == 0

    # ------------------------------------------------------------ commands

    def _cmd(self, args, check=True, timeout=120):
        if self.as_root:
            args = ["runuser", "-u", SERVER_USER, "--"] + list(args)
        return subprocess.run(args, capture_output=True, text=True, check=check, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def _install_dir(self, path: Path, mode: str):
        if self.as_root:
            subprocess.run(["install", "-d", "-o", SERVER_USER, "-g", SERVER_USER, "-m", mode, str(path)], check=True)
        else:
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, int(mode, 8))

    @property
    def url(self) -> str:
        return f"host={self.socket} port={self.port} dbname={self.database} user={SERVER_USER}"

    def psql(self, sql: str, database: str | None = None, check=True) -> str:
        out = subprocess.run([str(self.bindir / "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                              "-h", str(self.socket), "-p", str(self.port), "-U", SERVER_USER,
                              "-d", database or self.database, "-c", sql],
                             capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
        if check and out.returncode != 0:
            raise RuntimeError(f"psql failed: {sql[:200]}\n{out.stderr}")
        return out.stdout.strip()

    def create(self) -> "PgCluster":
        """initdb (first time), start, and create the database (dropping an old one)."""
        self._install_dir(self.root, "755")
        self._install_dir(self.socket, "755")
        if not (self.data / "PG_VERSION").exists():
            if self.data.exists():
                shutil.rmtree(self.data)
            self._install_dir(self.data, "700")
            self._cmd([str(self.bindir / "initdb"), "-D", str(self.data), "-U", SERVER_USER, "-A", "trust",
                       "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        self.start()
        self.reset_database()
        return self

    def reset_database(self):
        self.psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)", database="postgres")
        self.psql(f"CREATE DATABASE {self.database}", database="postgres")

    def start(self):
        if self.running():
            return
        self._cmd([str(self.bindir / "pg_ctl"), "start", "-D", str(self.data), "-l", str(self.data / "server.log"),
                   "-w", "-t", "60", "-o", f"-k {self.socket} -p {self.port} -c listen_addresses='' "
                                           f"-c max_connections=200"])

    def stop(self, mode: str = "fast"):
        if self.running():
            self._cmd([str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60"])

    def restart(self, mode: str = "fast") -> float:
        """Stops and starts the server; returns the seconds it was down."""
        started = time.perf_counter()
        self.stop(mode)
        self.start()
        return time.perf_counter() - started

    def running(self) -> bool:
        if not (self.data / "PG_VERSION").exists():
            return False
        return self._cmd([str(self.bindir / "pg_ctl"), "status", "-D", str(self.data)], check=False).returncode == 0

    def destroy(self):
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------ accounting

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def cpu_seconds(self) -> float:
        """CPU time of the server so far: the postmaster plus every backend and auxiliary
        process it has reaped (cutime/cstime) plus the ones still alive."""
        pid = self.postmaster_pid()
        if pid is None:
            return 0.0
        tick = os.sysconf("SC_CLK_TCK")
        total = _stat_cpu(pid, with_children=True, tick=tick)
        for child in _children(pid):
            total += _stat_cpu(child, with_children=True, tick=tick)
        return total


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _stat_cpu(pid: int, with_children: bool, tick: int) -> float:
    f = _stat_fields(pid)
    if f is None:
        return 0.0
    # fields after "(comm) ": state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14
    total = int(f[11]) + int(f[12])
    if with_children:
        total += int(f[13]) + int(f[14])
    return total / tick


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]
