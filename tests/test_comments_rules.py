"""Comment rendering, spam heuristics, timestamps, the rate limit and settings parsing."""

import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from metsinfo.comments import ratelimit, spam
from metsinfo.comments.forms import CommentForm
from metsinfo.comments.models import Comment
from metsinfo.comments.rendering import render_comment
from metsinfo.lib.cache import FileBasedCache
from metsinfo.settings.env import env_rate
from tests.comments_helpers import form_data


class TestRendering:
    def test_paragraphs_and_line_breaks_are_kept(self):
        assert render_comment("First line\nsecond line\n\nNew paragraph") == (
            "<p>First line<br>second line</p><p>New paragraph</p>"
        )

    def test_markup_is_shown_as_text(self):
        html = render_comment("<b>bold</b> **not bold** <script>alert(1)</script>")
        assert "<b>" not in html and "<script>" not in html
        assert "&lt;b&gt;bold&lt;/b&gt; **not bold** &lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_bare_urls_become_safe_links(self):
        html = render_comment("See https://www.nhs.uk/conditions/ for more.")
        assert '<a href="https://www.nhs.uk/conditions/" rel="nofollow ugc noopener">' in html

    def test_only_web_links_are_made(self):
        html = render_comment("javascript:alert(1) and mailto:a@b.org and ftp://x.org")
        assert "<a " not in html


class TestHeuristics:
    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            ("A plain comment about treatment.", ""),
            ("See https://a.example and https://b.example", Comment.Reason.LINKS),
            ("One link is fine: https://www.nhs.uk", ""),
            ("Write to me at jo.bloggs@example.com please", Comment.Reason.EMAIL_IN_TEXT),
            ("Call me on 07700 900123", Comment.Reason.PHONE_IN_TEXT),
            ("Ring +44 (0)20 7946 0958", Comment.Reason.PHONE_IN_TEXT),
            ("I was diagnosed in 2019 at 54, after 3 scans.", ""),
        ],
    )
    def test_held_reasons(self, body, reason):
        assert spam.held_reason(body) == reason


class TestTimestamp:
    def test_fresh_form_is_accepted(self):
        assert spam.timestamp_problem(spam.sign_timestamp(time.time() - 60)) is None

    def test_too_fast_is_rejected_with_a_clear_message(self):
        assert "quicker than anyone can read" in spam.timestamp_problem(spam.sign_timestamp())

    def test_too_old_is_rejected_with_a_clear_message(self):
        old = spam.sign_timestamp(time.time() - 3 * 24 * 3600)
        assert "open for a long time" in spam.timestamp_problem(old)

    @pytest.mark.parametrize("value", ["", "123", "garbage:abc", spam.sign_timestamp()[:-2] + "xx"])
    def test_forged_timestamp_is_rejected(self, value):
        assert "could not be checked" in spam.timestamp_problem(value)

    def test_a_page_cached_for_an_hour_still_works(self):
        assert spam.timestamp_problem(spam.sign_timestamp(time.time() - 3600)) is None


@pytest.mark.django_db
class TestForm:
    def test_valid(self):
        assert CommentForm(form_data()).is_valid()

    def test_comment_is_required(self):
        form = CommentForm(form_data(body="   "))
        assert form.errors["body"] == ["Write your comment before sending it."]

    def test_length_limit(self, settings):
        settings.COMMENTS_MAX_LENGTH = 100
        form = CommentForm(form_data(body="x" * 101))
        assert form.errors["body"] == ["Your comment is 101 characters long; the limit is 100. Please shorten it."]

    def test_consent_is_required(self):
        assert "Tick the box" in CommentForm(form_data(consent=None)).errors["consent"][0]

    def test_control_characters_are_refused(self):
        assert "control characters" in CommentForm(form_data(body="Hi\x07there")).errors["body"][0]
        assert CommentForm(form_data(body="Hi\x00there")).errors["body"] == ["Null characters are not allowed."]

    def test_unknown_role_is_refused(self):
        assert "role" in CommentForm(form_data(role="doctor-who")).errors

    def test_errors_are_tied_to_their_inputs(self):
        form = CommentForm(form_data(body=""))
        form.is_valid()
        attrs = form.fields["body"].widget.attrs
        assert attrs["aria-invalid"] == "true"
        assert attrs["aria-describedby"] == "id_body-hint id_body-error"


class TestRateLimitAndSettings:
    def test_limit_per_window(self):
        assert all(ratelimit.hit("client-a", limit=3, window=600) for _ in range(3))
        assert not ratelimit.hit("client-a", limit=3, window=600)
        assert ratelimit.hit("client-b", limit=3, window=600), "other clients are unaffected"

    def test_client_key_is_a_keyed_hash_not_the_address(self, rf):
        request = rf.post("/", REMOTE_ADDR="203.0.113.7")
        key = ratelimit.client_key(request)
        assert "203.0.113.7" not in key
        assert len(key) == 64
        assert key == ratelimit.client_key(rf.post("/", REMOTE_ADDR="203.0.113.7"))
        assert key != ratelimit.client_key(rf.post("/", REMOTE_ADDR="203.0.113.8"))

    @pytest.mark.parametrize(("raw", "expected"), [("5/600", (5, 600)), ("1/1", (1, 1))])
    def test_rate_setting(self, monkeypatch, raw, expected):
        monkeypatch.setenv("X_RATE", raw)
        assert env_rate("X_RATE", (9, 9)) == expected

    @pytest.mark.parametrize("raw", ["5", "five/600", "0/600", "5/0", "5/600/2"])
    def test_bad_rate_setting_is_an_error(self, monkeypatch, raw):
        monkeypatch.setenv("X_RATE", raw)
        with pytest.raises(ImproperlyConfigured, match="X_RATE"):
            env_rate("X_RATE", (9, 9))


