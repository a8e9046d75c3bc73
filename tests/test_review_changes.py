"""The clinical review page: Approve after the text, and a "Request changes" note that reaches the
editors (issue 14, finding 2.9)."""

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client

from metsinfo.articles.models import Article, ReviewApproval, ReviewNote
from metsinfo.editorial import review
from tests.conftest import ARTICLE_SLUG
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")
REVIEWER = "Dr A Example, consultant clinical oncologist"
NOTE = "In Treatments, say that denosumab is an injection under the skin every 4 weeks, not a drip."


@pytest.fixture
def article() -> Article:
    return Article.objects.get(slug=ARTICLE_SLUG)


@pytest.fixture
def link(article) -> str:
    return f"/review/{review.make_link_token(article, REVIEWER)}/"


@pytest.fixture
def editor() -> User:
    user = User.objects.create_user("ed", email="ed@example.org", password="a long editor password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_approve_comes_after_the_article_text_with_a_link_to_it_at_the_top(client, link, article):
    html = client.get(link).text
    button = html.index(f"Approve this page as {REVIEWER}")
    last_section = html.index(f'id="{article.sections.last().kind}-title"')
    assert button > last_section > html.index("<h1"), "the button follows the whole text"
    assert html.count(f"Approve this page as {REVIEWER}") == 1
    top = html[: html.index("<h1")]
    assert '<a href="#review">' in top and 'id="review"' in html[last_section:]
    assert "Request changes" in page_text(html[last_section:])


def test_request_changes_stores_the_note_and_emails_the_editors(
    client, link, article, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, {"note": NOTE})
    assert response.status_code == 302
    assert response["Location"].endswith("#review")
    note = ReviewNote.objects.get()
    assert (note.article, note.reviewer, note.note, note.done) == (article, REVIEWER, NOTE, False)
    assert not ReviewApproval.objects.exists(), "asking for changes does not approve"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ed@example.org"]
    assert NOTE in sent.body and REVIEWER in sent.body
    assert f"/admin/articles/article/{article.pk}/change/" in sent.body

    page = page_text(client.get(link).text)
    assert "Changes you asked for" in page and NOTE in page


def test_sending_the_same_note_twice_stores_and_emails_it_once(
    client, link, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"note": NOTE})
        client.post(link, {"note": f"  {NOTE}\n"})
    assert ReviewNote.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_empty_note_is_refused_and_nothing_is_sent(client, link, editor):
    response = client.post(link, {"note": "   "})
    assert response.status_code == 400
    assert "This field is required." in page_text(response.text)
    assert not ReviewNote.objects.exists()


def test_the_note_needs_the_csrf_token(link):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(link, {"note": NOTE}).status_code == 403
    assert not ReviewNote.objects.exists()


def test_a_reviewer_can_ask_for_changes_even_when_the_text_changed(client, link, article):
    article.summary += " A new sentence."
    article.save()
    assert "Ask for changes at the end of the page" in page_text(client.get(link).text)
    assert client.post(link, {"note": NOTE}).status_code == 302
    assert ReviewNote.objects.count() == 1


def test_editors_see_the_notes_in_a_list_and_on_the_article(client, link, article, editor):
    client.post(link, {"note": NOTE})
    client.force_login(editor)
    listing = client.get("/admin/articles/reviewnote/")
    assert listing.status_code == 200
    assert REVIEWER in page_text(listing.text)
    change = page_text(client.get(f"/admin/articles/article/{article.pk}/change/").text)
    assert "Changes requested by clinical reviewers" in change and NOTE in change
    note = ReviewNote.objects.get()
    page = client.get(f"/admin/articles/reviewnote/{note.pk}/change/").text
    assert 'name="note"' not in page, "the reviewer's words are read-only"
    assert client.get("/admin/articles/reviewnote/add/").status_code == 403
