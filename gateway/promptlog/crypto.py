"""The prompt log's keys: AES-256-GCM for text at rest, HMAC-SHA256 for the ``hash`` level.

A keyring holds every key ever used (so old records stay readable) and the id of the
current one (used for new records). Every stored value carries the id of the key that
sealed it. Keys come from a JSON file (``{"current": ID, "keys": {ID: base64}}``, mode
0600, written by ``aigw keys rotate-log-key``) or from an environment variable holding
the same JSON, for deployments that inject secrets that way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gateway.errors import ConfigError, ConfigProblem

KEY_BYTES = 32
NONCE_BYTES = 12
HASH_INFO = b"aigw prompt-log text hash v1"


class LogDecryptError(Exception):
    """A value cannot be opened: its key is not in the keyring, or it was altered."""


class LogKeyring:
    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError(f"current key {current!r} is not in the keyring")
        self._keys = dict(keys)
        self.current = current
        self._ciphers = {kid: AESGCM(key) for kid, key in self._keys.items()}
        # A separate key for hashes: the encryption key is never used for two purposes.
        self._hash_keys = {kid: _derive(key) for kid, key in self._keys.items()}

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def seal(self, plaintext: str, context: bytes) -> bytes:
        """nonce || ciphertext+tag, bound to ``context`` (record id and field) so a value
        cannot be moved to another record or field unnoticed."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._ciphers[self.current].encrypt(nonce, plaintext.encode(), context)

    def open(self, key_id: str, sealed: bytes, context: bytes) -> str:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise LogDecryptError(f"the key {key_id!r} that sealed this value is not in the keyring")
        try:
            return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context).decode()
        except InvalidTag:
            raise LogDecryptError("the value does not open with its key: it was altered or moved") from None

    def keyed_hash(self, text: str) -> str:
        """HMAC-SHA256 of the text: proves what was sent without keeping it (and, unlike a
        plain hash, cannot be tested against guesses without the key)."""
        return self.keyed_hash_under(self.current, text)

    def keyed_hash_under(self, key_id: str, text: str) -> str:
        """The keyed hash a value had when ``key_id`` was current (to search older evidence)."""
        return hmac.new(self._hash_keys[key_id], text.encode(), hashlib.sha256).hexdigest()


def _derive(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=HASH_INFO).derive(key)


def load_keyring(key_file: Path | None, env_var: str, environ: Mapping[str, str]) -> LogKeyring | None:
    """The keyring from the environment variable if set, else from the file if it exists; None if neither."""
    if environ.get(env_var):
        return _parse(environ[env_var], f"environment variable {env_var}")
    if key_file is None or not key_file.exists():
        return None
    try:
        mode = key_file.stat().st_mode
        text = key_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([ConfigProblem(str(key_file), "", f"cannot read the log key file: {exc.strerror}")]) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        message = f"the log key file is readable by others (mode {stat.filemode(mode)}); chmod 600 it"
        raise ConfigError([ConfigProblem(str(key_file), "", message)])
    return _parse(text, str(key_file))


def _parse(text: str, source: str) -> LogKeyring:
    def problem(message: str) -> ConfigError:
        return ConfigError([ConfigProblem(source, "", message)])

    try:
        data = json.loads(text)
    except ValueError:
        raise problem('not JSON: expected {"current": ID, "keys": {ID: base64 key}}') from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict) or not data["keys"]:
        raise problem('expected {"current": ID, "keys": {ID: base64 key}} with at least one key')
    keys: dict[str, bytes] = {}
    for kid, encoded in data["keys"].items():
        try:
            key = base64.b64decode(str(encoded), validate=True)
        except (binascii.Error, ValueError):
            raise problem(f"key {kid!r} is not base64") from None
        if len(key) != KEY_BYTES:
            raise problem(f"key {kid!r} is {len(key)} bytes; AES-256 keys are {KEY_BYTES}")
        keys[str(kid)] = key
    current = data.get("current")
    if current not in keys:
        raise problem(f"current key {current!r} is not one of the keys ({', '.join(keys)})")
    return LogKeyring(keys, str(current))


def rotate_key_file(path: Path) -> str:
    """Add a new random key to the file (creating it, mode 0600) and make it current; the id."""
    data: dict[str, object] = {"keys": {}}
    if path.exists():
        _parse(path.read_text(encoding="utf-8"), str(path))  # refuse to rewrite a broken file
        data = json.loads(path.read_text(encoding="utf-8"))
    kid = "lk_" + secrets.token_hex(4)
    keys = dict(data["keys"])  # type: ignore[call-overload]
    keys[kid] = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()
    text = json.dumps({"current": kid, "keys": keys}, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)  # never a half-written key file
    return kid
