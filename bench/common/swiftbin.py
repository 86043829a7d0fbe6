"""Locating (and if needed building) the release `illuminati` executable."""
import subprocess
import sys
from pathlib import Path

from .venv import REPO_ROOT


def release_bin_dir(bin_dir: str | None = None) -> Path:
    """The folder given, else SwiftPM's release products folder (which may not be built yet)."""
    if bin_dir:
        return Path(bin_dir)
    show = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=True)
    return Path(show.stdout.strip())


def illuminati_binary(bin_dir: str | None, build: bool = False) -> Path:
    exe = release_bin_dir(bin_dir) / "illuminati"
    if bin_dir:
        if not exe.exists():
            raise SystemExit(f"{exe} does not exist")
        return exe
    if build or not exe.exists():
        print(f"building {exe} (swift build -c release --product illuminati)", file=sys.stderr)
        subprocess.run(["swift", "build", "-c", "release", "--product", "illuminati"], cwd=REPO_ROOT, check=True)
    return exe


def has_subcommand(exe: Path, name: str) -> bool:
    """True when `exe name` is a known subcommand: run without arguments, an unknown one is
    reported as an unexpected argument (exit statuses and --help are not relied on)."""
    out = subprocess.run([str(exe), name], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return f"Unexpected argument '{name}'" not in out.stdout + out.stderr
