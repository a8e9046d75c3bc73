"""Public change notes: written with a save in the admin, shown beside the review dates, in the feed."""

import shutil
from datetime import date
from io import StringIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command

from metsinfo.articles.models import Article, ChangeNote, Section, SupportPage, add_note
from metsinfo.contentsync.contentfiles import ContentError
from metsinfo.contentsync.exporter import export_content
from metsinfo.contentsync.plan import load_content
from tests.conftest import ARTICLE_SLUG
from tests.helpers import article_form, page_text, section_form

pytestmark = pytest.mark.usefixtures("seeded")
ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
SECTION_URL = f"{ARTICLE_URL}treatments/"
PAGE_URL = "/support/getting-help/"
ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = date.today()


@pytest.fixture(autouse=True)
def no_notes_yet(seeded) -> None:
    """These tests write notes of their own: start from the seeded site without the content's notes."""
    ChangeNote.objects.all().delete()


def content_copy(tmp_path) -> Path:
    """A copy of content/ without its ``Changes:`` lines (and their indented continuations)."""
    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    for path in root.rglob("*.md"):
        kept, in_changes = [], False
        for line in path.read_text().split("\n"):
            in_changes = line.startswith("Changes:") or (in_changes and line.startswith("    "))
            if not in_changes:
                kept.append(line)
        path.write_text("\n".join(kept))
    return root


def page_form(page: SupportPage, **changes) -> dict:
    fields = ["slug", "title", "description", "body", "status", "order", "reviewer", "sources"]
    data = {name: getattr(page, name) for name in fields}
    data |= {"last_reviewed": page.last_reviewed or "", "next_review_due": page.next_review_due or ""}
    return {**data, **changes}


def changes_shown(html: str) -> list[str]:
    """The "Recent changes" list beside the review dates, as a reader reads it."""
    if 'id="changes"' not in html:
        return []
    part = html[html.index('id="changes"') :]
    part = part[: part.index("</ul>")]
    return [page_text(item.split("</li>")[0]) for item in part.split("<li>")[1:]]


