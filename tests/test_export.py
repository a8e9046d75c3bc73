"""export_content writes what load_content reads: load, export, load is a fixed point."""

import filecmp
import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from metsinfo.articles.models import Article, GlossaryTerm, Section
from metsinfo.contentsync.exporter import export_content
from metsinfo.contentsync.plan import load_content

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return [
        *Article.objects.values_list("slug", *Article.CONTENT_FIELDS, "summary_html"),
        *Section.objects.values_list("article__slug", "kind", *Section.CONTENT_FIELDS, "body_html"),
        *GlossaryTerm.objects.values_list("slug", *GlossaryTerm.CONTENT_FIELDS),
    ]


def files_of(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def test_load_export_load_is_a_fixed_point(tmp_path):
    load_content(settings.CONTENT_DIR)
    original = snapshot()

    first = tmp_path / "first"
    export_content(first)
    Article.objects.all().delete()
    GlossaryTerm.objects.all().delete()
    load_content(first)
    assert snapshot() == original

    second = tmp_path / "second"
    export_content(second)
    assert files_of(first) == files_of(second)
    assert len(files_of(first)) == 11  # glossary, article, six sections, three support pages


def test_export_of_the_real_content_changes_no_section_file(tmp_path):
    """The committed content is already in export format, so round trips leave no diff noise."""
    load_content(settings.CONTENT_DIR)
    exported = tmp_path / "content"
    export_content(exported)
    folder = "breast-cancer-bone-metastasis"
    for name in [
        "article.md",
        "mechanism.md",
        "symptoms.md",
        "diagnosis.md",
        "treatments.md",
        "prevention.md",
        "research.md",
    ]:
        assert filecmp.cmp(settings.CONTENT_DIR / folder / name, exported / folder / name, shallow=False), name
    assert filecmp.cmp(settings.CONTENT_DIR / "glossary.md", exported / "glossary.md", shallow=False)


def test_editor_change_exported_then_loaded_is_not_a_conflict(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, root)
    load_content(root)
    section = Section.objects.get(kind="symptoms")
    section.body += "\n\nAn editor's new paragraph."
    section.save()

    out = StringIO()
    call_command("export_content", "--content-dir", str(root), stdout=out)
    assert "symptoms.md" in out.getvalue()
    assert "An editor's new paragraph." in (root / "breast-cancer-bone-metastasis" / "symptoms.md").read_text()

    out = StringIO()
    call_command("load_content", "--content-dir", str(root), stdout=out)
    assert "mark as loaded section breast-cancer-bone-metastasis/symptoms" in out.getvalue()
    out = StringIO()
    call_command("export_content", "--content-dir", str(root), stdout=out)
    assert "No changes" in out.getvalue()
