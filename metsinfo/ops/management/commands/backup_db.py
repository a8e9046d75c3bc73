"""``manage.py backup_db``: a consistent copy of the database (what ``make backup`` runs)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from metsinfo.ops.backups import BackupError, Target, backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database (SQLite online backup, or pg_dump) and print its path."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="File to write (default: var/backups/metsinfo-<time>.<ext>).")

    def handle(self, *args, output: Path | None = None, **options) -> None:
        try:
            engine = Target.from_settings(connection.settings_dict).engine
            if output is None:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                suffix = "sqlite3" if engine == "sqlite" else "pgdump"
                output = Path(settings.VAR_DIR) / "backups" / f"metsinfo-{stamp}.{suffix}"
            path = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backed up the {engine} database to {path} ({path.stat().st_size:,} bytes).")
