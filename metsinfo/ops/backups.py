"""Consistent, encrypted database backups and restores, for SQLite and PostgreSQL.

SQLite: the online backup API copies a consistent snapshot, while the site keeps running, into a
database in memory, which is then serialized. PostgreSQL: ``pg_dump --format=custom`` (one
consistent snapshot) to a pipe, restored by ``pg_restore`` from one. Either way the snapshot is
encrypted in memory (metsinfo/ops/encryption.py) before anything is written: no unencrypted copy
of the database ever reaches the disk. The file is written under a temporary name, readable by
this user only, and renamed when complete, so a half-written file never looks like a backup.
After each backup, ``rotate`` keeps the newest ``BACKUP_KEEP`` in the folder and deletes the rest.

A restore decrypts and checks the whole backup before it touches the target database, so a wrong
key or a damaged file changes nothing. Unencrypted backups made before encryption (a SQLite file
or a pg_dump archive) can still be restored.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.db import connection

from metsinfo.ops import encryption

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
#: What backup_db names its files: metsinfo-<UTC time>.<sqlite3|pgdump>.fernet (older ones, from
#: before encryption, without ".fernet"). Only such files are ever rotated away.
BACKUP_NAME = re.compile(r"metsinfo-\d{8}T\d{6}(?:\.\d{6})?Z\.(?:sqlite3|pgdump)(?:\.fernet)?")
SUFFIX = {"sqlite": "sqlite3.fernet", "postgresql": "pgdump.fernet"}


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


@dataclass(frozen=True)
class Target:
    engine: str  # "sqlite" or "postgresql"
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, settings_dict: dict) -> Target:
        engine = settings_dict["ENGINE"].rsplit(".", 1)[-1]
        if engine == "sqlite3":
            return cls("sqlite", str(settings_dict["NAME"]))
        if engine == "postgresql":
            return cls(
                "postgresql",
                settings_dict["NAME"],
                str(settings_dict.get("HOST") or ""),
                str(settings_dict.get("PORT") or ""),
                settings_dict.get("USER") or "",
                settings_dict.get("PASSWORD") or "",
            )
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {settings_dict['ENGINE']}.")

    @classmethod
    def from_url(cls, url: str) -> Target:
        try:
            return cls.from_settings(dj_database_url.parse(url))
        except ValueError as exc:
            raise BackupError(f"Not a database URL: {exc}") from None

    def pg_args(self) -> list[str]:
        args = ["--dbname", self.name]
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return args

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _run(args: list[str], target: Target, stdin: bytes | None = None) -> bytes:
    try:
        # The program is always pg_dump or pg_restore; the arguments come from settings, not readers.
        result = subprocess.run(args, env=target.pg_env(), input=stdin, capture_output=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{args[0]} is not installed (it comes with the PostgreSQL client tools).") from None
    if result.returncode:
        message = (result.stderr or result.stdout).decode(errors="replace").strip()
        raise BackupError(f"{args[0]} failed: {message}")
    return result.stdout


def snapshot(target: Target) -> bytes:
    """A consistent copy of the site's database, in memory."""
    if target.engine == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:")
        try:
            connection.connection.backup(copy)
            return copy.serialize()
        finally:
            copy.close()
    return _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *target.pg_args()], target)


def _encrypt(data: bytes) -> bytes:
    try:
        return encryption.encrypt(data)
    except encryption.MissingKeyError as exc:
        raise BackupError(str(exc)) from None


def backup(output: Path) -> Path:
    """Write an encrypted, consistent copy of the configured database to ``output``."""
    target = Target.from_settings(connection.settings_dict)
    token = _encrypt(snapshot(target))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(token)
            file.flush()
            os.fsync(file.fileno())
        partial.rename(output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder`` (by the time in their names)."""
    backups = sorted(path for path in folder.iterdir() if path.is_file() and BACKUP_NAME.fullmatch(path.name))
    old = backups[:-keep] if keep > 0 else backups
    for path in old:
        path.unlink()
    return old


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    data: bytes  # the database itself, decrypted


def _kind(data: bytes) -> str | None:
    if data.startswith(SQLITE_MAGIC):
        return "sqlite"
    if data.startswith(PG_MAGIC):
        return "postgresql"
    return None


def read(path: Path) -> Backup:
    """The backup at ``path``, decrypted and recognised; a clear error for anything else."""
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file.")
    data = path.read_bytes()
    if data.startswith(encryption.FERNET_MAGIC):
        try:
            data = encryption.decrypt(data)
        except (encryption.MissingKeyError, encryption.WrongKeyError) as exc:
            raise BackupError(f"{path}: {exc}. Nothing was changed.") from None
    kind = _kind(data)
    if kind is None:
        raise BackupError(f"{path}: not a metsinfo backup (neither a SQLite database nor a pg_dump archive).")
    return Backup(path, kind, data)


def restore(backup: Backup, target: Target) -> None:
    """Replace the contents of ``target`` with ``backup``."""
    path = backup.path
    if backup.kind != target.engine:
        raise BackupError(f"{path} is a {backup.kind} backup; the target database is {target.engine}.")
    if backup.kind == "sqlite":
        source = sqlite3.connect(":memory:")
        try:
            try:
                source.deserialize(backup.data)
                tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"{path}: a damaged SQLite database ({exc}).") from None
            if "django_migrations" not in tables:
                raise BackupError(f"{path}: a SQLite database, but not one of this site (no django_migrations).")
            with sqlite3.connect(target.name) as destination:
                source.backup(destination)
            destination.close()
        finally:
            source.close()
    else:
        _run(["pg_restore", "--list"], target, stdin=backup.data)
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             *target.pg_args()],
            target,
            stdin=backup.data,
        )  # fmt: skip
