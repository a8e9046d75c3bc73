"""Posting, reporting and reading comments over HTTP."""

import re

import pytest
from django.core import mail

from metsinfo.comments import notifications
from metsinfo.comments.models import Comment, Reply
from tests.comments_helpers import ARTICLE_URL, POST_URL, form_data
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture(autouse=True)
def _send_in_request_thread(monkeypatch):
    monkeypatch.setattr(notifications, "SEND_IN_BACKGROUND", False)


def new_comments():
    return Comment.objects.filter(seed_key__isnull=True)


class TestReading:
    def test_approved_comments_show_newest_first_with_name_role_and_date(self, client):
        html = client.get(ARTICLE_URL).text
        comments = page_text(html, "comments")
        assert comments.index("A compelling read indeed!") > comments.index("It serves as a call-to-action")
        assert "Anonymous reader" in comments
        assert html.count('class="comment"') == 9

    def test_pending_rejected_and_spam_are_not_shown(self, client):
        article = Comment.objects.first().article
        for status in ["pending", "rejected", "spam"]:
            Comment.objects.create(article=article, body=f"Hidden {status} comment", status=status)
        text = page_text(client.get(ARTICLE_URL).text)
        assert "Hidden" not in text

    def test_form_explains_moderation_and_privacy(self, client):
        text = page_text(client.get(ARTICLE_URL).text, "comment-form")
        assert "Comments are checked by a moderator before they appear." in text
        assert "Please do not post personal medical details, or anyone\u2019s contact details." in text

    def test_role_and_reply_are_shown(self, client):
        comment = Comment.objects.first()
        Comment.objects.filter(pk=comment.pk).update(display_name="Jo", role="patient")
        Reply.objects.create(comment=comment, body="Thank you, Jo.")
        text = page_text(client.get(ARTICLE_URL).text, f"comment-{comment.pk}")
        assert text.startswith("Jo, patient")
        assert "Reply from the metsinfo team Thank you, Jo." in text

    def test_unpublished_reply_is_not_shown(self, client):
        Reply.objects.create(comment=Comment.objects.first(), body="Draft reply.", published=False)
        assert "Draft reply." not in client.get(ARTICLE_URL).text


