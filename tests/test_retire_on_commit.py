"""Every change clears the cached pages, and the clear that counts comes after COMMIT.

A reader whose miss falls inside the writer's transaction reads the rows as they were, and the
``pages`` cache stores that page; only a clear once the change is committed keeps it from being
served afterwards. Readers go through the WSGI application (``visitor``).
"""

import concurrent.futures
import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client

from metsinfo.articles.models import Article, GlossaryTerm, ReviewApproval, Section, SupportPage
from metsinfo.comments.models import Comment, Reply
from metsinfo.contentsync.plan import load_content
from metsinfo.editorial import review
from tests.comments_helpers import ARTICLE_URL, POST_URL, form_data
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")
SECTION_URL = f"{ARTICLE_URL}symptoms/"


def cached_pages() -> int:
    """How many responses this process's ``pages`` cache holds (page and header entries)."""
    return len(caches["pages"]._cache)


def edit_section(tmp_path) -> None:
    section = Section.objects.get(kind="symptoms")
    section.body += "\n\nA sentence added by an editor."
    section.save()


def edit_article(tmp_path) -> None:
    article = Article.objects.get()
    article.summary += " A sentence added to the lead."
    article.save()


def delete_section(tmp_path) -> None:
    Section.objects.get(kind="research").delete()


def add_glossary_term(tmp_path) -> None:
    GlossaryTerm.objects.create(term="Zeta", slug="zeta", definition="A new term.")


def delete_glossary_term(tmp_path) -> None:
    GlossaryTerm.objects.order_by("pk").first().delete()


def edit_support_page(tmp_path) -> None:
    page = SupportPage.objects.get(slug="getting-help")
    page.body += "\n\nA sentence added to a support page."
    page.save()


def approve_review(tmp_path) -> None:
    article = Article.objects.get()
    link = review.ReviewRequest(article.pk, "Dr A. Reviewer", review.text_version(article))
    review.approve(article, link)


def delete_review_approval(tmp_path) -> None:
    approve_review(tmp_path)
    ReviewApproval.objects.get().delete()


def moderate_comment(tmp_path) -> None:
    pending = Comment.objects.create(article=Article.objects.get(), body="Waiting for approval.")
    moderator = User.objects.create_user("mod", is_staff=True)
    Comment.objects.filter(pk=pending.pk).moderate(Comment.Status.APPROVED, moderator)


def delete_comment(tmp_path) -> None:
    Comment.objects.approved().first().delete()


def reply_to_comment(tmp_path) -> None:
    Reply.objects.create(comment=Comment.objects.approved().first(), body="A reply from the team.")


def run_load_content(tmp_path) -> None:
    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root, dirs_exist_ok=True)
    path = root / "breast-cancer-bone-metastasis" / "symptoms.md"
    path.write_text(path.read_text() + "\nA sentence from the content files.\n")
    load_content(root)


CHANGES = {
    "section saved": (edit_section, SECTION_URL),
    "article saved": (edit_article, ARTICLE_URL),
    "section deleted": (delete_section, ARTICLE_URL),
    "glossary term added": (add_glossary_term, "/glossary/"),
    "glossary term deleted": (delete_glossary_term, "/glossary/"),
    "support page saved": (edit_support_page, "/support/getting-help/"),
    "review approved through a link": (approve_review, ARTICLE_URL),
    "review approval deleted": (delete_review_approval, ARTICLE_URL),
    "comment approved by a moderator": (moderate_comment, ARTICLE_URL),
    "comment deleted": (delete_comment, ARTICLE_URL),
    "reply written": (reply_to_comment, ARTICLE_URL),
    "load_content run": (run_load_content, SECTION_URL),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_page_stored_during_the_writers_transaction_is_cleared_on_commit(
    change, visitor, tmp_path, django_capture_on_commit_callbacks
):
    make_change, url = CHANGES[change]
    visitor().get(url)
    with django_capture_on_commit_callbacks(execute=True):
        make_change(tmp_path)
        visitor().get(url)  # a reader inside the open transaction: the page is stored as it is now
        assert cached_pages(), "the reader's page was stored"
    assert not cached_pages(), "the page stored before COMMIT is still kept"


def on_another_connection(request):
    """``request()`` run in another thread, so on its own database connection, as another worker's."""

    def run():
        try:
            return request()
        finally:
            connections.close_all()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="the SQLite test database is in memory, where a second connection cannot read a table another "
    "is writing; PostgreSQL, like the site's SQLite file in WAL mode, gives it the committed rows",
)
def test_a_reader_inside_the_editors_transaction_gets_the_new_text_after_commit(visitor, transactional_db):
    """The reader reads the committed rows, as a reader in another worker does, and stores that page."""
    visitor().get(SECTION_URL)
    with transaction.atomic():
        edit_section(None)
        during = on_another_connection(lambda: visitor().get(SECTION_URL))
        assert "A sentence added by an editor." not in during.text  # not committed yet
    after = visitor().get(SECTION_URL)
    assert "A sentence added by an editor." in after.text, "served the page stored before COMMIT"


class TestNoStalePages:
    """Readers see each kind of change on their next visit."""

    def test_editor_save(self, visitor):
        visitor().get(ARTICLE_URL)
        edit_section(None)
        assert "A sentence added by an editor." in visitor().get(ARTICLE_URL).text

    def test_glossary_change(self, visitor):
        visitor().get("/glossary/")
        add_glossary_term(None)
        assert "A new term." in visitor().get("/glossary/").text

    def test_load_content_run(self, visitor, tmp_path):
        root = tmp_path / "content"
        shutil.copytree(settings.CONTENT_DIR, root)
        call_command("load_content", "--content-dir", str(root), stdout=StringIO())
        visitor().get(f"{ARTICLE_URL}diagnosis/")
        path = root / "breast-cancer-bone-metastasis" / "diagnosis.md"
        path.write_text(path.read_text() + "\nA sentence from the content files.\n")
        call_command("load_content", "--content-dir", str(root), stdout=StringIO())
        assert "A sentence from the content files." in visitor().get(f"{ARTICLE_URL}diagnosis/").text

    def test_comment_approved_in_the_admin_and_then_removed(self, visitor, client):
        comment = Comment.objects.create(article=Comment.objects.first().article, body="Waiting for approval.")
        visitor().get(ARTICLE_URL)
        moderator = User.objects.create_user("mod", password="a long moderator password", is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        client.force_login(moderator)
        client.post("/admin/comments/comment/", {"action": "approve", "_selected_action": [comment.pk]})
        assert "Waiting for approval." in visitor().get(ARTICLE_URL).text
        comment.delete()
        assert "Waiting for approval." not in visitor().get(ARTICLE_URL).text

    def test_a_new_pending_comment_keeps_the_cache(self, visitor, client):
        visitor().get(ARTICLE_URL)
        before = cached_pages()
        client.post(POST_URL, form_data())
        assert before and cached_pages() == before, "a comment no reader can see yet clears nothing"

    def test_a_report_that_hides_a_comment_retires_the_page(self, visitor, settings):
        settings.COMMENTS_REPORT_THRESHOLD = 1
        comment = Comment.objects.approved().first()
        visitor().get(ARTICLE_URL)
        Client().post(f"/comments/{comment.pk}/report/")
        assert comment.body[:40] not in page_text(visitor().get(ARTICLE_URL).text, "comments")
