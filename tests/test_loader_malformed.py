"""Every malformed content file: load_content names file, line and reason, and the database is unchanged.

"Unchanged" is checked on a full ``dumpdata`` of the database (every app, history included),
taken before and after the failed run.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from metsinfo.contentsync.plan import load_content

SYMPTOMS = "demo__symptoms.md"
#: A section file's two parts after its header: the plain words, then the detail.
LAYERS = "\n\n::: plain\nIn short.\n\n::: detailed\n"
CASES = {
    "unknown section kind": (
        {"demo__mechanism.md": f"Kind: mechanisms\nTitle: T{LAYERS}Text.\n"},
        "mechanism.md:1:",
    ),
    "missing section title": (
        {SYMPTOMS: f"Kind: symptoms{LAYERS}Text.\n"},
        "symptoms.md:1:",
    ),
    "missing article title": ({"demo__article.md": "Status: draft\n\nLead.\n"}, "article.md:1:"),
    "duplicate kind": (
        {"demo__zz.md": f"Title: Again\nKind: mechanism{LAYERS}Text.\n"},
        "zz.md:2:",
    ),
    "impossible date": ({"demo__article.md": "Title: D\nLast-reviewed: 2026-02-30\n\nLead.\n"}, "article.md:2:"),
    "date in the wrong format": ({"demo__article.md": "Title: D\nLast-reviewed: 25/11/2026\n\nL.\n"}, "article.md:2:"),
    "review due before review": (
        {"demo__article.md": "Title: D\nLast-reviewed: 2026-05-01\nNext-review-due: 2026-04-01\n\nL.\n"},
        "article.md:3:",
    ),
    "unknown metadata key": (
        {SYMPTOMS: f"Kind: symptoms\nTitle: S\nAuthor: Me{LAYERS}Text.\n"},
        "symptoms.md:3:",
    ),
    "not UTF-8": (
        {SYMPTOMS: f"Kind: symptoms\nTitle: S{LAYERS}Caf\u00e9.\n".encode("latin-1")},
        "symptoms.md:8:",
    ),
    "NUL bytes": (
        {SYMPTOMS: b"Kind: symptoms\nTitle: S\n\n::: plain\nIn short.\n\n::: detailed\nText\x00with a NUL.\n"},
        "symptoms.md:8:",
    ),
    "unknown status": ({"demo__article.md": "Title: D\nStatus: live\n\nLead.\n"}, "article.md:2:"),
    "heading level 2 in a body": (
        {SYMPTOMS: f"Kind: symptoms\nTitle: S{LAYERS}Text.\n\n## Too high\n"},
        "symptoms.md:10:",
    ),
    "header line without a colon": (
        {SYMPTOMS: f"Kind: symptoms\nTitle S{LAYERS}Text.\n"},
        "symptoms.md:2:",
    ),
    "empty file": ({SYMPTOMS: ""}, "symptoms.md:1:"),
    "glossary alias used twice": (
        {"glossary.md": "## Osteoclast\nAliases: bone cell\n\nA.\n\n## Osteoblast\nAliases: bone cell\n\nB.\n"},
        "glossary.md:6:",
    ),
    "glossary term without definition": ({"glossary.md": "## Osteoclast\n\n## Osteoblast\n\nB.\n"}, "glossary.md:1:"),
    "folder name not a slug": ({"Bad_Slug__article.md": "Title: X\n\nLead.\n"}, "content/Bad_Slug"),
}


def dump() -> str:
    out = StringIO()
    call_command("dumpdata", "--exclude", "contenttypes", "--exclude", "auth.permission", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_malformed_file_is_named_and_nothing_changes(content_dir, db, case):
    load_content(content_dir())
    before = dump()
    files, where = CASES[case]
    # A valid change beside the bad file: it must not be loaded either.
    files = {
        "demo__mechanism.md": f"Kind: mechanism\nTitle: Changed{LAYERS}Changed text.\n",
        **files,
    }
    root = content_dir(**files)
    with pytest.raises(CommandError) as caught:
        call_command("load_content", "--content-dir", str(root), stdout=StringIO())
    message = str(caught.value)
    assert where in message, message
    assert re.search(r"content/\S+(:\d+)?: \S", message), "file, line and a reason"
    assert "Nothing was loaded" in message
    assert dump() == before
