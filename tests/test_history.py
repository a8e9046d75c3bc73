"""Revision history: every admin save and loader run is a revision; diffs are readable; restore works."""

import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from metsinfo.articles.models import GlossaryTerm, Section
from metsinfo.contentsync.plan import load_content
from metsinfo.editorial.history import sentence_diff
from tests.helpers import section_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    load_content(root)
    return root


def edit_in_admin(admin_client, section: Section, body: str) -> None:
    response = admin_client.post(f"/admin/articles/section/{section.pk}/change/", section_form(section, body=body))
    assert response.status_code == 302, response.content


def test_sentence_diff_names_only_what_changed():
    removed, added = sentence_diff("One. Two is here. Three.", "One. Two was here. Three. Four.")
    assert removed == ["Two is here."]
    assert added == ["Two was here.", "Four."]


def test_loader_runs_create_revisions_with_a_reason(content):
    section = Section.objects.get(kind="symptoms")
    assert [h.history_change_reason for h in section.history.all()] == ["load_content: create"]
    assert section.history.first().history_user is None

    path = content / "breast-cancer-bone-metastasis" / "symptoms.md"
    path.write_text(path.read_text().replace("Symptoms of bone metastasis may", "Signs of bone metastasis may"))
    call_command("load_content", "--content-dir", str(content), stdout=StringIO())
    assert section.history.first().history_change_reason == "load_content: update"
    assert section.history.count() == 2


def test_second_loader_run_adds_no_revision(content):
    before = Section.history.count() + GlossaryTerm.history.count()
    call_command("load_content", "--content-dir", str(content), stdout=StringIO())
    assert Section.history.count() + GlossaryTerm.history.count() == before


def test_admin_save_records_who_and_when(content, admin_client, admin_user):
    section = Section.objects.get(kind="diagnosis")
    edit_in_admin(admin_client, section, section.body + "\n\nA new sentence from the editor.")
    latest = section.history.first()
    assert latest.history_user == admin_user
    assert latest.history_type == "~"
    assert section.history.count() == 2


def test_history_page_shows_a_readable_sentence_diff(content, admin_client):
    section = Section.objects.get(kind="diagnosis")
    edit_in_admin(admin_client, section, section.body.replace("These tests help", "These scans help"))
    html = admin_client.get(f"/admin/articles/section/{section.pk}/history/").text
    assert "<del>These tests help identify the presence and extent of bone metastasis.</del>" in html
    assert "<ins>These scans help identify the presence and extent of bone metastasis.</ins>" in html


def test_diff_escapes_what_it_shows(content, admin_client):
    section = Section.objects.get(kind="diagnosis")
    shown_as_code = "\n\nA `<script>alert(1)</script>` sentence that is long enough."
    edit_in_admin(admin_client, section, section.body + shown_as_code)
    html = admin_client.get(f"/admin/articles/section/{section.pk}/history/").text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_any_earlier_revision_can_be_restored(content, admin_client):
    section = Section.objects.get(kind="diagnosis")
    original_body = section.body
    loaded_fingerprint = section.loaded_fingerprint
    edit_in_admin(admin_client, section, "Replaced by mistake.")
    first_revision = section.history.earliest()

    url = f"/admin/articles/section/{section.pk}/history/{first_revision.history_id}/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, section_form(section, body=first_revision.body))
    assert response.status_code == 302

    section.refresh_from_db()
    assert section.body == original_body
    assert "Replaced by mistake." not in section.body_html
    assert section.history.count() == 3, "the restore is itself a revision; nothing is lost"
    assert section.loaded_fingerprint == loaded_fingerprint


def test_forced_load_keeps_the_overwritten_editor_version_in_history(content, admin_client):
    section = Section.objects.get(kind="diagnosis")
    edit_in_admin(admin_client, section, "The editor's careful rewrite.")
    path = content / "breast-cancer-bone-metastasis" / "diagnosis.md"
    path.write_text(path.read_text() + "\nA line added in the file.\n")
    call_command("load_content", "--content-dir", str(content), "--force", stdout=StringIO())
    section.refresh_from_db()
    assert "A line added in the file." in section.body
    assert "The editor's careful rewrite." in [h.body for h in section.history.all()]


def test_glossary_terms_have_history(content, admin_client):
    term = GlossaryTerm.objects.get(slug="osteoclast")
    response = admin_client.post(
        f"/admin/articles/glossaryterm/{term.pk}/change/",
        {"term": term.term, "slug": term.slug, "definition": "A cell that removes bone.", "aliases": term.aliases},
    )
    assert response.status_code == 302
    assert term.history.count() == 2
    assert admin_client.get(f"/admin/articles/glossaryterm/{term.pk}/history/").status_code == 200
