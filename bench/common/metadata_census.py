"""Counting a build's metadata operations on the storage: files created, renames, removals,
folders made and syncs, from `strace` logs of the processes that did them.

strace follows every thread, each into its own log (-ff: no call is split across lines), prints file descriptors with their paths (-y) so that
`openat(dirfd, name)` can be told to lie below the storage, logs successful calls only (-z)
and stops the process only at the traced calls (--seccomp-bpf), so the build runs at nearly
full speed. A benchmark runs one untimed build this way. Standard library only.
"""
import re
import shutil
from dataclasses import dataclass, fields
from pathlib import Path

TRACED = ("open,openat,creat,rename,renameat,renameat2,unlink,unlinkat,rmdir,mkdir,mkdirat,"
          "link,linkat,fsync,fdatasync,syncfs,sync_file_range")

_CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+)")


@dataclass
class MetadataOps:
    creates: int = 0      # open/openat/creat with O_CREAT or O_TMPFILE that succeeded
    renames: int = 0
    unlinks: int = 0      # files removed
    rmdirs: int = 0
    mkdirs: int = 0
    links: int = 0        # link/linkat: a nameless (O_TMPFILE) file named before its rename
    syncs: int = 0        # fsync, fdatasync, syncfs, sync_file_range

    def __add__(self, other: "MetadataOps") -> "MetadataOps":
        return MetadataOps(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


def available() -> bool:
    return shutil.which("strace") is not None


def strace_wrapper(prefix: Path) -> list[str]:
    """The command prefix that traces a process and its threads into `prefix.TID` files."""
    return ["strace", "-ff", "-qq", "-y", "-z", "--seccomp-bpf", "-e", f"trace={TRACED}", "-o", str(prefix)]


def logs(prefix: Path) -> list[Path]:
    return sorted(Path(prefix).parent.glob(Path(prefix).name + ".*"))


def count(log: Path, below: Path) -> MetadataOps:
    """The metadata operations in one strace log whose path lies below `below` (the storage):
    the calls on the build's files, not the images it reads or its libraries."""
    root = str(below)
    ops = MetadataOps()
    for line in log.read_text(errors="replace").splitlines():
        m = _CALL.match(line)
        if not m or root not in m.group(2):
            continue
        call, args = m.group(1), m.group(2)
        if call in ("open", "openat", "creat"):
            if call == "creat" or "O_CREAT" in args or "O_TMPFILE" in args:
                ops.creates += 1
        elif call.startswith("rename"):
            ops.renames += 1
        elif call == "unlinkat":
            if "AT_REMOVEDIR" in args:
                ops.rmdirs += 1
            else:
                ops.unlinks += 1
        elif call == "unlink":
            ops.unlinks += 1
        elif call == "rmdir":
            ops.rmdirs += 1
        elif call.startswith("mkdir"):
            ops.mkdirs += 1
        elif call.startswith("link"):
            ops.links += 1
        elif call in ("fsync", "fdatasync", "syncfs", "sync_file_range"):
            ops.syncs += 1
    return ops


def count_all(prefixes, below: Path) -> MetadataOps:
    """The sum over the logs of every traced process (`strace_wrapper` prefixes)."""
    total = MetadataOps()
    for log in (log for prefix in prefixes for log in logs(prefix)):
        total = total + count(Path(log), below)
    return total