def feed_entries(client) -> list[dict[str, str]]:
    root = ElementTree.fromstring(client.get("/feed/").content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class TestAdmin:
    def test_a_section_note_is_saved_shown_and_in_the_feed(self, admin_client, client):
        section = Section.objects.get(kind="treatments")
        note = "Added what to ask about jaw care before a bone drug."
        url = f"/admin/articles/section/{section.pk}/change/"
        assert "Public change note (optional)" in admin_client.get(url).text
        response = admin_client.post(url, section_form(section, change_note=f"  {note} "))
        assert response.status_code == 302, response.text
        assert list(ChangeNote.objects.values_list("section", "date", "note")) == [(section.pk, TODAY, note)]

        assert changes_shown(client.get(SECTION_URL).text) == [f"{long_date(TODAY)}: {note}"]
        on_article = changes_shown(client.get(ARTICLE_URL).text)
        assert on_article == [f"{long_date(TODAY)}: {section.title}: {note}"], "the whole article shows it too"
        assert changes_shown(client.get(f"{ARTICLE_URL}symptoms/").text) == [], "not on another section"

        entry = next(entry for entry in feed_entries(client) if entry["summary"] and note in entry["summary"])
        assert entry["title"] == f"Changed: {section.article.title}: {section.title}"
        assert entry["summary"] == f"{long_date(TODAY)}: {note}"
        assert entry["link"] == f"{settings.SITE_URL}{SECTION_URL}#changes"

    def test_an_article_note(self, admin_client, client):
        article = Article.objects.get()
        response = admin_client.post(
            f"/admin/articles/article/{article.pk}/change/", article_form(article, change_note="Checked every source.")
        )
        assert response.status_code == 302, response.text
        assert ChangeNote.objects.get().article == article
        html = client.get(ARTICLE_URL).text
        assert changes_shown(html) == [f"{long_date(TODAY)}: Checked every source."]
        assert html.count('id="changes"') == 1, "listed once, with the review dates at the end"
        assert any(entry["summary"].endswith("Checked every source.") for entry in feed_entries(client))

    def test_a_support_page_note(self, admin_client, client):
        page = SupportPage.objects.get(slug="getting-help")
        response = admin_client.post(
            f"/admin/articles/supportpage/{page.pk}/change/", page_form(page, change_note="New helpline hours.")
        )
        assert response.status_code == 302, response.text
        assert changes_shown(client.get(PAGE_URL).text) == [f"{long_date(TODAY)}: New helpline hours."]
        entry = next(entry for entry in feed_entries(client) if entry["title"] == f"Changed: {page.title}")
        assert entry["link"] == f"{settings.SITE_URL}{PAGE_URL}#changes"

    def test_no_note_no_change_listed(self, admin_client, client):
        section = Section.objects.get(kind="treatments")
        response = admin_client.post(
            f"/admin/articles/section/{section.pk}/change/", section_form(section, body=section.body + "\n\nMore.")
        )
        assert response.status_code == 302
        assert not ChangeNote.objects.exists()
        for url in (SECTION_URL, ARTICLE_URL, PAGE_URL):
            html = client.get(url).text
            assert "Recent changes" not in html and 'id="changes"' not in html
        assert all(not entry["title"].startswith("Changed:") for entry in feed_entries(client))

    def test_a_note_over_200_characters_is_refused(self, admin_client):
        section = Section.objects.get(kind="treatments")
        response = admin_client.post(
            f"/admin/articles/section/{section.pk}/change/", section_form(section, change_note="x" * 201)
        )
        assert response.status_code == 200
        assert "at most 200 characters" in response.text
        assert not ChangeNote.objects.exists()


def test_a_page_shows_its_five_newest_notes_newest_first(client):
    page = SupportPage.objects.get(slug="getting-help")
    for day in range(1, 8):
        add_note(page, f"Change number {day}.", date(2026, 11, day))
    shown = changes_shown(client.get(PAGE_URL).text)
    assert shown == [f"{day} November 2026: Change number {day}." for day in (7, 6, 5, 4, 3)]


def test_notes_on_drafts_stay_out_of_the_feed(client):
    page = SupportPage.objects.get(slug="getting-help")
    add_note(page, "Rewritten while a draft.")
    SupportPage.objects.filter(pk=page.pk).update(status="draft")
    assert all("Rewritten while a draft." not in (entry["summary"] or "") for entry in feed_entries(client))


def test_each_note_is_its_own_feed_entry(client):
    section = Section.objects.get(kind="treatments")
    add_note(section, "First change.")
    add_note(section, "Second change.")
    entries = [entry for entry in feed_entries(client) if entry["title"].startswith("Changed:")]
    assert [entry["summary"].split(": ", 1)[1] for entry in entries] == ["Second change.", "First change."]
    assert len({entry["id"] for entry in entries}) == 2


def test_saving_a_note_retires_the_cached_page_on_commit(visitor, django_capture_on_commit_callbacks):
    visitor().get(SECTION_URL)
    with django_capture_on_commit_callbacks(execute=True):
        add_note(Section.objects.get(kind="treatments"), "A note readers must see at once.")
        visitor().get(SECTION_URL)  # a reader inside the open transaction stores the page as it is now
        assert len(caches["pages"]._cache), "the reader's page was stored"
    assert not len(caches["pages"]._cache), "the page stored before COMMIT is still kept"
    assert "A note readers must see at once." in visitor().get(SECTION_URL).text


class TestContentFiles:
    """``Changes:`` lines in a page's header; notes written in the admin survive every load."""

    def test_a_note_written_in_the_admin_survives_load_content(self, tmp_path):
        add_note(Section.objects.get(kind="treatments"), "Written in the admin.")
        root = content_copy(tmp_path)
        path = root / ARTICLE_SLUG / "treatments.md"
        path.write_text(path.read_text() + "\nA sentence from the content files.\n")
        load_content(root)
        load_content(root, force=True)
        assert list(ChangeNote.objects.values_list("note", flat=True)) == ["Written in the admin."]

    def test_export_writes_them_and_loading_them_again_is_no_change(self, tmp_path):
        section = Section.objects.get(kind="treatments")
        add_note(section, "Older change.", date(2026, 11, 2))
        add_note(section, "Newer change.", date(2026, 12, 1))
        add_note(section, "Same day, written later.", date(2026, 12, 1))
        add_note(SupportPage.objects.get(slug="getting-help"), "New helpline hours.", date(2026, 12, 1))
        export_content(tmp_path)
        text = (tmp_path / ARTICLE_SLUG / "treatments.md").read_text()
        assert (
            "Changes: 2026-12-01: Same day, written later.\n    2026-12-01: Newer change.\n"
            "    2026-11-02: Older change.\n\n"
        ) in text
        assert "Changes: 2026-12-01: New helpline hours." in (tmp_path / "pages" / "getting-help.md").read_text()
        assert "Changes:" not in (tmp_path / ARTICLE_SLUG / "symptoms.md").read_text(), "none, no header line"

        out = StringIO()
        call_command("load_content", "--content-dir", str(tmp_path), stdout=out)
        assert "No changes" in out.getvalue()

        # A fresh database gets the same notes back, in the same order, and exports the same bytes.
        Article.objects.all().delete()
        SupportPage.objects.all().delete()
        load_content(tmp_path)
        again = tmp_path.parent / "again"
        export_content(again)
        for name in (f"{ARTICLE_SLUG}/treatments.md", "pages/getting-help.md"):
            assert (again / name).read_text() == (tmp_path / name).read_text()
        assert ChangeNote.objects.count() == 4

    def test_a_note_added_to_a_file_is_loaded_once(self, tmp_path, client):
        root = content_copy(tmp_path)
        path = root / "pages" / "getting-help.md"
        path.write_text(path.read_text().replace("\n\n", "\nChanges: 2026-12-01: Added the new helpline.\n\n", 1))
        out = StringIO()
        call_command("load_content", "--content-dir", str(root), stdout=out)
        assert "add change note to support page getting-help: 2026-12-01: Added the new helpline." in out.getvalue()
        call_command("load_content", "--content-dir", str(root), stdout=StringIO())
        assert ChangeNote.objects.get().page.slug == "getting-help"
        assert changes_shown(client.get(PAGE_URL).text) == ["1 December 2026: Added the new helpline."]

    @pytest.mark.parametrize(
        ("line", "problem"),
        [
            ("Changes: yesterday: Fixed.", "a change is 'YYYY-MM-DD: what changed'"),
            ("Changes: 2026-12-01:", "a change is 'YYYY-MM-DD: what changed'"),
            ("Changes: 2026-02-30: Fixed.", "bad date '2026-02-30' for a change"),
            ("Changes: 2026-12-01: " + "x" * 201, "a change note has at most 200 characters"),
        ],
    )
    def test_a_bad_change_line_is_refused_with_its_line(self, tmp_path, line, problem):
        root = content_copy(tmp_path)
        path = root / ARTICLE_SLUG / "symptoms.md"
        path.write_text(path.read_text().replace("\n\n", f"\n{line}\n\n", 1))
        number = path.read_text().splitlines().index(line) + 1
        with pytest.raises(ContentError, match=rf"symptoms.md:{number}: {problem}"):
            load_content(root)
