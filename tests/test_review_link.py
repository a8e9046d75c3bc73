"""Signed review links: valid, expired, tampered, out of date; approving records who and when."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from metsinfo.articles.models import Article, ReviewApproval, Section
from metsinfo.editorial import review
from tests.conftest import ARTICLE_SLUG
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")
REVIEWER = "Dr A Example, consultant clinical oncologist"


@pytest.fixture
def article() -> Article:
    article = Article.objects.get(slug=ARTICLE_SLUG)
    article.status = Article.Status.DRAFT
    article.save()
    return article


@pytest.fixture
def link(article) -> str:
    return f"/review/{review.make_link_token(article, REVIEWER)}/"


def test_valid_link_shows_the_draft_read_only_with_an_approve_button(client, link):
    response = client.get(link)
    assert response.status_code == 200
    text = page_text(response.text)
    assert f"Clinical review requested from {REVIEWER}." in text
    assert f"Approve this page as {REVIEWER}" in text
    assert "Understanding Breast Cancer Bone Metastasis" in text
    assert "Only staff can see this page" not in text
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert 'name="body"' not in response.text, "read-only: no editing fields"


def test_approving_records_who_and_when_and_sets_the_dates(client, link, article):
    response = client.post(link)
    assert response.status_code == 302
    article.refresh_from_db()
    today = timezone.localdate()
    assert article.reviewer == REVIEWER
    assert article.last_reviewed == today
    assert article.next_review_due == today + timedelta(days=365)
    approval = ReviewApproval.objects.get()
    assert approval.reviewer == REVIEWER
    assert approval.approved_at.date() == today
    assert article.history.first().history_change_reason == f"clinically approved by {REVIEWER} through a review link"
    assert article.status == Article.Status.DRAFT, "approval does not publish"

    again = client.get(link)
    assert f"Approved by {REVIEWER} on" in page_text(again.text)
    second = client.post(link)
    assert second.status_code == 200
    assert f"Approved by {REVIEWER} on" in page_text(second.text)
    assert ReviewApproval.objects.count() == 1, "approving twice records one approval"


def test_expired_link_is_refused_clearly(client, link, monkeypatch, article):
    later = time.time() + timedelta(days=15).total_seconds()
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = client.get(link)
    assert response.status_code == 410
    assert "This review link has expired" in page_text(response.text)
    assert client.post(link).status_code == 410
    article.refresh_from_db()
    assert article.reviewer == ""


def test_link_is_valid_until_its_last_day(client, link, monkeypatch):
    later = time.time() + timedelta(days=13, hours=23).total_seconds()
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.get(link).status_code == 200


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-3] + "abc", lambda t: t[:20], lambda t: "x" + t, lambda t: "nonsense"]
)
def test_tampered_link_is_refused(client, article, mangle):
    token = review.make_link_token(article, REVIEWER)
    response = client.post(f"/review/{mangle(token)}/")
    assert response.status_code == 400
    assert "This review link is not valid" in page_text(response.text)
    article.refresh_from_db()
    assert article.reviewer == ""


def test_link_made_with_another_key_or_purpose_is_refused(client, article):
    from django.core import signing

    forged = signing.dumps({"a": article.pk, "r": "Mallory", "v": review.text_version(article)}, salt="other")
    assert client.post(f"/review/{forged}/").status_code == 400


def test_link_cannot_approve_text_changed_since_it_was_made(client, link, article):
    section = Section.objects.get(kind="treatments")
    section.body += "\n\nA late change."
    section.save()
    response = client.get(link)
    assert response.status_code == 409
    assert "has changed since this review link was made" in page_text(response.text)
    assert client.post(link).status_code == 409
    article.refresh_from_db()
    assert article.reviewer == ""


def test_link_for_a_deleted_article_is_not_found(client, link, article):
    article.delete()
    assert client.get(link).status_code == 404


def test_editor_makes_a_link_in_the_admin(client, article):
    editor = User.objects.create_user("editor", password="a long editor password", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    change = client.get(f"/admin/articles/article/{article.pk}/change/").text
    assert f'href="/admin/articles/article/{article.pk}/review-link/"' in change
    response = client.post(f"/admin/articles/article/{article.pk}/review-link/", {"reviewer": REVIEWER})
    assert response.status_code == 200
    link = response.context["link"]
    assert link.startswith("http://testserver/review/")
    client.logout()
    assert client.get(link.removeprefix("http://testserver")).status_code == 200


def test_staff_without_change_permission_cannot_make_links(client, article):
    user = User.objects.create_user("viewer", password="a long viewer password", is_staff=True)
    client.force_login(user)
    assert client.post(f"/admin/articles/article/{article.pk}/review-link/", {"reviewer": "X"}).status_code == 403


def test_approving_twice_records_one_approval_and_both_land_on_the_approved_page(client, link, article):
    first, second = client.post(link), client.post(link)
    assert first.status_code == 302
    assert second.status_code == 200
    assert f"Approved by {REVIEWER} on" in page_text(second.text), "the second click sees the approved page"
    assert ReviewApproval.objects.count() == 1
    approvals = article.history.filter(history_change_reason__startswith="clinically approved")
    assert approvals.count() == 1, "the second click saves nothing"


def test_a_second_approval_that_gets_past_the_check_reads_the_first(article, monkeypatch):
    """As when two clicks both look before either writes: the constraint refuses the second."""
    request = review.ReviewRequest(article_id=article.pk, reviewer=REVIEWER, version=review.text_version(article))
    recorded, created = review.approve(article, request)
    assert created and recorded is not None

    looked = []
    real_filter = type(ReviewApproval.objects).filter

    def sees_nothing(manager, *args, **kwargs):  # the look for an earlier approval finds none
        looked.append(kwargs)
        return real_filter(manager, *args, **kwargs).none()

    monkeypatch.setattr(type(ReviewApproval.objects), "filter", sees_nothing)
    again, created_again = review.approve(article, request)
    monkeypatch.undo()
    assert looked, "the check was made (and missed the first approval)"
    assert (again, created_again) == (recorded, False)
    assert ReviewApproval.objects.count() == 1
