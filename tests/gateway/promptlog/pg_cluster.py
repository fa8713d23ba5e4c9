"""A private PostgreSQL cluster for tests that stop and restart the server.

The shared server on 127.0.0.1:5432 serves other tests, so outage tests get a cluster of
their own: ``initdb`` into a fresh folder, ``pg_ctl`` to start and stop it on a free port.
initdb refuses to run as root; then the binaries run as the ``postgres`` user (runuser),
which owns the folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def find_pg_bin() -> Path | None:
    """The newest installed PostgreSQL binaries folder holding initdb and pg_ctl, if any."""
    found = [Path(d) for d in glob.glob(PG_BIN_GLOB) if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists()]

    def major(path: Path) -> tuple[int, str]:
        version = path.parent.name
        return (int(version) if version.isdigit() else -1, version)

    return max(found, key=major) if found else None


def cannot_run_cluster(bin_dir: Path | None) -> str | None:
    """Why a private cluster cannot be started here, or None when it can."""
    if bin_dir is None:
        return f"no PostgreSQL server binaries (initdb, pg_ctl) under {PG_BIN_GLOB}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run initdb as"
        if shutil.which("runuser") is None:
            return "running as root and runuser (util-linux) is not installed"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """One PostgreSQL cluster in a temporary folder: ``start()``, ``stop()``, ``dsn``, ``cleanup()``."""

    def __init__(self, bin_dir: Path) -> None:
        self._bin = bin_dir
        self._as_root = os.geteuid() == 0
        # Not under pytest's tmp_path: as root that folder is private to root and the
        # postgres user could not reach the cluster inside it.
        self.base = Path(tempfile.mkdtemp(prefix="aigw-pg-"))
        self.data = self.base / "data"
        self.log_file = self.base / "postgres.log"
        self.port = free_port()
        self.running = False
        if self._as_root:
            shutil.chown(self.base, user="postgres", group="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log_file), "-w", "start")
        self.running = True

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.running = False

    def cleanup(self) -> None:
        try:
            if self.running:
                self.stop()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def server_log(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def _run(self, program: str, *args: str) -> None:
        command = [str(self._bin / program), *args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{self.server_log()[-2000:]}"
            )
