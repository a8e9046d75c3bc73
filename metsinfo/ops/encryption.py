"""Backups at rest: Fernet (from the ``cryptography`` package), keys from the environment.

Backups hold readers' optional email addresses, so a backup file is only ever written encrypted.
Fernet is authenticated encryption (AES-128-CBC with HMAC-SHA256): a file made with another key,
or damaged, is refused before anything is restored. ``BACKUP_ENCRYPTION_KEY`` holds one or more
keys, comma-separated, newest first; the first encrypts and any of them decrypts, so a key can
be replaced without losing the older backups (``MultiFernet``). Without it, development makes a
key once into ``BACKUP_KEY_FILE`` (``var/backup_key``, readable by this user only) and reuses it;
production has no such file and refuses to back up or restore.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

#: Every Fernet token starts with its version byte, 0x80, which base64 writes as "gA".
FERNET_MAGIC = b"gAAAAA"
NEW_KEY_COMMAND = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"


class MissingKeyError(Exception):
    """No usable key: the message says what to set."""


class WrongKeyError(Exception):
    """The file was not made with any of the keys given, or it is damaged."""


def _key_file(path: Path) -> str:
    """The key in ``path``, made there (readable by this user only) the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(Fernet.generate_key() + b"\n")
    return path.read_text().strip()


def keys() -> MultiFernet:
    """The configured keys, newest first."""
    raw = settings.BACKUP_ENCRYPTION_KEY
    if not raw:
        if settings.BACKUP_KEY_FILE is None:
            raise MissingKeyError(
                "BACKUP_ENCRYPTION_KEY is required with these settings: backups hold readers' email "
                f"addresses and are only written encrypted. Make a key with: {NEW_KEY_COMMAND} "
                "and keep a copy away from the backups (without it they cannot be restored)."
            )
        raw = _key_file(Path(settings.BACKUP_KEY_FILE))
    try:
        return MultiFernet([Fernet(key.strip()) for key in raw.split(",") if key.strip()])
    except ValueError:
        raise MissingKeyError(
            f"BACKUP_ENCRYPTION_KEY is not a list of Fernet keys (32 bytes, url-safe base64). Make one with: "
            f"{NEW_KEY_COMMAND}"
        ) from None


def encrypt(data: bytes) -> bytes:
    return keys().encrypt(data)


def decrypt(token: bytes) -> bytes:
    try:
        return keys().decrypt(token)
    except InvalidToken:
        problem = "it cannot be decrypted with BACKUP_ENCRYPTION_KEY (another key, or a damaged file)"
        raise WrongKeyError(problem) from None
