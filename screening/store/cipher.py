"""Encryption at rest of what workers typed and answered (special-category data, UK GDPR Art. 9).

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) with rotation: ``SCREENING_STORE_KEYS``
holds one or more Fernet keys separated by commas, newest first; the newest encrypts and every one
decrypts, so a council rotates by putting a new key in front.  In local mode (no key configured) a
key file is made beside the database, readable by its owner only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEYS_ENV = "SCREENING_STORE_KEYS"


class CipherError(Exception):
    """The store's key is missing, malformed, or does not open what is stored."""


class Cipher:
    """Encrypts and decrypts JSON values with the configured keys."""

    def __init__(self, keys: list[bytes]):
        if not keys:
            raise CipherError("no store key is configured")
        try:
            self._f = MultiFernet([Fernet(k) for k in keys])
        except (ValueError, TypeError) as e:
            raise CipherError(f"a store key is not a Fernet key ({e})") from None

    def seal(self, value: Any) -> bytes:
        return self._f.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def open(self, token: bytes) -> Any:
        try:
            return json.loads(self._f.decrypt(token).decode("utf-8"))
        except InvalidToken:
            raise CipherError("stored data cannot be opened with the configured keys") from None

    @classmethod
    def configured(cls, local_key_file: Path | None) -> Cipher:
        """Keys from ``SCREENING_STORE_KEYS``; else the local key file, made on first use (0600)."""
        raw = os.environ.get(KEYS_ENV, "").strip()
        if raw:
            return cls([k.strip().encode() for k in raw.split(",") if k.strip()])
        if local_key_file is None:
            raise CipherError(f"set {KEYS_ENV} to the council's store key")
        return cls([local_key(local_key_file)])


def local_key(path: Path) -> bytes:
    """Read the local key file, or create it readable and writable by its owner only."""
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key
