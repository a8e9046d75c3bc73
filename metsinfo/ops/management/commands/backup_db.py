"""``manage.py backup_db``: an encrypted, consistent copy of the database (what ``make backup`` runs)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from metsinfo.ops.backups import SUFFIX, BackupError, Target, backup, rotate


class Command(BaseCommand):
    help = (
        "Write an encrypted, consistent backup of the database (SQLite online backup, or pg_dump), print its "
        "path, and keep only the newest BACKUP_KEEP backups in its folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="File to write (default: var/backups/metsinfo-<time>.<ext>.fernet)."
        )
        parser.add_argument("--keep", type=int, help="Backups to keep in the folder (default: BACKUP_KEEP).")

    def handle(self, *args, output: Path | None = None, keep: int | None = None, **options) -> None:
        keep = settings.BACKUP_KEEP if keep is None else keep
        if keep < 1:
            raise CommandError("--keep must be at least 1: the backup just made is always kept.")
        try:
            engine = Target.from_settings(connection.settings_dict).engine
            if output is None:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
                output = Path(settings.VAR_DIR) / "backups" / f"metsinfo-{stamp}.{SUFFIX[engine]}"
            path = backup(output)
            removed = rotate(path.parent, keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backed up the {engine} database, encrypted, to {path} ({path.stat().st_size:,} bytes).")
        if removed:
            self.stdout.write(f"Deleted {len(removed)} older backup(s), keeping the newest {keep}.")
