from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from metsinfo.contentsync.exporter import export_content


class Command(BaseCommand):
    help = "Write articles, sections and the glossary from the database to content/ (the format load_content reads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--content-dir", type=Path, default=None, help="Default: settings.CONTENT_DIR.")

    def handle(self, *args, content_dir: Path | None, **options) -> None:
        root = content_dir or settings.CONTENT_DIR
        changed = export_content(root)
        for path in changed:
            self.stdout.write(f"wrote {path}")
        if changed:
            self.stdout.write(self.style.SUCCESS(f"Exported to {root}: {len(changed)} file(s) changed."))
        else:
            self.stdout.write(self.style.SUCCESS(f"No changes: {root} already matches the database."))
