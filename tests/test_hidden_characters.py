"""One rule for hidden characters everywhere, a size limit on content files, and a failed load changes nothing.

The same characters are refused by the comment form, by ``load_content`` (titles included) and
by the admin's forms (metsinfo/lib/characters.py). A load that fails leaves the database and the
cached pages exactly as they were.
"""

from __future__ import annotations

import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import CommandError, call_command

from metsinfo.articles.models import Section
from metsinfo.comments.forms import CommentForm
from metsinfo.contentsync.contentfiles import MAX_FILE_BYTES
from tests.comments_helpers import form_data
from tests.conftest import ARTICLE_SLUG
from tests.helpers import section_form
from tests.test_loader_malformed import LAYERS, dump

HIDDEN = {
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "first-strong isolate": "\u2068",
    "zero-width space": "\u200b",
    "word joiner": "\u2060",
    "C1 control (NEL)": "\x85",
    "escape": "\x1b",
}
ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_comment_form_refuses_it(db, character):
    form = CommentForm(data=form_data(body=f"Thank you for this{character} clear page."))
    assert not form.is_valid()
    assert "body" in form.errors


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_loader_refuses_it_in_a_title_naming_file_and_line(content_dir, db, character):
    call_command("load_content", "--content-dir", str(content_dir()), stdout=StringIO())
    before = dump()
    root = content_dir(
        demo__symptoms=None, **{"demo__symptoms.md": f"Kind: symptoms\nTitle: Sym{character}ptoms{LAYERS}Pain.\n"}
    )
    with pytest.raises(CommandError) as caught:
        call_command("load_content", "--content-dir", str(root), stdout=StringIO())
    message = str(caught.value)
    assert "symptoms.md:2: " in message, message
    assert f"U+{ord(character):04X}" in message
    assert dump() == before


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_admin_refuses_it_in_a_section_title(seeded, admin_client, character):
    section = Section.objects.get(kind="diagnosis")
    before = section.title
    response = admin_client.post(
        f"/{settings.ADMIN_PATH}articles/section/{section.pk}/change/",
        section_form(section, title=f"Tests{character} and scans"),
    )
    assert response.status_code == 200, "refused, so the form is shown again"
    errors = response.context["adminform"].form.errors["title"]
    assert any(f"U+{ord(character):04X}" in error for error in errors), errors
    section.refresh_from_db()
    assert section.title == before


def test_joiners_are_allowed_in_comments_and_pages_but_not_in_names(content_dir, db):
    family = "\U0001f469\u200d\U0001f467"  # an emoji sequence joined by U+200D
    assert CommentForm(data=form_data(body=f"Thank you {family}")).is_valid()
    named = CommentForm(data=form_data(display_name="Sam\u200d"))
    assert not named.is_valid() and "display_name" in named.errors
    root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms\nTitle: Symptoms {family}{LAYERS}Pain.\n"})
    call_command("load_content", "--content-dir", str(root), stdout=StringIO())


def test_a_content_file_over_the_size_limit_is_refused_by_name(content_dir, db):
    call_command("load_content", "--content-dir", str(content_dir()), stdout=StringIO())
    before = dump()
    huge = "Pain. " * (MAX_FILE_BYTES // 6 + 10)
    root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms\nTitle: Symptoms{LAYERS}{huge}\n"})
    with pytest.raises(CommandError) as caught:
        call_command("load_content", "--content-dir", str(root), stdout=StringIO())
    message = str(caught.value)
    assert "content/demo/symptoms.md: the file is " in message, message
    assert f"over the limit of {MAX_FILE_BYTES:,} bytes (256 KB)" in message
    assert dump() == before


def test_the_real_content_is_within_the_rules(db):
    call_command("load_content", "--content-dir", str(settings.CONTENT_DIR), "--dry-run", stdout=StringIO())


BAD_FILES = {
    "a comment with an unknown role": ("comments.md", lambda text: "Role: wizard\n" + text),
    "a file over the size limit": ("research.md", lambda text: text + "More. " * (MAX_FILE_BYTES // 6)),
    "a title with a direction override": ("symptoms.md", lambda text: text.replace("Title: ", "Title: \u202e", 1)),
}


@pytest.mark.parametrize("bad", BAD_FILES, ids=list(BAD_FILES))
def test_a_failed_load_keeps_the_database_and_the_cached_pages(transactional_db, visitor, tmp_path, bad):
    call_command("load_content", stdout=StringIO())
    reader = visitor()
    first = reader.get(ARTICLE_URL)
    assert reader.get(ARTICLE_URL).headers["ETag"] == first.headers["ETag"]
    cached = dict(caches["pages"]._cache)
    assert cached, "the page is in the process's page cache"
    before = dump()

    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    folder = root / ARTICLE_SLUG
    # A valid change beside the bad file: it must not be applied either.
    mechanism = folder / "mechanism.md"
    mechanism.write_text(mechanism.read_text().replace("Title: ", "Title: Changed ", 1))
    name, spoil = BAD_FILES[bad]
    (folder / name).write_text(spoil((folder / name).read_text()))
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_content", "--content-dir", str(root), stdout=StringIO())

    assert dump() == before
    assert dict(caches["pages"]._cache) == cached, "no cached page was retired or changed"
    again = visitor().get(ARTICLE_URL)
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.body == first.body
