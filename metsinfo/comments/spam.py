"""Spam defences that never silently discard a comment.

A honeypot (any value, even only spaces, is a bot's), a signed timestamp (too fast or too old),
duplicate detection, and heuristics for look-alike web addresses, links, email addresses, contact
details in disguise and phone numbers. Caught comments are stored with their reason, so a
moderator can rescue a false positive.
"""

from __future__ import annotations

import functools
import re
import time
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from metsinfo.comments.links import mixes_scripts, without_format_characters
from metsinfo.comments.models import Comment, body_digest
from metsinfo.comments.rendering import link_hosts

TIMESTAMP_SALT = "metsinfo.comments.form-timestamp"
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|org|net|info|biz|ru|co|uk|io|xyz)\b", re.I)
# Each match starts at the start of a word: without the look-behind a long word is tried from
# every one of its letters, and a 3,000-letter word takes half a second.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
# Seven or more digits, allowing spaces, dots, dashes, brackets and a leading +: phone-like.
_PHONE = re.compile(r"(?<!\w)\+?\(?\d(?:[\s().-]*\d){6,}(?!\w)")
# Contact details written so that filters miss them: "jo (at) example dot com", "jo [at] example.com",
# "example dot com", and addresses with fullwidth or ideographic dots ("spam" fullwidth dot "com"), which
# browsers read as ordinary dots.
_AT = r"(?:\s*[(\[{<]\s*(?:at|@)\s*[)\]}>]\s*)"
_DOT = r"(?:\s*[(\[{<]\s*(?:dot|\.)\s*[)\]}>]\s*|\s+dot\s+)"
_TLD = r"(?:com|org|net|info|biz|ru|co|uk|io|xyz|de|fr|eu|us|me)\b"
_DISGUISED = re.compile(
    rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+"  # jo (at) example.com
    rf"|(?<![\w.+-])[\w.+-]+\s+at\s+[\w-]+{_DOT}[\w-]+"  # jo at example dot com
    rf"|(?<![\w-])[\w-]+{_DOT}{_TLD}",  # example dot com
    re.I,
)
# Fullwidth, ideographic and small full stops between Latin letters (U+FF0E, U+3002, U+FF61, U+FE52).
_WIDE_DOT = re.compile(r"[a-z0-9-][\uff0e\u3002\uff61\ufe52][a-z]{2,}", re.I)


def sign_timestamp(now: float | None = None) -> str:
    """The value of the form's hidden timestamp field.

    Signed once per second and secret key, not once per page view: every cached page served
    carries one, and the value is the same for everyone in that second anyway.
    """
    return _signed_second(int(now if now is not None else time.time()), settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _signed_second(second: int, secret_key: str) -> str:
    return signing.dumps(second, key=secret_key, salt=TIMESTAMP_SALT)


def _form_age(value: str, now: float | None) -> float | None:
    """Seconds since the form was served, or None when the timestamp is forged or unreadable."""
    try:
        issued = int(signing.loads(value, salt=TIMESTAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return (now if now is not None else time.time()) - issued


def timestamp_problem(value: str, now: float | None = None) -> str | None:
    """Why the form's timestamp is unacceptable, in words for the reader; None if it is fine."""
    age = _form_age(value, now)
    if age is None:
        return "The form could not be checked. Please copy your comment, reload the page and send it again."
    if age < settings.COMMENTS_MIN_SUBMIT_SECONDS:
        return "That was quicker than anyone can read and type. Please wait a few seconds and send your comment again."
    if age > settings.COMMENTS_FORM_MAX_AGE:
        return "This page has been open for a long time. Please send your comment again: your text is kept below."
    return None


def needs_new_timestamp(value: str, now: float | None = None) -> bool:
    """True when a re-shown form's timestamp is forged or too old (a merely recent one is kept)."""
    age = _form_age(value, now)
    return age is None or age > settings.COMMENTS_FORM_MAX_AGE


def held_reason(body: str) -> str:
    """A reason to hold a comment for a moderator, or "" if none.

    Checked on the text as a browser would read it (NFKC, without invisible format characters),
    so a fullwidth at sign or a zero-width joiner inside an address hides nothing.
    """
    if any(mixes_scripts(host) for host in link_hosts(body)):
        return Comment.Reason.LOOKALIKE
    plain = without_format_characters(unicodedata.normalize("NFKC", body))
    if _WIDE_DOT.search(body) or _DISGUISED.search(plain):
        return Comment.Reason.DISGUISED_CONTACT
    body = plain
    if len(_URL.findall(body)) > settings.COMMENTS_MAX_LINKS:
        return Comment.Reason.LINKS
    if _EMAIL.search(body):
        return Comment.Reason.EMAIL_IN_TEXT
    if _PHONE.search(body):
        return Comment.Reason.PHONE_IN_TEXT
    return Comment.Reason.NONE


def is_duplicate(article_id: int, body: str) -> bool:
    """The same words (however spaced, cased or punctuated) on the same article in the last 30 days.

    Any status counts; ``metsinfo.comments.models.repeat_form`` says what "the same" means.

    One indexed lookup by the text's fingerprint, however many comments the article has.
    """
    since = timezone.now() - timedelta(days=30)
    return Comment.objects.filter(article_id=article_id, body_digest=body_digest(body), created__gte=since).exists()
