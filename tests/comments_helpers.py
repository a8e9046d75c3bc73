"""Helpers shared by the comment tests."""

import time

from metsinfo.comments.spam import sign_timestamp

ARTICLE_SLUG = "breast-cancer-bone-metastasis"
POST_URL = f"/articles/{ARTICLE_SLUG}/comments/"
ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"


def form_data(**overrides) -> dict:
    """A valid submission, as a reader who took a minute to write it would send."""
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
