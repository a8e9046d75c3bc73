"""Server-side preview of unsaved edits, by the public templates and the same renderer."""

import pytest

from metsinfo.articles.models import Article, Section
from tests.conftest import ARTICLE_SLUG
from tests.helpers import article_form as article_data
from tests.helpers import page_text, section_form

pytestmark = pytest.mark.usefixtures("seeded")


def test_change_pages_offer_a_preview_button(admin_client):
    article = Article.objects.get(slug=ARTICLE_SLUG)
    html = admin_client.get(f"/admin/articles/article/{article.pk}/change/").text
    assert f'formaction="/admin/articles/article/{article.pk}/preview/" formtarget="_blank"' in html
    section = Section.objects.get(kind="symptoms")
    assert (
        f'formaction="/admin/articles/section/{section.pk}/preview/"'
        in admin_client.get(f"/admin/articles/section/{section.pk}/change/").text
    )


def test_section_preview_renders_unsaved_text_and_saves_nothing(admin_client):
    section = Section.objects.get(kind="diagnosis")
    before = (section.body, section.body_html)
    new_body = section.body + "\n\n### What to expect\n\nAn osteoblast paragraph added in the admin."
    response = admin_client.post(f"/admin/articles/section/{section.pk}/preview/", section_form(section, body=new_body))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.text
    assert "Preview: not saved." in page_text(html)
    assert '<h3 id="what-to-expect">What to expect</h3>' in html
    assert 'href="/glossary/#osteoblast">osteoblast</a>' in html, "the same renderer, glossary links included"
    section.refresh_from_db()
    assert (section.body, section.body_html) == before


def test_article_preview_includes_changed_inline_sections(admin_client):
    article = Article.objects.get(slug=ARTICLE_SLUG)
    data = article_data(
        article,
        {"research": {"title": "Research, renamed in preview"}},
        title="A previewed title",
    )
    response = admin_client.post(f"/admin/articles/article/{article.pk}/preview/", data)
    assert response.status_code == 200, response.text[:2000]
    text = page_text(response.text)
    assert "A previewed title" in text
    assert "Research, renamed in preview" in text
    assert response.text.count('<section id="') >= 7  # six sections and sources
    article.refresh_from_db()
    assert article.title == "Understanding Breast Cancer Bone Metastasis"


def test_draft_can_be_previewed(admin_client):
    article = Article.objects.get(slug=ARTICLE_SLUG)
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/preview/", article_data(article, status="draft")
    )
    assert response.status_code == 200
    assert "Only staff can see this page" in page_text(response.text)


def test_new_article_can_be_previewed_before_its_first_save(admin_client):
    data = {
        "slug": "new-page",
        "title": "A new page",
        "summary": "Its lead about osteoclasts.",
        "description": "A plain summary.",
        "status": "draft",
        "last_reviewed": "",
        "next_review_due": "",
        "reviewer": "",
        "sources": "",
        "sections-TOTAL_FORMS": 1,
        "sections-INITIAL_FORMS": 0,
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
        "sections-0-kind": "symptoms",
        "sections-0-title": "Signs",
        "sections-0-key_points": "One.",
        "sections-0-plain": "It hurts at night.",
        "sections-0-body": "Pain at night.",
    }
    response = admin_client.post("/admin/articles/article/add/preview/", data)
    assert response.status_code == 200, response.text[:2000]
    assert "Pain at night." in page_text(response.text)
    assert not Article.objects.filter(slug="new-page").exists()


def test_preview_refuses_what_a_save_would_strip_and_runs_nothing(admin_client):
    section = Section.objects.get(kind="diagnosis")
    response = admin_client.post(
        f"/admin/articles/section/{section.pk}/preview/",
        section_form(section, body='Text <script>alert(1)</script> <a href="javascript:alert(2)">x</a>'),
    )
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.text
    assert 'href="javascript:' not in response.text
    assert "'<script>' is taken out of the page" in page_text(response.text)


def test_invalid_form_explains_and_saves_nothing(admin_client):
    section = Section.objects.get(kind="diagnosis")
    response = admin_client.post(f"/admin/articles/section/{section.pk}/preview/", section_form(section, title=""))
    assert response.status_code == 400
    assert "title: This field is required." in page_text(response.text)


def test_readers_cannot_preview(client):
    section = Section.objects.get(kind="diagnosis")
    response = client.post(f"/admin/articles/section/{section.pk}/preview/", section_form(section))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_preview_needs_a_post(admin_client):
    section = Section.objects.get(kind="diagnosis")
    assert admin_client.get(f"/admin/articles/section/{section.pk}/preview/").status_code == 405
