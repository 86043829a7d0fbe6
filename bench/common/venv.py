"""Run a benchmark inside bench/.venv, creating it from a requirements file when needed.

Standard library only: this runs before the venv exists.
"""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = BENCH_DIR.parent
VENV_DIR = BENCH_DIR / ".venv"


def _in_venv() -> bool:
    try:
        return Path(sys.prefix).resolve() == VENV_DIR.resolve()
    except OSError:
        return False


def ensure_venv(requirements: Path) -> None:
    """Re-executes the current script with bench/.venv's Python, installing `requirements`
    into the venv first when the venv is missing or was built from other requirements."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    stamp = VENV_DIR / f".requirements-{requirements.parent.name}-{digest}"
    python = VENV_DIR / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV_DIR}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV_DIR)])
    if not stamp.exists():
        print(f"installing {requirements} into {VENV_DIR}", file=sys.stderr)
        subprocess.check_call([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
        subprocess.check_call([str(python), "-m", "pip", "install", "-q", "-r", str(requirements)])
        stamp.write_text(requirements.read_text())
    if not _in_venv():
        script = os.path.abspath(sys.argv[0])
        os.execv(str(python), [str(python), script] + sys.argv[1:])
