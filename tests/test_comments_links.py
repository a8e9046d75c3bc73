"""Links in comments go where their text says; look-alike hosts are held, and moderators see the real host.

Security review 2026-12, §1: ``https://exa<ZWJ>mple.com/136`` was linked to ``mple.com``, and
``https://www.google.com/login`` with Cyrillic o's was linked as typed.
"""

import re

import pytest

from metsinfo.comments.links import mixes_scripts, real_host
from metsinfo.comments.models import Comment
from tests.comments_helpers import ARTICLE_URL, POST_URL, form_data
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")
QUEUE = "/admin/comments/comment/"
LOOKALIKE = "https://www.g\u043e\u043egle.com/login"  # two Cyrillic o's
ZWJ_SPLIT = "https://exa\u200dmple.com/136"


def post_and_publish(client, body: str) -> Comment:
    assert client.post(POST_URL, form_data(body=body)).status_code == 302
    comment = Comment.objects.get(seed_key__isnull=True, body=body)
    Comment.objects.filter(pk=comment.pk).moderate(Comment.Status.APPROVED, None)
    return comment


def links_in(html: str, comment: Comment) -> list[tuple[str, str]]:
    item = re.search(rf'<li id="comment-{comment.pk}".*?</li>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]*)" rel="nofollow ugc noopener">([^<]*)</a>', item)


def test_an_invisible_joiner_inside_an_address_does_not_send_the_link_elsewhere(client):
    comment = post_and_publish(client, f"The leaflet is at {ZWJ_SPLIT} for anyone who wants it.")
    assert links_in(client.get(ARTICLE_URL).text, comment) == [("https://example.com/136", "https://example.com/136")]


@pytest.mark.parametrize("mark", ["\u200c", "\u200e", "\u00ad", "\u2064"])
def test_every_format_character_is_taken_out_of_addresses(client, mark):
    comment = post_and_publish(client, f"Read https://www.exam{mark}ple.org/bone{mark}s here.")
    assert links_in(client.get(ARTICLE_URL).text, comment) == [
        ("https://www.example.org/bones", "https://www.example.org/bones")
    ]


def test_joiners_outside_addresses_are_kept(client):
    comment = post_and_publish(client, "Our family \U0001f468\u200d\U0001f469\u200d\U0001f467 thanks you.")
    assert "\U0001f468\u200d\U0001f469\u200d\U0001f467" in comment.body_html


def test_a_look_alike_host_is_held_and_never_linked(client):
    comment = post_and_publish(client, f"Sign in at {LOOKALIKE} to see your results.")
    assert comment.held_reason == Comment.Reason.LOOKALIKE
    html = client.get(ARTICLE_URL).text
    assert links_in(html, comment) == []
    assert LOOKALIKE in page_text(html, f"comment-{comment.pk}"), "shown as text, as typed"


@pytest.mark.parametrize(
    "body",
    [
        "Look at \u0430\u0440\u0440\u04cf\u0435.com for help.",  # all Cyrillic, under a Latin .com
        "Look at www.\u03b1pple.com for help.",  # Greek alpha
        "Look at https://p\u0430ypal.com for help.",
    ],
)
def test_hosts_that_mix_scripts_are_held(client, body):
    client.post(POST_URL, form_data(body=body))
    assert Comment.objects.get(seed_key__isnull=True).held_reason == "lookalike-address"


@pytest.mark.parametrize(
    "host",
    ["example.com", "www.nhs.uk", "xn--ggle-55da.com", "例え.jp", "中文网.cn", "한국.kr", "пример.рф", "café.fr"],
)
def test_single_script_hosts_are_not_look_alikes(host):
    assert not mixes_scripts(host)


def test_the_real_host_is_punycode():
    assert real_host("www.g\u043e\u043egle.com") == "www.xn--ggle-55da.com"
    assert real_host("example.com") == "example.com"


def test_moderators_see_the_real_host_beside_the_text(client, moderator):
    client.post(POST_URL, form_data(body=f"Sign in at {LOOKALIKE} or at https://example.org/help please."))
    comment = Comment.objects.get(seed_key__isnull=True)
    client.force_login(moderator)
    queue = page_text(client.get(QUEUE).text)
    assert "Held: Look-alike web address Links to: www.xn--ggle-55da.com (look-alike), example.org" in queue
    page = page_text(client.get(f"{QUEUE}{comment.pk}/change/").text)
    assert "Where its web addresses go" in page
    assert "www.xn--ggle-55da.com (look-alike)" in page
    confirm = client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk]})
    assert "www.xn--ggle-55da.com (look-alike)" in page_text(confirm.text)


def test_the_migration_renders_stored_comments_again(client):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("metsinfo.comments.migrations.0006_held_reason_lookalike")
    comment = post_and_publish(client, f"Old link {ZWJ_SPLIT}")
    Comment.objects.filter(pk=comment.pk).update(body_html='<p><a href="http://mple.com/136">mple.com/136</a></p>')
    migration.render_again(apps, None)
    comment.refresh_from_db()
    assert 'href="https://example.com/136"' in comment.body_html
    assert "//mple.com" not in comment.body_html
