"""Migration 0011: every existing section becomes a standard one at its old address and place.

Run on a database of its own, in subprocesses, as a deploy runs ``migrate``: rows are written with
the models as they were at 0010 (fixed positions 1-6, no slug), then the migration is applied.
"""

import json
import subprocess
import sys

from django.conf import settings

BEFORE = "0010_change_notes"

WRITE_BEFORE = """
from datetime import datetime, timezone
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from metsinfo.articles.models.base import fingerprint
apps = MigrationExecutor(connection).loader.project_state(("articles", "BEFORE")).apps
Article, Section = apps.get_model("articles", "Article"), apps.get_model("articles", "Section")
HistoricalSection = apps.get_model("articles", "HistoricalSection")
fields = ("title", "summary", "description", "status", "last_reviewed", "next_review_due", "reviewer", "sources")
article = Article.objects.create(slug="demo", title="Demo", summary="Lead.", status="published")
article.loaded_fingerprint = fingerprint({name: getattr(article, name) for name in fields})
article.save()
for position, kind, edited in [(1, "mechanism", False), (2, "symptoms", True), (6, "research", False)]:
    text = {"title": kind.title(), "plain": "Plain.", "body": "Body.", "key_points": ""}
    loaded = fingerprint({**text, "plain": "Older."} if edited else text)
    section = Section.objects.create(article=article, kind=kind, position=position, loaded_fingerprint=loaded, **text)
HistoricalSection.objects.create(
    id=section.pk, article_id=article.pk, kind="diagnosis", position=3, title="D", plain="P", body="B",
    key_points="", updated=datetime.now(timezone.utc), history_date=datetime.now(timezone.utc), history_type="~",
)
""".replace("BEFORE", BEFORE)

READ_AFTER = """
import json
from metsinfo.articles.models import Article, Section
rows = [[s.kind, s.slug, s.order, s.loaded_fingerprint == s.content_fingerprint()] for s in Section.objects.all()]
history = list(Section.history.values_list("kind", "slug", "order"))
article = Article.objects.get()
stamped = article.loaded_fingerprint == article.content_fingerprint()
print(json.dumps({"sections": rows, "history": history, "article": [article.order, article.featured, stamped]}))
"""


def test_existing_sections_keep_their_addresses_and_places(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "metsinfo.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'migrate.sqlite3'}",
        "PATH": "/usr/bin:/bin",
        "CACHE_DIR": str(tmp_path / "cache"),
    }

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    manage("migrate", "--noinput", "articles", BEFORE)
    manage("shell", "-c", WRITE_BEFORE)
    manage("migrate", "--noinput", "articles", "0011_section_slug_order_article_featured")
    after = json.loads(manage("shell", "-c", READ_AFTER).strip().splitlines()[-1])
    # slug = kind, order = old position x 10; the loader's fingerprint re-stamped only where the
    # row was still as last loaded (the edited symptoms section stays an editor's change).
    assert after["sections"] == [
        ["mechanism", "mechanism", 10, True],
        ["symptoms", "symptoms", 20, False],
        ["research", "research", 60, True],
    ]
    assert after["history"] == [["diagnosis", "diagnosis", 30]]
    assert after["article"] == [1, False, True]
