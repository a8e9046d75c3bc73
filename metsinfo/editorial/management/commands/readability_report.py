"""``manage.py readability_report``: every plain text's figures against the NHS targets."""

from django.core.management.base import BaseCommand
from django.template.loader import render_to_string

from metsinfo.articles import readability
from metsinfo.articles.models import GlossaryTerm, Section, SupportPage


class Command(BaseCommand):
    help = "List the reading age of each plain text (key points, plain words, support pages, glossary, urgent card)."

    def handle(self, *args, **options) -> None:
        rows: list[tuple[str, readability.Readability | None]] = []
        for section in Section.objects.select_related("article"):
            rows.append((f"{section.article.slug}/{section.slug}: key points", section.layer_readability("key_points")))
            rows.append((f"{section.article.slug}/{section.slug}: in plain words", section.layer_readability("plain")))
        rows += [(f"support page {page.slug}", page.readability) for page in SupportPage.objects.all()]
        definitions = "".join(f"<p>{term.definition}</p>" for term in GlossaryTerm.objects.all())
        rows.append(("glossary definitions", readability.measure_plain(readability.html_to_text(definitions))))
        card = render_to_string("includes/urgent_help.html").split('<p class="care-card-source">', 1)[0]
        rows.append(("urgent help card", readability.measure_plain(readability.html_to_text(card))))
        missed = 0
        for label, figures in rows:
            if figures is None or figures.reading_age is None:
                self.stdout.write(f"{label}: too short to measure")
                continue
            ok = figures.meets_target and figures.long_sentences == 0
            missed += not ok
            mark = "ok" if ok else "MISSED"
            self.stdout.write(
                f"{label}: reading age {figures.reading_age}, {figures.long_sentences} sentences over "
                f"{readability.LONG_SENTENCE_WORDS} words, {figures.words} words [{mark}]"
            )
        if missed:
            self.stderr.write(f"{missed} text(s) miss the NHS target of reading age {readability.TARGET_READING_AGE}.")
