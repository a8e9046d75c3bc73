"""Short guides for editors and moderators, in docs/ and readable in the admin (issue 14, editors)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from metsinfo.articles import readability
from metsinfo.articles.rendering import render_markdown
from tests.helpers import page_text

pytestmark = pytest.mark.django_db
GUIDES = {"editors": "editors-guide.md", "moderators": "moderators-guide.md"}


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_the_admin_index_links_both_guides(client, group):
    user = User.objects.create_user("staff", password="a long staff password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    html = client.get("/admin/").text
    assert 'href="/admin/guides/editors/"' in html and 'href="/admin/guides/moderators/"' in html
    assert html.index('id="guides"') < html.index('id="content-related"'), "beside the apps, not instead"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("editors", ["Check readability", "Preview", "Revert", "Clinical review link", "Request changes"]),
        ("moderators", ["Undo", "confirm", "Approve and publish", "Mark as spam", "official reply", "cannot change"]),
    ],
)
def test_each_guide_is_rendered_in_the_admin_and_covers_its_tasks(admin_client, name, words):
    response = admin_client.get(f"/admin/guides/{name}/")
    assert response.status_code == 200
    text = page_text(response.text)
    assert all(word in text for word in words), [word for word in words if word not in text]
    assert "<h3" in response.text, "Markdown rendered, not shown as typed"
    title = (settings.BASE_DIR / "docs" / GUIDES[name]).read_text().splitlines()[0].removeprefix("# ")
    assert f"<h1>{title}</h1>" in response.text or f">{title}</h1>" in response.text


def test_guides_are_for_staff_only(client):
    response = client.get("/admin/guides/editors/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/guides/nope/").status_code in (302, 404)


def test_an_unknown_guide_is_not_found(admin_client):
    assert admin_client.get("/admin/guides/nope/").status_code == 404


@pytest.mark.parametrize("name", GUIDES.values())
def test_guides_are_plain_words_in_short_sentences(name):
    text = (settings.BASE_DIR / "docs" / name).read_text()
    prose = readability.html_to_text(render_markdown(re.sub(r"`[^`]*`", "code", text), prefix="guide"))
    assert readability.long_sentences(prose) == []
    assert len(text.split()) < 1200, "short"
