"""The nine seed comments reach the article, exactly as written, idempotently."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from metsinfo.comments.models import Comment
from metsinfo.contentsync.contentfiles import ContentError
from metsinfo.contentsync.plan import load_content
from tests.conftest import SEED_COMMENT_COUNT, SEED_FILE
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def seed_comments() -> list[str]:
    lines = [line.strip() for line in SEED_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[-SEED_COMMENT_COUNT:]


def test_all_nine_are_approved_and_exact(client):
    load_content(settings.CONTENT_DIR)
    stored = list(Comment.objects.order_by("pk").values_list("body", "status"))
    assert stored == [(text, "approved") for text in seed_comments()]
    comments = page_text(client.get("/articles/breast-cancer-bone-metastasis/").text, "comments")
    for text in seed_comments():
        assert text in comments


def test_loading_again_creates_nothing(tmp_path):
    load_content(settings.CONTENT_DIR)
    out = StringIO()
    call_command("load_content", stdout=out)
    assert "No changes" in out.getvalue()
    assert Comment.objects.count() == SEED_COMMENT_COUNT


def test_dry_run_reports_without_writing():
    out = StringIO()
    call_command("load_content", "--dry-run", stdout=out)
    assert out.getvalue().count("would create approved comment") == SEED_COMMENT_COUNT
    assert not Comment.objects.exists()


def test_names_roles_and_bad_roles(content_dir):
    root = content_dir(**{"demo__comments.md": "Name: Jo\nRole: patient\n\nHello.\n---\nSecond.\n"})
    load_content(root)
    assert list(Comment.objects.values_list("display_name", "role", "body")) == [
        ("Jo", "patient", "Hello."),
        ("", "", "Second."),
    ]
    bad = content_dir(**{"demo__comments.md": "Role: wizard\n\nHello.\n"})
    with pytest.raises(ContentError, match=re.escape("content/demo/comments.md:1: unknown role 'wizard'")):
        load_content(bad)
