"""Behind trusted proxies, an IPv6 client is counted by its /64, for comments and for reports.

Security review 2026-12, §4: twelve comments from addresses inside one /64 were all accepted, and
three reports from one /64 hid an approved comment. IPv4 stays per address.
"""

import pytest

from metsinfo.comments.models import Comment
from metsinfo.comments.ratelimit import counted_as
from tests.comments_helpers import POST_URL, form_data

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture(autouse=True)
def _behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.COMMENTS_RATE_LIMIT = (5, 600)


def via_proxy(client_address: str) -> dict:
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": client_address}


def comment_from(client, address: str, n: int) -> int:
    return client.post(
        POST_URL, form_data(body=f"Comment number {n} from {address}."), **via_proxy(address)
    ).status_code


def test_addresses_in_one_ipv6_64_share_the_comment_limit(client):
    statuses = [comment_from(client, f"2001:db8::{n:x}", n) for n in range(1, 13)]
    assert statuses == [302] * 5 + [429] * 7
    assert comment_from(client, "2001:db8:0:1::1", 13) == 302, "the next /64 is another client"


def test_ipv4_addresses_are_still_counted_one_by_one(client):
    assert [comment_from(client, f"203.0.113.{n}", n) for n in range(1, 8)] == [302] * 7


def test_an_ipv4_address_written_as_ipv6_is_that_ipv4_address(client):
    assert [comment_from(client, "192.0.2.1", n) for n in range(5)] == [302] * 5
    assert comment_from(client, "::ffff:192.0.2.1", 5) == 429


def test_reports_from_one_ipv6_64_count_once(client, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = Comment.objects.approved().first()
    for n in (1, 2, 3):
        client.post(f"/comments/{comment.pk}/report/", **via_proxy(f"2001:db8:1:2::{n}"))
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (Comment.Status.APPROVED, 1)
    for other in ("2001:db8:1:3::1", "198.51.100.7"):
        client.post(f"/comments/{comment.pk}/report/", **via_proxy(other))
    comment.refresh_from_db()
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, Comment.Reason.REPORTED)


def test_without_trusted_proxies_a_direct_ipv6_client_is_counted_by_its_64_too(client, settings):
    settings.TRUSTED_PROXIES = []
    statuses = [
        client.post(POST_URL, form_data(body=f"Direct {n}."), REMOTE_ADDR=f"2001:db8:5::{n:x}").status_code
        for n in range(1, 8)
    ]
    assert statuses == [302] * 5 + [429] * 2


@pytest.mark.parametrize(
    ("address", "client"),
    [
        ("2001:db8::1", "2001:db8::/64"),
        ("2001:db8::ffff:1", "2001:db8::/64"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("203.0.113.7", "203.0.113.7"),
        ("not an address", "not an address"),
    ],
)
def test_what_an_address_counts_as(address, client):
    assert counted_as(address) == client
