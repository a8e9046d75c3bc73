from django.core.management.base import BaseCommand, CommandError

from metsinfo.articles import pagecache


class Command(BaseCommand):
    help = "Retire every cached page on every server (they are rendered afresh on their next visit)."

    def handle(self, *args, **options) -> None:
        if not pagecache.invalidate():
            raise CommandError("The cache failed (see the log above); no page was retired. Try again once it answers.")
        self.stdout.write(self.style.SUCCESS("Every cached page is retired."))
