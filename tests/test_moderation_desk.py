"""What the usability test asked of the moderation desk: reasons in view, a check before
publishing held comments, undo, readers' words read-only, decision buttons, no "None"."""

import re

import pytest
from django.contrib.auth.models import Group, User

from metsinfo.comments.models import Comment
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")
QUEUE = "/admin/comments/comment/"


@pytest.fixture
def desk(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def comments() -> dict[str, Comment]:
    article = Comment.objects.first().article
    return {
        "plain": Comment.objects.create(article=article, body="Thank you, this helped my mum."),
        "links": Comment.objects.create(
            article=article, body="Buy cheap zoledronic acid online at example.com", held_reason="links"
        ),
        "phone": Comment.objects.create(article=article, body="Call me on 07700 900123", held_reason="phone-in-text"),
    }


def undo_link(response) -> str:
    return re.search(r'href="(/admin/comments/comment/undo/[^"]+/)"', response.text).group(1)


def test_the_held_reason_is_shown_with_the_comment_text(desk, comments):
    rows = page_text(desk.get(QUEUE).text)
    assert "Buy cheap zoledronic acid online at example.com Held: Too many links" in rows
    assert "Call me on 07700 900123 Held: Phone number in the text" in rows


def test_approving_a_selection_with_held_comments_asks_first(desk, comments):
    chosen = [comments["plain"].pk, comments["links"].pk]
    asked = desk.post(QUEUE, {"action": "approve", "_selected_action": chosen, "index": "0"})
    assert asked.status_code == 200
    text = page_text(asked.text)
    assert "1 of the 2 comments you chose were held for a reason" in text or "One of the 2 comments" in text
    assert "Held: Too many links" in text and "Buy cheap zoledronic acid" in text
    assert Comment.objects.filter(pk__in=chosen, status="approved").count() == 0, "nothing published yet"

    form = dict(re.findall(r'name="(action|confirm)" value="([^"]+)"', asked.text))
    ids = re.findall(r'name="_selected_action" value="(\d+)"', asked.text)
    assert sorted(map(int, ids)) == sorted(chosen)
    done = desk.post(QUEUE, {**form, "_selected_action": ids}, follow=True)
    assert "2 comments were approved." in page_text(done.content.decode())
    assert Comment.objects.filter(pk__in=chosen, status="approved").count() == 2


def test_approving_only_unheld_comments_needs_no_confirmation(desk, comments):
    response = desk.post(QUEUE, {"action": "approve", "_selected_action": [comments["plain"].pk], "index": "0"})
    assert response.status_code == 302
    assert Comment.objects.get(pk=comments["plain"].pk).status == "approved"


@pytest.mark.parametrize("action", ["approve", "reject", "mark_spam"])
def test_a_bulk_action_can_be_undone_from_its_message(desk, comments, moderator, action):
    chosen = [comments["links"].pk, comments["phone"].pk]
    data = {"action": action, "_selected_action": chosen, "index": "0", "confirm": "yes"}
    done = desk.post(QUEUE, data, follow=True)
    assert Comment.objects.filter(pk__in=chosen, status="pending").count() == 0
    link = undo_link(done)

    confirm = desk.get(link)
    assert confirm.status_code == 200 and "Awaiting review" in page_text(confirm.text)
    assert Comment.objects.filter(pk__in=chosen, status="pending").count() == 0, "a GET changes nothing"

    undone = desk.post(link, follow=True)
    assert "2 comments were put back as they were." in page_text(undone.content.decode())
    for comment in Comment.objects.filter(pk__in=chosen):
        assert (comment.status, comment.moderated_by, comment.moderated_at) == ("pending", None, None)
    assert {c.held_reason for c in Comment.objects.filter(pk__in=chosen)} == {"links", "phone-in-text"}


def test_undo_leaves_a_comment_another_moderator_changed_since(desk, comments):
    chosen = [comments["plain"].pk, comments["links"].pk]
    done = desk.post(QUEUE, {"action": "reject", "_selected_action": chosen, "index": "0"}, follow=True)
    Comment.objects.filter(pk=comments["plain"].pk).update(status="approved")
    undone = desk.post(undo_link(done), follow=True)
    text = page_text(undone.content.decode())
    assert "1 comment was put back as it was. 1 had been changed since and was left alone." in text
    assert Comment.objects.get(pk=comments["plain"].pk).status == "approved"
    assert Comment.objects.get(pk=comments["links"].pk).status == "pending"


def test_a_forged_undo_link_changes_nothing(desk, comments):
    done = desk.post(QUEUE, {"action": "reject", "_selected_action": [comments["plain"].pk], "index": "0"}, follow=True)
    forged = undo_link(done).replace("undo/", "undo/x")
    response = desk.post(forged, follow=True)
    assert "That undo link has expired or is not valid" in page_text(response.content.decode())
    assert Comment.objects.get(pk=comments["plain"].pk).status == "rejected"


def test_an_editor_cannot_use_an_undo_link(client, desk, comments):
    done = desk.post(QUEUE, {"action": "reject", "_selected_action": [comments["plain"].pk], "index": "0"}, follow=True)
    link = undo_link(done)
    editor = User.objects.create_user("editor", password="a long editor password", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.post(link).status_code == 403
    assert Comment.objects.get(pk=comments["plain"].pk).status == "rejected"


def test_a_moderator_cannot_rewrite_a_readers_name_or_words(desk, comments):
    comment = comments["plain"]
    page = desk.get(f"{QUEUE}{comment.pk}/change/").text
    assert 'name="body"' not in page and 'name="display_name"' not in page
    data = {
        "display_name": "Someone else", "body": "Words the reader never wrote.", "status": "pending",
        "moderator_note": "", "reply-TOTAL_FORMS": 0, "reply-INITIAL_FORMS": 0, "reply-MIN_NUM_FORMS": 0,
        "reply-MAX_NUM_FORMS": 1,
    }  # fmt: skip
    assert desk.post(f"{QUEUE}{comment.pk}/change/", data).status_code == 302
    comment.refresh_from_db()
    assert (comment.display_name, comment.body) == ("", "Thank you, this helped my mum.")


@pytest.mark.parametrize(("button", "status"), [("approved", "approved"), ("rejected", "rejected"), ("spam", "spam")])
def test_the_comment_page_has_approve_reject_and_spam_buttons(desk, comments, moderator, button, status):
    comment = comments["links"]
    page = desk.get(f"{QUEUE}{comment.pk}/change/").text
    for value in ("approved", "rejected", "spam"):
        assert f'name="_moderate" value="{value}"' in page
    data = {
        "_moderate": button, "status": "pending", "moderator_note": "", "reply-TOTAL_FORMS": 0,
        "reply-INITIAL_FORMS": 0, "reply-MIN_NUM_FORMS": 0, "reply-MAX_NUM_FORMS": 1,
    }  # fmt: skip
    assert desk.post(f"{QUEUE}{comment.pk}/change/", data).status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (status, moderator)


def test_no_literal_none_on_the_moderation_pages(client, admin_user, comments):
    client.force_login(admin_user)
    reply_less = comments["plain"]
    pages = [QUEUE, f"{QUEUE}?status=all", f"{QUEUE}{reply_less.pk}/change/", f"{QUEUE}{comments['links'].pk}/change/"]
    pages += ["/admin/", "/admin/comments/reply/", "/admin/comments/commentreport/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        if response.status_code == 200:
            assert not re.search(r"\bNone\b", page_text(response.text)), url
