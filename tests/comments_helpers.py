"""Helpers shared by the comment tests."""

import re
import time

from metsinfo.comments.spam import sign_timestamp

ARTICLE_SLUG = "breast-cancer-bone-metastasis"
POST_URL = f"/articles/{ARTICLE_SLUG}/comments/"
ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
#: The form on a page of its own, for readers without JavaScript.
NEW_URL = f"/articles/{ARTICLE_SLUG}/comments/new/"
#: Where the form's script gets its CSRF token and timestamp (the article page carries neither).
TOKEN_URL = "/comments/token/"


def form_data(**overrides) -> dict:
    """A valid submission, as a reader who took a minute to write it would send.

    No CSRF token: Django's test client does not check it unless asked to
    (``Client(enforce_csrf_checks=True)``, with ``csrfmiddlewaretoken`` from ``TOKEN_URL``).
    """
    data = {
        "display_name": "Sam",
        "role": "carer",
        "body": "Thank you for explaining this so clearly.\n\nIt helped my mother and me.",
        "email": "",
        "consent": "on",
        "website": "",
        "timestamp": sign_timestamp(time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def hidden_value(html: str, name: str) -> str:
    """The value of the comment form's hidden input ``name`` ("" when it is empty)."""
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name} input"
    return match.group(1)
