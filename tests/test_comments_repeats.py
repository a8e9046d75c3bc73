"""Repeats however they are written, contact details in disguise, and a honeypot full of spaces.

Security review 2026-12, §4: upper case, an extra full stop, a zero-width joiner inside a word,
a left-to-right mark and a decomposed é all hid a repeat; "(at) … dot com" and "spam" fullwidth-dot
"com" were not held; a honeypot filled with spaces passed.
"""

import hashlib
import importlib
import unicodedata

import pytest
from django.apps import apps

from metsinfo.comments.models import Comment, body_digest, repeat_form
from tests.comments_helpers import POST_URL, form_data

pytestmark = pytest.mark.usefixtures("seeded")
FIRST = "Thank you, the café nurse explained it well."
FINGERPRINTS = importlib.import_module("metsinfo.comments.migrations.0007_repeats_ignore_case_and_punctuation")


@pytest.fixture(autouse=True)
def _room_to_post(settings):
    settings.COMMENTS_RATE_LIMIT = (100, 600)


def post(client, **fields) -> Comment:
    assert client.post(POST_URL, form_data(**fields)).status_code == 302
    return Comment.objects.filter(seed_key__isnull=True).latest("pk")


@pytest.mark.parametrize(
    "repeat",
    [
        "THANK YOU, THE CAFÉ NURSE EXPLAINED IT WELL.",
        "Thank you, the café nurse explained it well...",
        "Thank you the café nurse, explained it well!",
        "Thank you, the ca\u200dfé nurse explained it well.",
        "Thank you, the \u200ecafé nurse explained it well.",
        unicodedata.normalize("NFD", FIRST),
        "\uff34hank you, the café nurse explained it well.",  # a fullwidth T
    ],
)
def test_a_repeat_is_found_however_it_is_written(client, repeat):
    assert post(client, body=FIRST).status == Comment.Status.PENDING
    comment = post(client, body=repeat)
    assert (comment.status, comment.held_reason) == (Comment.Status.SPAM, Comment.Reason.DUPLICATE)


def test_other_words_are_not_a_repeat(client):
    post(client, body=FIRST)
    assert post(client, body="Thank you, the café nurse explained it badly.").status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "body",
    [
        "Write to me: jo.bloggs (at) example dot com",
        "Write to me: jo.bloggs [at] example.com",
        "Write to me: jo.bloggs(at)example(dot)com",
        "Write to me at jo at example dot com",
        "Buy cheap pills at spam dot com",
        "Buy cheap pills at spam\uff0ecom",
        "Buy cheap pills at spam\u3002com",
    ],
)
def test_contact_details_in_disguise_are_held(client, body):
    comment = post(client, body=body)
    assert (comment.status, comment.held_reason) == (Comment.Status.PENDING, Comment.Reason.DISGUISED_CONTACT)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Write to me at jo\uff20example.com", Comment.Reason.EMAIL_IN_TEXT),  # a fullwidth at sign
        ("Write to me at jo@exa\u200dmple.com", Comment.Reason.EMAIL_IN_TEXT),
        ("I looked at nhs.uk and at the leaflet. Dot points helped.", Comment.Reason.NONE),
        ("We met at the clinic at 9. Comfortable chairs (at last).", Comment.Reason.NONE),
    ],
)
def test_other_contact_details_and_plain_words(client, body, reason):
    assert post(client, body=body).held_reason == reason


@pytest.mark.parametrize("website", [" ", "\t", "\n \n"])
def test_a_honeypot_filled_with_spaces_is_a_bot(client, website):
    comment = post(client, website=website)
    assert (comment.status, comment.held_reason) == (Comment.Status.SPAM, Comment.Reason.HONEYPOT)


def test_stored_fingerprints_are_made_again_by_the_migration(client):
    comment = post(client, body=FIRST)
    old_rule = hashlib.sha256(" ".join(FIRST.split()).encode()).hexdigest()
    Comment.objects.filter(pk=comment.pk).update(body_digest=old_rule)
    FINGERPRINTS.fingerprint_again(apps, None)
    assert post(client, body=FIRST.upper()).held_reason == Comment.Reason.DUPLICATE


@pytest.mark.parametrize(
    "body", [FIRST, "A\u200d b\u00a0C. d\u0301 \uff21", "Ünïcödé — “quoted”, \u2018and\u2019 … so on!"]
)
def test_the_migration_keeps_the_models_rule(body):
    assert FINGERPRINTS._repeat_form(body) == repeat_form(body)
    assert hashlib.sha256(FINGERPRINTS._repeat_form(body).encode()).hexdigest() == body_digest(body)
