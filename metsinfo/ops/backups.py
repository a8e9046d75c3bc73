"""Consistent database backups and restores, for SQLite and PostgreSQL.

SQLite: the online backup API copies a consistent snapshot while the site keeps running.
PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot), restored by ``pg_restore``.
A backup is written under a temporary name and renamed when complete, so a half-written file
never looks like a backup.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


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


def _run(args: list[str], target: Target) -> None:
    try:
        # The program is always pg_dump or pg_restore; the arguments come from settings, not readers.
        result = subprocess.run(args, env=target.pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{args[0]} is not installed (it comes with the PostgreSQL client tools).") from None
    if result.returncode:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def backup(output: Path) -> Path:
    """Write a consistent copy of the configured database to ``output``."""
    target = Target.from_settings(connection.settings_dict)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    if target.engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(partial) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial), *target.pg_args()],
            target,
        )
    partial.rename(output)
    return output


def kind_of(path: Path) -> str:
    """ "sqlite" or "postgresql", from the file's first bytes; a clear error for anything else."""
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file.")
    with path.open("rb") as file:
        head = file.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: not a metsinfo backup (neither a SQLite database nor a pg_dump archive).")


def restore(path: Path, target: Target) -> None:
    """Replace the contents of ``target`` with the backup at ``path``."""
    kind = kind_of(path)
    if kind != target.engine:
        raise BackupError(f"{path} is a {kind} backup; the target database is {target.engine}.")
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "django_migrations" not in tables:
                raise BackupError(f"{path}: a SQLite database, but not one of this site (no django_migrations).")
            with sqlite3.connect(target.name) as destination:
                source.backup(destination)
            destination.close()
        finally:
            source.close()
    else:
        _run(["pg_restore", "--list", str(path)], target)
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             *target.pg_args(), str(path)],
            target,
        )  # fmt: skip
