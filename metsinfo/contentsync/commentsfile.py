"""Reader comments kept in ``content/<article-slug>/comments.md``, loaded by ``load_content``.

The rows are the comments app's; reading them from content/ is this app's job, so ``comments``
knows nothing of content files. Connected to ``content_loaded`` by ``ContentSyncConfig.ready``.

Comments are separated by a line holding only ``---``. A comment may start with ``Name:`` and
``Role:`` lines and a blank line; the rest is its text, kept exactly as written. Loaded comments
are approved (they were published with the original article). Loading is idempotent: each comment
is identified by its article and text, so a second run creates nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.dispatch import receiver

from metsinfo.articles.models import Article
from metsinfo.comments.models import Comment
from metsinfo.contentsync.contentfiles import ContentError, Problem, read_text
from metsinfo.contentsync.signals import content_loaded
from metsinfo.lib.slugs import SLUG_RE

COMMENTS_FILE = "comments.md"
_ROLES = {label.lower(): value for value, label in Comment.Role.choices} | {v: v for v in Comment.Role.values}


@dataclass(frozen=True)
class SeedComment:
    line: int
    display_name: str
    role: str
    body: str


def seed_key(slug: str, body: str) -> str:
    return hashlib.sha256(f"{slug}\n{body}".encode()).hexdigest()


def parse_comments(path: Path, shown: Path) -> list[SeedComment]:
    """Parse one comments file; raise ContentError with file and line for anything malformed."""
    problems: list[Problem] = []
    text = read_text(path, shown, problems)  # size, encoding and hidden characters, as for every file
    if text is None:
        raise ContentError(problems)
    comments = []
    block: list[tuple[int, str]] = []
    for number, line in [*enumerate(text.splitlines(), start=1), (0, "---")]:
        if line.strip() != "---":
            block.append((number, line))
            continue
        while block and not block[0][1].strip():
            block.pop(0)
        if not block:
            continue
        start = block[0][0]
        meta: dict[str, str] = {}
        while block and ":" in block[0][1] and block[0][1].split(":", 1)[0].strip().lower() in {"name", "role"}:
            key, value = block.pop(0)[1].split(":", 1)
            meta[key.strip().lower()] = value.strip()
        body = "\n".join(line for _, line in block).strip()
        block = []
        role = _ROLES.get(meta.get("role", "").lower())
        if meta.get("role") and role is None:
            problems.append(
                Problem(shown, start, f"unknown role '{meta['role']}'; use one of {', '.join(Comment.Role.values)}")
            )
        if not body:
            problems.append(Problem(shown, start, "a comment with no text"))
            continue
        comments.append(SeedComment(start, meta.get("name", ""), role or "", body))
    if problems:
        raise ContentError(problems)
    return comments


@receiver(content_loaded)
def load_seed_comments(sender, root: Path, dry_run: bool, **kwargs) -> list[str]:
    """Create the approved comments listed in each article's comments.md that are not there yet."""
    changes = []
    for path in sorted(root.glob(f"*/{COMMENTS_FILE}")):
        slug = path.parent.name
        if not SLUG_RE.match(slug):
            continue  # parse.read_content has already reported this folder
        comments = parse_comments(path, path.relative_to(root.parent))
        article = Article.objects.filter(slug=slug).first()
        existing = set(Comment.objects.filter(seed_key__isnull=False).values_list("seed_key", flat=True))
        new = [c for c in comments if seed_key(slug, c.body) not in existing]
        if new and not dry_run:
            for comment in new:
                Comment(
                    article=article,
                    display_name=comment.display_name,
                    role=comment.role,
                    body=comment.body,
                    status=Comment.Status.APPROVED,
                    seed_key=seed_key(slug, comment.body),
                ).save()
        changes += [f"create approved comment {slug} (line {c.line}): {c.body[:40]}" for c in new]
    return changes
