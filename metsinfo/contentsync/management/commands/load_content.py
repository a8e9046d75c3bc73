from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from metsinfo.contentsync.contentfiles import ContentError
from metsinfo.contentsync.plan import load_content


class Command(BaseCommand):
    help = "Load the Markdown files in content/ into the database (idempotent, all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--content-dir", type=Path, default=None, help="Default: settings.CONTENT_DIR.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite sections an editor changed in the admin since the last load.",
        )

    def handle(self, *args, content_dir: Path | None, dry_run: bool, force: bool, **options) -> None:
        root = content_dir or settings.CONTENT_DIR
        try:
            plan = load_content(root, dry_run=dry_run, force=force)
        except ContentError as exc:
            raise CommandError(
                f"Nothing was loaded: {len(exc.problems)} problem(s) in {root}:\n"
                + "\n".join(f"  {problem}" for problem in exc.problems)
            ) from None
        if plan.conflicts:
            raise CommandError(
                "Nothing was loaded: these were changed both in the admin and in content/ since the last "
                "load. Merge the editor's changes into the files, or run with --force to overwrite them:\n"
                + "\n".join(f"  {conflict}" for conflict in plan.conflicts)
            )
        for item in plan.kept_edits:
            self.stdout.write(f"kept the editor's version of {item}; --force would overwrite it")
        for item in plan.only_in_database:
            self.stdout.write(f"only in the database (left as it is): {item}")
        if plan.is_empty:
            self.stdout.write(self.style.SUCCESS(f"No changes: the database already matches {root}."))
            return
        prefix = "would " if dry_run else ""
        for change in [*plan.changes, *plan.notes, *plan.other_changes]:
            self.stdout.write(f"{prefix}{change}")
        summary = f"{len(plan.changes) + len(plan.notes) + len(plan.other_changes)} change(s)"
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run: {summary} not written."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {root}: {summary}."))
