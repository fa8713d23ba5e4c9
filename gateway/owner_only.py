"""Creating a SQLite database file owner-only (0600) from its first byte, without ever opening
a file descriptor on a database that already exists.

POSIX record locks belong to the process, not to the descriptor: closing *any* descriptor of a
file drops every lock the process holds on it, SQLite's included. A process that opened and
closed the file of a database it already had open (a second store on the same file: the admin
tokens beside the keys, a run's credentials) silently lost its locks; the next process to close
its connection then found itself "last", checkpointed and deleted the WAL under the first
connection, which from then on read a stale snapshot (new keys refused as invalid) or failed.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def create_owner_only(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist; an existing file is left untouched."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