class TestPosting:
    def test_success_redirects_with_a_thank_you_and_stores_a_pending_comment(self, client):
        response = client.post(POST_URL, form_data(), follow=True)
        assert response.redirect_chain == [(f"{ARTICLE_URL}#comments", 302)]
        assert "Your comment will appear after a moderator has checked it." in page_text(response.text)
        comment = new_comments().get()
        assert comment.status == Comment.Status.PENDING
        assert comment.display_name == "Sam" and comment.role == "carer"
        assert comment.body_html == "<p>Thank you for explaining this so clearly.</p><p>It helped my mother and me.</p>"
        assert "Thank you for explaining this so clearly" not in page_text(response.text, "comments")

    def test_no_raw_address_is_stored(self, client):
        client.post(POST_URL, form_data(), REMOTE_ADDR="198.51.100.23")
        comment = new_comments().get()
        stored = " ".join(str(value) for value in Comment.objects.filter(pk=comment.pk).values().get().values())
        assert "198.51.100.23" not in stored
        assert len(comment.client_key) == 64

    def test_errors_keep_the_text_and_link_each_field(self, client):
        body = "My long, careful comment that must not be lost."
        response = client.post(POST_URL, form_data(body=body, consent=None, role="nonsense"))
        assert response.status_code == 400
        html = response.text
        assert body in html, "the reader's text comes back"
        assert 'href="#id_consent"' in html and 'href="#id_role_0"' in html
        assert "There is a problem" in page_text(html)
        assert not new_comments().exists()

    def test_too_fast_is_refused_clearly_and_the_text_kept(self, client):
        from metsinfo.comments.spam import sign_timestamp

        response = client.post(POST_URL, form_data(timestamp=sign_timestamp(), body="Typed very fast."))
        assert response.status_code == 400
        assert "quicker than anyone can read" in page_text(response.text)
        assert "Typed very fast." in response.text
        assert not new_comments().exists()

    def test_resending_after_a_too_fast_error_is_accepted_once_time_has_passed(self, client, monkeypatch):
        import time as time_module

        from metsinfo.comments.spam import sign_timestamp

        issued = sign_timestamp()
        first = client.post(POST_URL, form_data(timestamp=issued))
        assert first.status_code == 400
        assert f'value="{issued}"' in first.text, "the original timestamp is kept for the retry"
        later = time_module.time() + 30
        monkeypatch.setattr("metsinfo.comments.spam.time.time", lambda: later)
        assert client.post(POST_URL, form_data(timestamp=issued)).status_code == 302

    def test_an_expired_form_gets_a_fresh_timestamp(self, client):
        import time as time_module

        from metsinfo.comments.spam import sign_timestamp

        stale = sign_timestamp(time_module.time() - 3 * 24 * 3600)
        response = client.post(POST_URL, form_data(timestamp=stale, body="Written long ago."))
        assert response.status_code == 400
        assert stale not in response.text
        assert "Written long ago." in response.text

    def test_a_reader_who_gets_the_form_wrong_a_few_times_can_still_send_it(self, client, settings):
        settings.COMMENTS_RATE_LIMIT = (2, 600)
        for _ in range(4):
            assert client.post(POST_URL, form_data(consent=None)).status_code == 400
        assert client.post(POST_URL, form_data()).status_code == 302
        assert new_comments().count() == 1

    def test_refused_submissions_are_limited_too_more_loosely(self, client, settings):
        from metsinfo.comments.ratelimit import CORRECTIONS_PER_COMMENT

        settings.COMMENTS_RATE_LIMIT = (2, 600)
        for _ in range(2 * CORRECTIONS_PER_COMMENT):
            assert client.post(POST_URL, form_data(consent=None)).status_code == 400
        response = client.post(POST_URL, form_data(consent=None, body="Kept, though refused."))
        assert response.status_code == 429
        assert "Kept, though refused." in response.text

    def test_rate_limit_answers_429_and_keeps_the_text(self, client, settings):
        settings.COMMENTS_RATE_LIMIT = (2, 600)
        for n in range(2):
            assert client.post(POST_URL, form_data(body=f"Comment number {n}")).status_code == 302
        response = client.post(POST_URL, form_data(body="The third, too soon."))
        assert response.status_code == 429
        assert "The third, too soon." in response.text
        assert "sent several comments in a short time" in page_text(response.text)
        assert new_comments().count() == 2

    def test_honeypot_is_stored_as_spam_not_discarded(self, client):
        response = client.post(POST_URL, form_data(website="http://spam.example"))
        assert response.status_code == 302, "a bot gets the same answer as a person"
        comment = new_comments().get()
        assert (comment.status, comment.held_reason) == (Comment.Status.SPAM, Comment.Reason.HONEYPOT)

    def test_duplicate_is_stored_as_spam_with_its_reason(self, client):
        client.post(POST_URL, form_data(body="Same words twice."))
        client.post(POST_URL, form_data(body="Same  words twice."))
        statuses = list(new_comments().order_by("pk").values_list("status", "held_reason"))
        assert statuses == [("pending", ""), ("spam", "duplicate")]

    def test_contact_details_are_held_with_the_reason(self, client):
        client.post(POST_URL, form_data(body="Email me: someone@example.com"))
        comment = new_comments().get()
        assert (comment.status, comment.held_reason) == ("pending", "email-in-text")

    def test_get_is_not_allowed(self, client):
        assert client.get(POST_URL).status_code == 405

    def test_csrf_is_required(self):
        from django.test import Client

        response = Client(enforce_csrf_checks=True).post(POST_URL, form_data())
        assert response.status_code == 403
        assert not new_comments().exists()

    def test_unknown_or_draft_article_is_404(self, client):
        assert client.post("/articles/nope/comments/", form_data()).status_code == 404


class TestReporting:
    def test_reports_from_distinct_clients_send_the_comment_back_to_the_queue(self, client, settings):
        settings.COMMENTS_REPORT_THRESHOLD = 2
        comment = Comment.objects.approved().first()
        url = f"/comments/{comment.pk}/report/"
        response = client.post(url, REMOTE_ADDR="203.0.113.1", follow=True)
        assert "A moderator will look at this comment." in page_text(response.text)
        client.post(url, REMOTE_ADDR="203.0.113.1")  # the same reader again: counted once
        comment.refresh_from_db()
        assert (comment.status, comment.report_count) == ("approved", 1)
        client.post(url, REMOTE_ADDR="203.0.113.2")
        comment.refresh_from_db()
        assert (comment.status, comment.held_reason, comment.report_count) == ("pending", "reported", 2)
        assert comment.body[:30] not in page_text(client.get(ARTICLE_URL).text, "comments")

    def test_the_link_asks_for_confirmation_and_reports_nothing(self, client):
        comment = Comment.objects.approved().first()
        html = client.get(ARTICLE_URL).text
        assert f'href="/comments/{comment.pk}/report/" rel="nofollow"' in html
        response = client.get(f"/comments/{comment.pk}/report/")
        assert response.status_code == 200
        assert "Report this comment?" in page_text(response.text)
        assert comment.body[:40] in page_text(response.text)
        comment.refresh_from_db()
        assert comment.report_count == 0

    def test_report_needs_csrf(self):
        from django.test import Client

        comment = Comment.objects.approved().first()
        assert Client(enforce_csrf_checks=True).post(f"/comments/{comment.pk}/report/").status_code == 403


