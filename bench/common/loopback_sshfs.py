"""A network filesystem on this machine: `sshd` on 127.0.0.1 and an `sshfs` mount of one of
its folders, so that every create, rename, close and unlink on the mount is a round trip to a
server, as on NFS. Debian's openssh-server and sshfs (installed with apt-get when missing;
root only).

Everything the server needs (its configuration, host key, the client's key and the authorized
key, its log) lives in a private temporary folder; the server runs in the foreground as a child
of this process and listens on loopback only. `with LoopbackSSHFS(export) as mount:` mounts,
and unmounts, stops the server and removes the folder on the way out, also on an error, Ctrl-C
or SIGTERM. Standard library only.
"""
import getpass
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SSHD = "/usr/sbin/sshd"
PACKAGES = ["openssh-server", "sshfs"]


def ensure_installed() -> None:
    if Path(SSHD).exists() and shutil.which("sshfs") and shutil.which("ssh-keygen"):
        return
    if os.geteuid() != 0:
        raise SystemExit(f"needs {' and '.join(PACKAGES)}: apt-get install {' '.join(PACKAGES)}")
    install = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "--no-install-recommends", *PACKAGES]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print("installing", " ".join(PACKAGES), flush=True)
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=300", "update"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(install, env=env, check=True, stdout=subprocess.DEVNULL)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(what: str, ready, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{what} did not come up (exit status {process.poll()}):\n{tail}")
        time.sleep(0.05)


class LoopbackSSHFS:
    def __init__(self, export: Path):
        self.export = Path(export).resolve()
        self.mount: Path | None = None
        self._home: Path | None = None
        self._sshd: subprocess.Popen | None = None
        self._sshfs: subprocess.Popen | None = None
        self._previous_sigterm = None

    def __enter__(self) -> Path:
        ensure_installed()
        self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self.mount

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        self.export.mkdir(parents=True, exist_ok=True)
        home = self._home = Path(tempfile.mkdtemp(prefix="illuminati-sshfs-"))  # mode 0700
        for key in ("host_key", "client_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(home / key)], check=True,
                           stdin=subprocess.DEVNULL)
        shutil.copy(home / "client_key.pub", home / "authorized_keys")
        port = _free_port()
        config = home / "sshd_config"
        config.write_text("\n".join([
            "ListenAddress 127.0.0.1", f"Port {port}", f"HostKey {home / 'host_key'}",
            f"AuthorizedKeysFile {home / 'authorized_keys'}", f"PidFile {home / 'sshd.pid'}",
            "PermitRootLogin prohibit-password", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "UsePAM no", "StrictModes no", "Subsystem sftp internal-sftp", "LogLevel ERROR", ""]))
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
        log = home / "sshd.log"
        # -D: stays a child of ours (stopped by its pid); -e: log to stderr, i.e. the log file.
        with open(log, "ab") as out:
            self._sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdin=subprocess.DEVNULL,
                                          stdout=out, stderr=subprocess.STDOUT)

        def listening() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return True
            except OSError:
                return False
        _wait_for("sshd", listening, 15, self._sshd, log)

        mount = self.mount = home / "mnt"
        mount.mkdir()
        options = ",".join([f"IdentityFile={home / 'client_key'}", "StrictHostKeyChecking=no",
                            "UserKnownHostsFile=/dev/null", "BatchMode=yes", "LogLevel=ERROR"])
        sshfs_log = home / "sshfs.log"
        # -f: in the foreground, a child of ours, so it ends with the mount.
        with open(sshfs_log, "ab") as out:
            self._sshfs = subprocess.Popen(["sshfs", "-f", "-p", str(port), "-o", options,
                                            f"{getpass.getuser()}@127.0.0.1:{self.export}", str(mount)],
                                           stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        _wait_for("sshfs", lambda: os.path.ismount(mount), 30, self._sshfs, sshfs_log)

    def close(self) -> None:
        if self.mount is not None and os.path.ismount(self.mount):
            unmount = shutil.which("fusermount3") or shutil.which("fusermount") or "fusermount"
            if subprocess.run([unmount, "-u", str(self.mount)], stderr=subprocess.DEVNULL).returncode != 0:
                subprocess.run([unmount, "-u", "-z", str(self.mount)], stderr=subprocess.DEVNULL)
        for process in (self._sshfs, self._sshd):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self._sshfs = self._sshd = None
        if self._home is not None and not (self.mount and os.path.ismount(self.mount)):
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)
