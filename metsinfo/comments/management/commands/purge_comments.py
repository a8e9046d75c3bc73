from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from metsinfo.comments.models import Comment


class Command(BaseCommand):
    help = (
        "Delete spam and rejected comments, and erase optional email addresses, older than "
        "COMMENTS_RETENTION_DAYS. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; change nothing.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        cutoff = timezone.now() - timedelta(days=settings.COMMENTS_RETENTION_DAYS)
        unwanted = Comment.objects.filter(status__in=[Comment.Status.SPAM, Comment.Status.REJECTED], created__lt=cutoff)
        emails = Comment.objects.filter(created__lt=cutoff).exclude(email="")
        counts = (unwanted.count(), emails.exclude(pk__in=unwanted).count())
        if not dry_run:
            unwanted.delete()
            emails.update(email="")
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {counts[0]} spam or rejected comment(s) and "
            f"{'would erase' if dry_run else 'erased'} {counts[1]} email address(es) older than "
            f"{settings.COMMENTS_RETENTION_DAYS} days."
        )
