"""The admin refuses what load_content refuses, with the loader's own words (issue 14, findings 3.1, 3.2, 3.4).

Each rule is checked twice: a content file with the text makes ``read_content`` fail with the
message, and the same text posted in the admin is refused with the same message on its field.
Saving normalises line endings, so a browser's CR LF makes no phantom change.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from metsinfo.articles.models import Article, Section
from metsinfo.contentsync.parse import ContentError, read_content
from metsinfo.contentsync.plan import plan_changes
from tests.helpers import article_form, section_form, with_crlf

pytestmark = pytest.mark.usefixtures("seeded")

HEADING = "heading level 2 is reserved for the page and section titles; start sub-headings with '###'"
RULES = {
    "heading level": ("Text.\n\n## A level-two heading\n\nMore.", HEADING),
    "unknown citation": ("Bones hurt.[^nope]", "'[^nope]' cites no source: no such key in the Sources list"),
    "empty note": (
        'Text.\n\n!!! evidence "What the evidence says"\n\nNot indented.',
        "the '!!! evidence' note is empty: indent its text by four spaces on the lines after it",
    ),
    "stripped tag": ("Text <script>alert(1)</script> here.", "'<script>' is taken out of the page"),
    "stripped link": (
        "A [link](javascript:alert(1)) here.",
        "a 'javascript:' link would not work on the page",
    ),
}


def loader_messages(content_dir, detail: str) -> list[str]:
    section = f"Kind: symptoms\nTitle: Symptoms\n\n::: plain\nIn short.\n\n::: detailed\n{detail}\n"
    with pytest.raises(ContentError) as error:
        read_content(content_dir(**{"demo__symptoms.md": section}))
    return [problem.message for problem in error.value.problems]


def admin_errors(response, field: str) -> list[str]:
    assert response.status_code == 200, "refused, so the form is shown again"
    return list(response.context["adminform"].form.errors.get(field, []))


@pytest.mark.parametrize("rule", RULES)
def test_section_detail_is_refused_as_the_loader_refuses_it(rule, content_dir, admin_client):
    text, message = RULES[rule]
    assert any(found.startswith(message) for found in loader_messages(content_dir, text))
    section = Section.objects.get(kind="diagnosis")
    before = section.body
    response = admin_client.post(f"/admin/articles/section/{section.pk}/change/", section_form(section, body=text))
    errors = admin_errors(response, "body")
    assert any(error.startswith("In detail line ") and message in error for error in errors), errors
    section.refresh_from_db()
    assert section.body == before


@pytest.mark.parametrize("rule", RULES)
def test_article_lead_is_refused_as_the_loader_refuses_it(rule, content_dir, admin_client):
    text, message = RULES[rule]
    root = content_dir(**{"demo__article.md": f"Title: Demo\nStatus: draft\n\n{text}\n"})
    with pytest.raises(ContentError) as error:
        read_content(root)
    assert any(problem.message.startswith(message) for problem in error.value.problems)
    article = Article.objects.get()
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", article_form(article, summary=text))
    errors = admin_errors(response, "summary")
    assert any(message in error for error in errors), errors


def test_plain_words_refuse_any_heading_with_the_loaders_words(content_dir, admin_client):
    message = "no headings in the plain words: use short paragraphs"
    section_file = "Kind: symptoms\nTitle: S\n\n::: plain\n### Small\n\n::: detailed\nText.\n"
    with pytest.raises(ContentError) as error:
        read_content(content_dir(**{"demo__symptoms.md": section_file}))
    assert [problem.message for problem in error.value.problems] == [message]
    section = Section.objects.get(kind="diagnosis")
    url = f"/admin/articles/section/{section.pk}/change/"
    response = admin_client.post(url, section_form(section, plain="### Small"))
    assert admin_errors(response, "plain") == [f"In plain words line 1: {message}"]


def test_allowed_markup_and_links_are_accepted(admin_client):
    section = Section.objects.get(kind="diagnosis")
    body = section.body + "\n\nCall <abbr title='National Health'>NHS</abbr> 111, [email](mailto:a@example.org)."
    response = admin_client.post(f"/admin/articles/section/{section.pk}/change/", section_form(section, body=body))
    assert response.status_code == 302


def test_a_browser_save_of_unchanged_text_is_no_change(admin_client):
    section = Section.objects.get(kind="diagnosis")
    url = f"/admin/articles/section/{section.pk}/change/"
    response = admin_client.post(url, with_crlf(section_form(section)))
    assert response.status_code == 302
    section.refresh_from_db()
    assert "\r" not in section.body + section.plain + section.key_points
    latest = section.history.first()
    assert latest.diff_against(latest.prev_record).changed_fields == []
    history = admin_client.get(f"{url.removesuffix('change/')}history/").text
    assert "(nothing)" not in history


def test_restoring_the_loaded_version_is_not_an_editors_change(admin_client, settings):
    section = Section.objects.get(kind="diagnosis")
    loaded = section.history.earliest()
    edit = admin_client.post(
        f"/admin/articles/section/{section.pk}/change/", with_crlf(section_form(section, body="Replaced."))
    )
    assert edit.status_code == 302
    assert plan_changes_for(settings).kept_edits, "the edit counts as the editor's"

    url = f"/admin/articles/section/{section.pk}/history/{loaded.history_id}/"
    restore = admin_client.post(url, with_crlf(section_form(section, body=loaded.body)))
    assert restore.status_code == 302
    plan = plan_changes_for(settings)
    assert plan.kept_edits == [] and plan.conflicts == [] and plan.is_empty
    out = StringIO()
    call_command("load_content", "--dry-run", stdout=out)
    assert "kept the editor's version" not in out.getvalue()


def plan_changes_for(settings):
    return plan_changes(read_content(settings.CONTENT_DIR))
