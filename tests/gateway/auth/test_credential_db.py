"""A second store on the same SQLite file in one process (the admin tokens beside the keys, an
assurance run's credentials) must not cost the first connection its locks: POSIX locks are the
process's, and closing any descriptor of the file drops them all. Before the fix, the next process
to close its connection deleted the WAL under the gateway's, which then read a stale snapshot: keys
created after that were refused as invalid until a restart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gateway.auth.admin_tokens import AdminTokenStore
from gateway.auth.keystore import KeyStore
from gateway.config.settings import StoreSettings
from gateway.owner_only import create_owner_only

CREATE_KEY = """
import sys
from pathlib import Path
from gateway.auth.keystore import KeyStore
from gateway.config.settings import StoreSettings
keys = KeyStore.open(StoreSettings(sqlite_path=Path(sys.argv[1])), {})
keys.create(sys.argv[2], ("everyone",))
keys.close()
"""


def create_key_elsewhere(path: Path, user: str) -> None:
    """As ``aigw keys create`` does: another process, which closes its connection when done."""
    subprocess.run([sys.executable, "-c", CREATE_KEY, str(path), user], check=True, timeout=60)


def test_keys_created_by_other_processes_stay_visible_after_a_second_store_opens_the_file(tmp_path: Path) -> None:
    path = tmp_path / "aigw.db"
    settings = StoreSettings(sqlite_path=path)
    gateway_keys = KeyStore.open(settings, {})
    try:
        assert gateway_keys.active() == {}
        tokens = AdminTokenStore.open(settings, {})  # what the admin app opens beside the keys
        tokens.close()
        for user in ("ann", "bob", "cat"):
            create_key_elsewhere(path, user)
            assert sorted(r.user for r in gateway_keys.active().values())[-1] == user
        assert len(gateway_keys.active()) == 3
        assert path.with_name("aigw.db-wal").exists()  # still the live connection's WAL
    finally:
        gateway_keys.close()


def test_an_existing_file_is_never_opened_and_a_new_one_is_owner_only(tmp_path: Path) -> None:
    fresh = tmp_path / "new.db"
    create_owner_only(fresh)
    assert fresh.stat().st_mode & 0o777 == 0o600
    existing = tmp_path / "old.db"
    existing.write_bytes(b"kept")
    existing.chmod(0o640)
    create_owner_only(existing)
    assert existing.read_bytes() == b"kept"
    assert existing.stat().st_mode & 0o777 == 0o640  # left alone here (the stores narrow it by chmod)
