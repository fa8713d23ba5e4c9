"""A run's credentials: everything made is revoked at close, and a key asked for after close (a run
cancelled while its probes of approved-tool rules were being prepared) is not made."""

from __future__ import annotations

from pathlib import Path

from gateway.assurance.credentials import RunCredentials
from gateway.auth.identity import ASSURANCE_USER
from gateway.auth.keystore import KeyStore
from gateway.config.settings import Settings


def test_no_key_is_made_after_close_and_every_made_key_is_revoked(tmp_path: Path) -> None:
    settings = Settings.model_validate({"store": {"sqlite_path": str(tmp_path / "aigw.db")}})
    credentials = RunCredentials.open(settings, {})
    assert credentials.key_for(("engineering",)) is not None
    credentials.close()
    assert credentials.key_for(("marketing",)) is None
    keys = KeyStore.open(settings.store, {})
    try:
        mine = [k for k in keys.list() if k.user == ASSURANCE_USER]
        assert len(mine) == 3  # the run's key, the one revoked for its probe, the engineering key
        assert not [k for k in keys.list(include_revoked=False) if k.user == ASSURANCE_USER]
    finally:
        keys.close()