class TestRateLimitWindowOutlastsTheCacheTimeout:
    """A 600 s window on a cache whose default timeout is 300 s: the count must last the window."""

    @pytest.fixture(params=["file cache", "configured cache"])
    def counters(self, request, tmp_path, monkeypatch):
        """A file cache of the test's own (whatever this pass runs on), then the settings' cache."""
        if request.param == "file cache":
            monkeypatch.setattr(ratelimit, "cache", FileBasedCache(str(tmp_path / "cache"), {}))
        return ratelimit.cache

    def test_the_sixth_comment_in_the_window_is_refused(self, counters, monkeypatch):
        limit, window = 5, 600
        assert window > counters.default_timeout, "else this test proves nothing"
        start = 3_000_000 * window  # a window begins
        clock = [float(start)]
        monkeypatch.setattr(time, "time", lambda: clock[0])

        def comment_at(second: float) -> bool:
            clock[0] = start + second
            return ratelimit.hit("same-client", limit=limit, window=window)

        assert [comment_at(second) for second in (0, 2, 4, 6, 8)] == [True] * 5
        assert not comment_at(320), "the sixth in the window, after the default timeout of the fifth's write"
        assert not comment_at(599)
        assert not comment_at(608), "the first five are less than a window ago"
        assert comment_at(600 + 60), "the oldest left the window (one step of 60 s late at most)"
        assert [comment_at(second) for second in (661, 662, 663, 664)] == [True] * 4, "refused tries never counted"
        assert not comment_at(665)

    def test_no_window_boundary_lets_twice_the_limit_through(self, counters, monkeypatch):
        limit, window = 5, 600
        start = 3_000_000 * window
        clock = [float(start)]
        monkeypatch.setattr(time, "time", lambda: clock[0])

        def comment_at(second: float) -> bool:
            clock[0] = start + second
            return ratelimit.hit("edge-client", limit=limit, window=window)

        assert [comment_at(second) for second in (595, 596, 597, 598, 599)] == [True] * 5
        assert [comment_at(second) for second in range(600, 1195, 25)] == [False] * 24
        allowed_over_time = sum(comment_at(second) for second in range(1195, 2400, 5))
        assert allowed_over_time == 10, "five per window of 600 s once the first five have left it"


def test_the_rate_limit_is_exact_when_many_requests_count_at_once():
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from metsinfo.comments import ratelimit

    start = threading.Barrier(24)

    def attempt(_: int) -> bool:
        start.wait()
        return ratelimit.hit("same-client", limit=5, window=600, scope="concurrency")

    for round_ in range(3):
        start.reset()
        with ThreadPoolExecutor(24) as pool:
            allowed = list(pool.map(attempt, range(24)))
        assert allowed.count(True) == (5 if round_ == 0 else 0), allowed


@pytest.mark.django_db
class TestRepeats:
    """A repeat of a comment's text on the same article within 30 days is held as a duplicate."""

    @pytest.fixture
    def article(self):
        from metsinfo.articles.models import Article

        return Article.objects.create(slug="demo", title="Demo", status="published")

    def test_spacing_and_line_breaks_do_not_hide_a_repeat(self, article):
        Comment.objects.create(article=article, body="Same words\n\ntwice.")
        assert spam.is_duplicate(article.pk, "  Same words twice. ")
        assert not spam.is_duplicate(article.pk, "Same words, thrice.")

    def test_only_the_same_article_and_the_last_30_days_count(self, article):
        from datetime import timedelta

        from django.utils import timezone

        from metsinfo.articles.models import Article

        other = Article.objects.create(slug="other", title="Other", status="published")
        Comment.objects.create(article=other, body="Posted elsewhere.")
        Comment.objects.create(article=article, body="Posted long ago.", created=timezone.now() - timedelta(days=31))
        assert not spam.is_duplicate(article.pk, "Posted elsewhere.")
        assert not spam.is_duplicate(article.pk, "Posted long ago.")

    def test_one_query_however_many_comments_there_are(self, article, django_assert_num_queries):
        for n in range(300):
            Comment.objects.create(article=article, body=f"Comment {n}.")
        with django_assert_num_queries(1):
            assert spam.is_duplicate(article.pk, "Comment 299.")

    def test_the_migrations_fingerprint_existing_comments(self, article):
        import importlib

        from django.apps import apps

        first = importlib.import_module("metsinfo.comments.migrations.0004_comment_body_digest")
        again = importlib.import_module("metsinfo.comments.migrations.0007_repeats_ignore_case_and_punctuation")
        comment = Comment.objects.create(article=article, body="Written before fingerprints.")
        Comment.objects.filter(pk=comment.pk).update(body_digest="")
        first.fingerprint_existing_comments(apps, None)
        again.fingerprint_again(apps, None)
        assert spam.is_duplicate(article.pk, "Written before fingerprints.")