class TestNotifications:
    def test_moderators_get_one_email_per_interval(self, client, settings, django_capture_on_commit_callbacks):
        settings.COMMENTS_MODERATOR_EMAILS = ["mods@example.org"]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(POST_URL, form_data(body="First new comment."))
            client.post(POST_URL, form_data(body="Second new comment."), REMOTE_ADDR="203.0.113.9")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["mods@example.org"]
        assert "First new comment." in message.body
        assert "/admin/comments/comment/" in message.body

    def test_a_failing_mail_server_never_fails_the_reader(
        self, client, settings, monkeypatch, django_capture_on_commit_callbacks
    ):
        settings.COMMENTS_MODERATOR_EMAILS = ["mods@example.org"]
        attempts = []

        def broken(*args, **kwargs):
            attempts.append(args)
            raise ConnectionRefusedError("SMTP down")

        monkeypatch.setattr(notifications, "send_mail", broken)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(POST_URL, form_data())
        assert attempts, "the send was attempted"
        assert response.status_code == 302
        assert new_comments().count() == 1

    def test_spam_sends_no_email(self, client, settings, django_capture_on_commit_callbacks):
        settings.COMMENTS_MODERATOR_EMAILS = ["mods@example.org"]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(POST_URL, form_data(website="bot"))
        assert mail.outbox == []


def test_a_report_can_say_why(client):
    comment = Comment.objects.approved().first()
    assert 'name="reason"' in client.get(f"/comments/{comment.pk}/report/").text
    client.post(f"/comments/{comment.pk}/report/", {"reason": "  I wrote this and want it removed.  "})
    assert comment.reports.get().reason == "I wrote this and want it removed."


def test_privacy_notice(client, settings):
    settings.COMMENTS_RETENTION_DAYS = 45
    text = page_text(client.get("/privacy/").text)
    assert "say in the box that you wrote it and want it removed" in text
    assert "we never store it" in text
    assert "erased after 45 days" in text


class TestOlderComments:
    """The article shows the newest comments; older ones are on numbered pages of the same size."""

    @pytest.fixture
    def many(self, settings):
        settings.COMMENTS_PER_PAGE = 4
        article = Comment.objects.first().article
        Comment.objects.filter(seed_key__isnull=False).delete()
        for n in range(1, 11):
            Comment.objects.create(article=article, body=f"Comment number {n:02}.", status="approved")
        return article

    @staticmethod
    def shown(html: str) -> list[str]:
        return re.findall(r"Comment number (\d\d)\.", html)

    def test_article_shows_the_newest_page_and_links_to_older_ones(self, client, many):
        html = client.get(ARTICLE_URL).text
        assert self.shown(html) == ["10", "09", "08", "07"]
        assert f'href="{ARTICLE_URL}comments/page/2/">Older comments</a>' in html

    def test_no_older_link_when_everything_fits(self, client, many, settings):
        settings.COMMENTS_PER_PAGE = 10
        assert "Older comments" not in client.get(ARTICLE_URL).text

    def test_older_pages_continue_where_the_article_stops(self, client, many):
        page_two = client.get(f"{ARTICLE_URL}comments/page/2/")
        assert page_two.status_code == 200
        assert self.shown(page_two.text) == ["06", "05", "04", "03"]
        text = page_text(page_two.text)
        assert "Page 2 of 3, newest first." in text
        assert f'href="{ARTICLE_URL}#comments" rel="prev"' in page_two.text
        assert f'href="{ARTICLE_URL}comments/page/3/" rel="next"' in page_two.text
        page_three = client.get(f"{ARTICLE_URL}comments/page/3/").text
        assert self.shown(page_three) == ["02", "01"]
        assert 'rel="next"' not in page_three
        assert f'href="{ARTICLE_URL}comments/page/2/" rel="prev"' in page_three

    def test_page_one_is_the_article(self, client, many):
        response = client.get(f"{ARTICLE_URL}comments/page/1/")
        assert response.status_code == 301
        assert response["Location"] == f"{ARTICLE_URL}#comments"

    @pytest.mark.parametrize("path", ["comments/page/4/", "comments/page/0/", "comments/page/two/"])
    def test_pages_that_do_not_exist_are_404(self, client, many, path):
        assert client.get(f"{ARTICLE_URL}{path}").status_code == 404

    def test_pending_comments_never_reach_older_pages(self, client, many):
        Comment.objects.create(article=many, body="Comment number 99.", status="pending")
        assert "99" not in self.shown(client.get(f"{ARTICLE_URL}comments/page/3/").text)

    def test_older_pages_are_shared_cached_and_cleared_when_a_comment_is_approved(self, client, many):
        url = f"{ARTICLE_URL}comments/page/2/"
        first = client.get(url)
        assert "public" in first["Cache-Control"] and not first.cookies
        # A change that sends no signal: only a page kept in the cache still shows number 06.
        Comment.objects.filter(body="Comment number 06.").update(status="rejected")
        assert self.shown(client.get(url).text) == ["06", "05", "04", "03"]
        Comment.objects.create(article=many, body="Comment number 11.", status="approved")
        assert self.shown(client.get(url).text) == ["07", "05", "04", "03"]

    def test_query_count_is_fixed(self, client, many, django_assert_num_queries):
        # The article; the count; the page of comments with their replies.
        with django_assert_num_queries(3):
            client.get(f"{ARTICLE_URL}comments/page/2/")


