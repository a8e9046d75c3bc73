"""Secrets in addresses never reach a log: review-link and password-reset tokens are blanked.

A clinical review link (``/review/<token>/``) and a password-reset link
(``/reset/<uidb64>/<token>/``) are bearer credentials: whoever reads a log line with one could
approve an article, or set an editor's password. They arrive in request lines, in Referer headers
(the page's own styles and scripts are fetched with the page's address as Referer), in redirects'
Location, and in Django's own request log (``Bad Request: /review/...``).

``redact`` is the one rule; gunicorn's access log (``GunicornLogger``, named in gunicorn.conf.py)
and Django's logging (``RedactSecrets``, a filter on the handler in settings) apply it, and
deploy/nginx/metsinfo.conf applies the same patterns to nginx's access log in its own syntax.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_SEGMENT = r"[^/?#\s\"']+"
_SECRETS = [
    re.compile(rf"(?<=/review/){_SEGMENT}"),
    re.compile(rf"(?<=/reset/){_SEGMENT}/{_SEGMENT}"),
]


def redact(text: str) -> str:
    """``text`` with the token part of every review or password-reset address replaced."""
    if "/review/" not in text and "/reset/" not in text:  # the usual case, kept cheap: every field of every request
        return text
    for pattern in _SECRETS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactSecrets(logging.Filter):
    """A logging filter that blanks secrets in the formatted message (and keeps every record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class GunicornLogger(Logger):
    """gunicorn's logger, with secrets blanked in every access-log field (request line, Referer, Location...)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
