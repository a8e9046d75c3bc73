"""The one slug rule: lower-case letters and digits in words joined by single hyphens.

Article folders, support-page files and reference-list keys all follow it, so a name that
reaches the file system, a URL or a query has been checked against this first.
"""

import re

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