def test_the_background_sender_closes_its_database_connections(seeded, settings, monkeypatch):
    settings.COMMENTS_MODERATOR_EMAILS = ["moderator@example.org"]
    comment = Comment.objects.create(article=Comment.objects.first().article, body="Sent from a thread.")
    closed = []
    monkeypatch.setattr(notifications.connections, "close_all", lambda: closed.append(True))
    notifications._send_in_background(comment.pk)
    assert closed == [True]
    assert "Sent from a thread." in mail.outbox[-1].body


def test_the_background_sender_closes_them_even_when_sending_fails(seeded, settings, monkeypatch):
    closed = []
    monkeypatch.setattr(notifications.connections, "close_all", lambda: closed.append(True))
    notifications._send_in_background(10**9)  # no such comment: logged, not raised
    assert closed == [True]


class TestAfterReportingAndSending:
    """Usability findings 1.13 and 1.14: the reader lands where they were, and knows what happens next."""

    def test_after_reporting_the_reader_returns_to_that_comment_marked_as_reported(self, client):
        comment = Comment.objects.approved().first()
        response = client.post(f"/comments/{comment.pk}/report/")
        assert response.status_code == 302
        assert response["Location"] == f"{ARTICLE_URL}#comment-{comment.pk}"
        page = client.get(response["Location"]).text
        item = re.search(rf'<li id="comment-{comment.pk}".*?</li>', page, re.S).group(0)
        assert "You reported this comment." in page_text(item)
        assert "Report this comment" not in page_text(item)
        assert "You reported this comment." not in page_text(client.get(ARTICLE_URL).text), "shown once, to them"

    def test_a_comment_on_an_older_page_is_returned_to_on_that_page(self, client, settings):
        settings.COMMENTS_PER_PAGE = 2
        oldest = Comment.objects.approved().order_by("created", "pk").first()
        response = client.post(f"/comments/{oldest.pk}/report/")
        location = response["Location"]
        assert re.fullmatch(rf"{ARTICLE_URL}comments/page/\d+/#comment-{oldest.pk}", location), location
        page = client.get(location).text
        assert f'id="comment-{oldest.pk}"' in page and "You reported this comment." in page_text(page)

    def test_reporting_again_from_the_same_browser_says_so(self, client):
        comment = Comment.objects.approved().first()
        client.post(f"/comments/{comment.pk}/report/")
        again = page_text(client.get(f"/comments/{comment.pk}/report/").text)
        assert "You have already reported this comment" in again
        assert "Yes, report this comment" not in again

    def test_a_comment_hidden_by_the_report_returns_the_reader_to_the_comments(self, client, settings):
        settings.COMMENTS_REPORT_THRESHOLD = 1
        comment = Comment.objects.approved().first()
        response = client.post(f"/comments/{comment.pk}/report/", follow=True)
        assert "hidden until a moderator has looked at it" in page_text(response.content.decode())

    def test_the_thank_you_says_when_moderators_usually_look(self, client, settings):
        settings.COMMENTS_REVIEW_DAYS = 3
        response = client.post(f"{ARTICLE_URL}comments/", form_data(), follow=True)
        assert "Moderators usually check new comments within 3 working days." in page_text(response.content.decode())
