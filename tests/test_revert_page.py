"""The revert page shows the revision's own figures, a diff against the current text and a preview;
"Words to explain" lists only uncommon words, rarest first, at most ten (issue 14, findings 3.5, 3.7)."""

import re

import pytest

from metsinfo.articles import readability
from metsinfo.articles.models import Article, Section
from tests.helpers import article_form, page_text, section_form

pytestmark = pytest.mark.usefixtures("seeded")

ADDED = "An editor measured it with a sphygmomanometer and wrote a paragraph that was never there before."


def words_cells(html: str) -> list[str]:
    return re.findall(r"<th scope='row'>Words</th><td>(\d+)</td>", html)


def jargon_items(html: str) -> list[str]:
    lists = re.findall(r"<ul class='jargon'>(.*?)</ul>", html, re.S)
    return [item for block in lists for item in re.findall(r"<li>(.*?)</li>", block)]


@pytest.fixture
def edited(admin_client):
    """The diagnosis section after an editor's change, and its loaded revision."""
    section = Section.objects.get(kind="diagnosis")
    loaded = section.history.earliest()
    loaded_words = section.word_count
    response = admin_client.post(
        f"/admin/articles/section/{section.pk}/change/", section_form(section, body=f"{section.body}\n\n{ADDED}")
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.word_count > loaded_words
    return section, loaded, loaded_words


def revert_url(section: Section, revision) -> str:
    return f"/admin/articles/section/{section.pk}/history/{revision.history_id}/"


def test_revert_page_shows_the_figures_and_words_of_the_revision(admin_client, edited):
    section, loaded, loaded_words = edited
    current_page = admin_client.get(f"/admin/articles/section/{section.pk}/change/").text
    assert str(section.word_count) in words_cells(current_page)
    assert "sphygmomanometer" in jargon_items(current_page)

    html = admin_client.get(revert_url(section, loaded)).text
    assert str(loaded_words) in words_cells(html)
    assert str(section.word_count) not in words_cells(html)
    assert "sphygmomanometer" not in jargon_items(html)


def test_revert_page_shows_what_the_restore_changes(admin_client, edited):
    section, loaded, _ = edited
    html = admin_client.get(revert_url(section, loaded)).text
    changes = page_text(html, "revision-changes")
    assert "In detail" in changes
    assert f"<del>{ADDED}</del>" in html, "the editor's sentence is taken out"
    assert "Title" not in changes, "unchanged fields are not listed"
    # And a revision equal to the current text says so.
    html = admin_client.get(revert_url(section, section.history.first())).text
    assert "Nothing: this revision is the same as the current text." in html


def test_revert_page_previews_the_revision_through_the_public_template(admin_client, edited):
    section, loaded, _ = edited
    html = admin_client.get(revert_url(section, loaded)).text
    assert f'formaction="/admin/articles/section/{section.pk}/preview/" formtarget="_blank"' in html
    assert 'name="_revision"' in html
    response = admin_client.post(
        f"/admin/articles/section/{section.pk}/preview/", {**section_form(section, body=loaded.body), "_revision": "1"}
    )
    assert response.status_code == 200
    text = page_text(response.text)
    assert "Preview" in text and "sphygmomanometer" not in text
    section.refresh_from_db()
    assert ADDED in section.body, "a preview saves nothing"


def test_an_article_revision_can_be_previewed_without_its_sections_forms(admin_client):
    article = Article.objects.get()
    revision = article.history.earliest()
    html = admin_client.get(f"/admin/articles/article/{article.pk}/history/{revision.history_id}/").text
    assert 'name="_revision"' in html
    data = {k: v for k, v in article_form(article).items() if not k.startswith("sections-")}
    response = admin_client.post(f"/admin/articles/article/{article.pk}/preview/", {**data, "_revision": "1"})
    assert response.status_code == 200
    assert article.sections.first().title in page_text(response.text)


def test_revert_page_breadcrumbs_name_the_model_and_are_styled(admin_client, edited):
    section, loaded, _ = edited
    html = admin_client.get(revert_url(section, loaded)).text
    crumbs = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.S)
    assert crumbs, "the admin's own breadcrumb list, so it is styled"
    assert "Historical" not in crumbs.group(1)
    assert ">Sections<" in crumbs.group(1)


def test_words_to_explain_skip_common_english_and_list_rarest_first():
    text = (
        "Understanding the evidence for effective treatments and calcium activity helps when developing plans. "
        "Osteoclasts respond to denosumab, radiotherapy and zoledronic acid."
    )
    words = readability.hard_words(text, known=set())
    for common in ["understanding", "evidence", "effective", "treatments", "calcium", "activity", "developing"]:
        assert common not in words
    assert words == sorted(words, key=readability.word_rarity)
    assert {"osteoclasts", "denosumab", "radiotherapy", "zoledronic"} <= set(words)


def test_words_to_explain_are_at_most_ten_on_every_section_page(admin_client):
    for section in Section.objects.all():
        items = jargon_items(admin_client.get(f"/admin/articles/section/{section.pk}/change/").text)
        assert len(items) <= 10, (section.kind, items)
    mechanism = Section.objects.get(kind="mechanism")
    items = jargon_items(admin_client.get(f"/admin/articles/section/{mechanism.pk}/change/").text)
    assert items, "the check still finds words to explain"
    assert not {"activity", "calcium", "developing", "effective", "evidence", "treatments"} & set(items)
