from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metsinfo.articles.models import Article


class Command(BaseCommand):
    help = (
        "List articles overdue for clinical review or due within 30 days. "
        "Exits with status 1 when any is overdue, so a scheduler can alert."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today).")

    def handle(self, *args, today: date | None, **options) -> None:
        today = today or date.today()
        overdue = list(Article.objects.review_overdue(today).order_by("next_review_due"))
        due_soon = list(Article.objects.review_due_soon(today).order_by("next_review_due"))
        unscheduled = list(Article.objects.filter(next_review_due__isnull=True))
        for heading, articles in [
            ("Overdue for review", overdue),
            ("Due within 30 days", due_soon),
            ("No review date set", unscheduled),
        ]:
            if articles:
                self.stdout.write(f"{heading}:")
                for article in articles:
                    due = article.next_review_due.isoformat() if article.next_review_due else "-"
                    reviewer = article.reviewer or "not yet clinically reviewed"
                    self.stdout.write(f"  {due}  {article.slug}  ({article.status}; {reviewer})")
        if not (overdue or due_soon or unscheduled):
            self.stdout.write(
                self.style.SUCCESS(f"All {Article.objects.count()} article(s) are within their review dates.")
            )
        if overdue:
            raise CommandError(f"{len(overdue)} article(s) overdue for clinical review.", returncode=1)
