"""``manage.py restore_db FILE``: bring a backup back (what ``make restore BACKUP=FILE`` runs)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from metsinfo.ops.backups import BackupError, Target, read, restore


class Command(BaseCommand):
    help = "Replace a database's contents with a backup made by backup_db (decrypted with BACKUP_ENCRYPTION_KEY)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path)
        parser.add_argument("--database-url", help="Restore into this database instead of the site's (it must exist).")
        parser.add_argument("--noinput", "--no-input", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, backup: Path, database_url: str | None, noinput: bool, **options) -> None:
        try:
            # Decrypted and checked whole before the question, so a wrong key changes nothing.
            contents = read(backup)
            target = Target.from_url(database_url) if database_url else Target.from_settings(connection.settings_dict)
            if not noinput:
                answer = input(
                    f"This replaces everything in the {target.engine} database {target.name!r}. Type 'yes': "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            if not database_url:
                connection.close()  # the site's own database: let go of it while it is replaced
            restore(contents, target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        # Pages rendered from the old contents expire by themselves: within READER_PAGE_PROCESS_SECONDS
        # in the site's processes and s-maxage plus stale-while-revalidate in a proxy.
        self.stdout.write(f"Restored {backup} into the {target.engine} database {target.name!r}.")
