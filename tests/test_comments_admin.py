"""Moderation in the admin, as a moderator, and denied to readers and editors."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from metsinfo.comments.models import Comment, Reply
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")
QUEUE = "/admin/comments/comment/"


@pytest.fixture
def pending() -> list[Comment]:
    article = Comment.objects.first().article
    now = timezone.now()
    return [
        Comment.objects.create(article=article, body=f"Pending {n}", created=now - timedelta(hours=n))
        for n in (1, 3, 2)
    ]


def test_moderators_group_has_exactly_the_comment_permissions():
    codenames = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))
    assert codenames == {"change_comment", "view_comment", "add_reply", "change_reply", "delete_reply", "view_reply"}


def test_queue_opens_on_pending_oldest_first(client, moderator, pending):
    client.force_login(moderator)
    text = page_text(client.get(QUEUE).text)
    assert text.index("Pending 3") < text.index("Pending 2") < text.index("Pending 1")
    assert "A compelling read indeed" not in text, "approved comments are not in the queue"
    assert "A compelling read indeed" in page_text(client.get(f"{QUEUE}?status=all").text)


def test_filters_and_search(client, moderator, pending):
    client.force_login(moderator)
    Comment.objects.filter(pk=pending[0].pk).update(held_reason="links")
    assert "Pending 1" in page_text(client.get(f"{QUEUE}?held_reason=links").text)
    assert "Pending 2" not in page_text(client.get(f"{QUEUE}?held_reason=links").text)
    assert "Pending 2" in page_text(client.get(f"{QUEUE}?q=Pending+2").text)


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("approve", "approved", "were approved"),
        ("reject", "rejected", "were rejected"),
        ("mark_spam", "spam", "were marked as spam"),
    ],
)
def test_bulk_actions_count_and_record_who_and_when(client, moderator, pending, action, status, message):
    client.force_login(moderator)
    ids = [str(c.pk) for c in pending[:2]]
    response = client.post(QUEUE, {"action": action, "_selected_action": ids}, follow=True)
    assert f"2 comments {message}." in page_text(response.text)
    for comment in Comment.objects.filter(pk__in=ids):
        assert comment.status == status
        assert comment.moderated_by == moderator
        assert comment.moderated_at is not None


def test_single_action_message_is_singular(client, moderator, pending):
    client.force_login(moderator)
    response = client.post(QUEUE, {"action": "approve", "_selected_action": [pending[0].pk]}, follow=True)
    assert "1 comment was approved." in page_text(response.text)


def test_approved_comment_appears_on_the_article(client, moderator, pending):
    client.force_login(moderator)
    client.post(QUEUE, {"action": "approve", "_selected_action": [pending[0].pk]})
    client.logout()
    assert "Pending 1" in page_text(client.get(pending[0].article.get_absolute_url()).text, "comments")


def test_moderator_note_and_reply(client, moderator, pending):
    client.force_login(moderator)
    comment = pending[0]
    data = {
        "display_name": "", "role": "", "body": comment.body, "email": "", "status": "approved",
        "moderator_note": "Checked with the nurse team.",
        "reply-TOTAL_FORMS": 1, "reply-INITIAL_FORMS": 0, "reply-MIN_NUM_FORMS": 0, "reply-MAX_NUM_FORMS": 1,
        "reply-0-body": "Thank you for your comment.", "reply-0-published": "on",
    }  # fmt: skip
    response = client.post(f"{QUEUE}{comment.pk}/change/", data)
    assert response.status_code == 302, page_text(response.text)[:500]
    comment.refresh_from_db()
    assert comment.moderator_note == "Checked with the nurse team."
    assert comment.moderated_by == moderator
    assert Reply.objects.get(comment=comment).author == moderator


def test_admin_index_shows_how_many_await_review(client, moderator, pending):
    client.force_login(moderator)
    assert "3 comments awaiting review" in page_text(client.get("/admin/").text)


def test_readers_are_denied(client, pending):
    response = client.post(QUEUE, {"action": "approve", "_selected_action": [pending[0].pk]})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Comment.objects.get(pk=pending[0].pk).status == "pending"


def test_editors_cannot_moderate(client, pending):
    editor = User.objects.create_user("editor", password="a long editor password", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(QUEUE).status_code == 403
    client.post(QUEUE, {"action": "approve", "_selected_action": [pending[0].pk]})
    assert Comment.objects.get(pk=pending[0].pk).status == "pending"


def test_view_only_staff_cannot_run_actions(client, pending):
    from django.contrib.auth.models import Permission

    viewer = User.objects.create_user("viewer", password="a long viewer password", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    response = client.post(QUEUE, {"action": "approve", "_selected_action": [pending[0].pk]})
    assert response.status_code in (200, 302)
    assert Comment.objects.get(pk=pending[0].pk).status == "pending"


def test_purge_deletes_old_spam_and_rejected_and_erases_old_emails(settings):
    settings.COMMENTS_RETENTION_DAYS = 30
    article = Comment.objects.first().article
    old = timezone.now() - timedelta(days=31)
    Comment.objects.create(article=article, body="old spam", status="spam", created=old)
    Comment.objects.create(article=article, body="old rejected", status="rejected", created=old)
    Comment.objects.create(article=article, body="new spam", status="spam")
    kept = Comment.objects.create(article=article, body="old approved", status="approved", email="a@b.org", created=old)
    fresh = Comment.objects.create(article=article, body="new", email="c@d.org")

    out = StringIO()
    call_command("purge_comments", "--dry-run", stdout=out)
    assert "would delete 2 spam or rejected comment(s) and would erase 1 email" in out.getvalue()
    assert Comment.objects.filter(body="old spam").exists()

    call_command("purge_comments", stdout=StringIO())
    assert not Comment.objects.filter(body__in=["old spam", "old rejected"]).exists()
    assert Comment.objects.filter(body="new spam").exists()
    kept.refresh_from_db()
    fresh.refresh_from_db()
    assert (kept.email, fresh.email) == ("", "c@d.org")


def test_reapproving_a_reported_comment_starts_the_count_again(client, moderator, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = Comment.objects.approved().first()
    for address in ("203.0.113.1", "203.0.113.2"):
        client.post(f"/comments/{comment.pk}/report/", REMOTE_ADDR=address)
    comment.refresh_from_db()
    assert comment.status == "pending"

    client.force_login(moderator)
    client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk], "confirm": "yes"})  # held: reported
    client.logout()
    comment.refresh_from_db()
    assert (comment.status, comment.report_count, comment.reports.count()) == ("approved", 0, 0)

    client.post(f"/comments/{comment.pk}/report/", REMOTE_ADDR="203.0.113.3")
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == ("approved", 1), "one new report does not hide it again"


def test_reapproving_on_the_change_page_also_clears_reports(client, moderator, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 1
    comment = Comment.objects.approved().first()
    client.post(f"/comments/{comment.pk}/report/", {"reason": "I wrote this; please remove it."})
    client.force_login(moderator)
    page = client.get(f"{QUEUE}{comment.pk}/change/")
    assert "I wrote this; please remove it." in page_text(page.text)
    data = {
        "display_name": comment.display_name, "role": comment.role, "body": comment.body, "email": "",
        "status": "approved", "moderator_note": "",
        "reply-TOTAL_FORMS": 0, "reply-INITIAL_FORMS": 0, "reply-MIN_NUM_FORMS": 0, "reply-MAX_NUM_FORMS": 1,
    }  # fmt: skip
    assert client.post(f"{QUEUE}{comment.pk}/change/", data).status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.report_count, comment.reports.count()) == ("approved", 0, 0)
