"""Readability can be checked without saving: a "Check readability" button (issue 14, finding 3.8).

The button posts the change form to an admin view that measures every layer of the unsaved text
against the targets (SMOG reading age 11 or under, sentences of 20 words or fewer).
"""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from metsinfo.articles.models import Article, GlossaryTerm, Section, SupportPage
from tests.helpers import article_form, page_text, section_form

pytestmark = pytest.mark.usefixtures("seeded")
LONG = (
    "This single sentence goes on and on with many plain words so that it is much longer than the twenty "
    "words that the guidance allows for one sentence."
)
SIMPLE = "We check your bones. We look for pain. We help you feel well. " * 5


def check_url(model: str, pk: int | None) -> str:
    return f"/admin/articles/{model}/{pk}/check/" if pk else f"/admin/articles/{model}/add/check/"


@pytest.mark.parametrize("model", ["section", "article", "supportpage", "glossaryterm"])
def test_every_change_form_offers_the_check_button(admin_client, model):
    obj = {"section": Section, "article": Article, "supportpage": SupportPage, "glossaryterm": GlossaryTerm}[model]
    pk = obj.objects.first().pk
    html = admin_client.get(f"/admin/articles/{model}/{pk}/change/").text
    assert f'formaction="{check_url(model, pk)}"' in html
    assert 'id="readability-check"' in html and "js/admin-check.js" in html


def test_check_measures_every_layer_of_the_unsaved_text_and_saves_nothing(admin_client):
    section = Section.objects.get(kind="diagnosis")
    before = (section.plain, section.layer_figures)
    response = admin_client.post(check_url("section", section.pk), section_form(section, plain=f"{SIMPLE}\n\n{LONG}"))
    assert response.status_code == 200
    text = page_text(response.text)
    assert "Key points" in text and "In plain words" in text and "In detail" in text
    assert "Targets: SMOG reading age 11 or under, sentences of 20 words or fewer. Nothing was saved." in text
    assert "MISSED: split the long sentences" in text
    assert "miss a target" in text or "misses a target" in text
    section.refresh_from_db()
    assert (section.plain, section.layer_figures) == before


def test_check_of_plain_text_that_meets_the_targets(admin_client):
    term = GlossaryTerm.objects.get(slug="osteoclast")
    data = {"term": term.term, "slug": term.slug, "definition": SIMPLE, "aliases": term.aliases}
    response = admin_client.post(check_url("glossaryterm", term.pk), data)
    assert "Every part meets the targets." in page_text(response.text)


def test_check_of_a_new_section_and_of_an_article_with_its_sections(admin_client):
    article = Article.objects.get()
    Section.objects.filter(kind="research").delete()
    new = {"article": article.pk, "kind": "research", "title": "T", "key_points": "", "plain": SIMPLE, "body": "x"}
    assert admin_client.post(check_url("section", None), new).status_code == 200
    response = admin_client.post(check_url("article", article.pk), article_form(article))
    text = page_text(response.text)
    assert "Lead paragraph" in text
    assert all(f"{section.title}: In plain words" in text for section in article.sections.all())


def test_the_script_gets_only_the_figures(admin_client):
    section = Section.objects.get(kind="diagnosis")
    response = admin_client.post(
        check_url("section", section.pk), section_form(section), headers={"X-Readability-Check": "fragment"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div class="readability-check-result"')
    assert "<html" not in response.text


def test_text_the_loader_would_refuse_is_explained_not_measured(admin_client):
    section = Section.objects.get(kind="diagnosis")
    response = admin_client.post(check_url("section", section.pk), section_form(section, body="## Too high"))
    assert response.status_code == 400
    assert "heading level 2 is reserved" in page_text(response.text)


def test_check_needs_change_permission_and_the_csrf_token(admin_user):
    section = Section.objects.get(kind="diagnosis")
    url = check_url("section", section.pk)
    assert Client().post(url, section_form(section)).status_code == 302, "readers are sent to sign in"

    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_section"))
    client = Client()
    client.force_login(viewer)
    assert client.post(url, section_form(section)).status_code == 403
    assert client.get(url).status_code == 405

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(url, section_form(section)).status_code == 403
    page = strict.get(f"/admin/articles/section/{section.pk}/change/")
    token = page.context["csrf_token"]
    assert strict.post(url, {**section_form(section), "csrfmiddlewaretoken": str(token)}).status_code == 200
