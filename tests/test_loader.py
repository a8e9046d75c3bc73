"""load_content: parsing, validation with file and line, idempotency, atomicity, editor safety."""

from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from metsinfo.articles.models import Article, GlossaryTerm, Section, SectionKind
from metsinfo.contentsync.contentfiles import ContentError
from metsinfo.contentsync.parse import read_content
from metsinfo.contentsync.plan import load_content

#: A section file's two parts after its header: the plain words, then the detail.
LAYERS = "\n\n::: plain\nIn short.\n\n::: detailed\n"

pytestmark = pytest.mark.django_db


def problems_of(root) -> list[str]:
    with pytest.raises(ContentError) as caught:
        read_content(root)
    return [str(problem) for problem in caught.value.problems]


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("load_content", *args, stdout=out)
    return out.getvalue()


def database_snapshot() -> list[tuple]:
    return [
        *Article.objects.values_list(*Article.CONTENT_FIELDS, "summary_html"),
        *Section.objects.values_list("kind", *Section.CONTENT_FIELDS, "body_html"),
        *GlossaryTerm.objects.values_list(*GlossaryTerm.CONTENT_FIELDS),
    ]


class TestLoadingValidContent:
    def test_creates_article_sections_and_glossary(self, content_dir):
        load_content(content_dir())

        article = Article.objects.get(slug="demo")
        assert article.title == "Demo article"
        assert article.status == Article.Status.PUBLISHED
        assert article.last_reviewed == date(2026, 1, 10)
        assert article.next_review_due == date(2027, 1, 10)
        assert [(r.key, r.number, r.url) for r in article.references] == [
            ("first", 1, "https://example.org/first"),
            ("second", 2, "https://example.org/second"),
        ]
        assert article.description == "A plain summary."
        assert article.summary_html == "<p>The lead paragraph.</p>"
        assert [s.kind for s in article.sections.all()] == ["mechanism", "symptoms"]
        mechanism = article.sections.get(kind="mechanism")
        assert mechanism.key_point_list == ["One.", "Two."]
        assert (mechanism.plain, mechanism.plain_html) == ("In short.", "<p>In short.</p>")
        assert 'href="/glossary/#osteoclast"' in mechanism.body_html
        assert GlossaryTerm.objects.get(slug="osteoclast").alias_list == ["osteoclasts"]

    def test_sections_are_ordered_by_kind_not_file_name(self, content_dir):
        load_content(content_dir(**{"demo__a.md": f"Kind: research\nTitle: Research{LAYERS}Text.\n"}))
        kinds = list(Section.objects.values_list("kind", flat=True))
        assert kinds == ["mechanism", "symptoms", "research"]

    def test_real_content_folder_loads_all_six_sections(self):
        load_content(settings.CONTENT_DIR)
        article = Article.objects.get(slug="breast-cancer-bone-metastasis")
        assert [s.kind for s in article.sections.all()] == SectionKind.values
        assert all(section.key_point_list for section in article.sections.all())
        assert GlossaryTerm.objects.count() >= 26


class TestIdempotency:
    def test_second_run_changes_nothing_and_says_so(self, content_dir):
        root = content_dir()
        first = run_command("--content-dir", str(root))
        assert "create article demo" in first
        before = database_snapshot()
        updated = list(Section.objects.values_list("updated", flat=True))

        second = run_command("--content-dir", str(root))

        assert "No changes" in second
        assert database_snapshot() == before
        assert list(Section.objects.values_list("updated", flat=True)) == updated

    def test_changed_file_updates_only_that_section(self, content_dir):
        load_content(content_dir())
        root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms\nTitle: Symptoms{LAYERS}Pain at night.\n"})
        output = run_command("--content-dir", str(root))
        assert "update section demo/symptoms (body)" in output
        assert "mechanism" not in output
        assert Section.objects.get(kind="symptoms").body == "Pain at night."

    def test_glossary_change_rerenders_unchanged_sections(self, content_dir):
        load_content(content_dir())
        root = content_dir(**{"glossary.md": "## Bone cell\nAliases: osteoclasts\n\nA cell.\n"})
        output = run_command("--content-dir", str(root))
        assert "re-render section demo/mechanism" in output
        assert 'href="/glossary/#bone-cell"' in Section.objects.get(kind="mechanism").body_html


class TestDryRun:
    def test_dry_run_reports_changes_and_writes_nothing(self, content_dir):
        output = run_command("--content-dir", str(content_dir()), "--dry-run")
        assert "would create article demo" in output
        assert "would create section demo/mechanism" in output
        assert "Dry run" in output
        assert not Article.objects.exists()
        assert not GlossaryTerm.objects.exists()


class TestBadInput:
    """Each bad file is reported with its path, line and what to do, and nothing is written."""

    def test_unknown_section_kind(self, content_dir):
        root = content_dir(**{"demo__mechanism.md": f"Kind: mechanisms\nTitle: T{LAYERS}Text.\n"})
        assert problems_of(root) == [
            "content/demo/mechanism.md:1: unknown section kind 'mechanisms'; use one of: "
            "mechanism, symptoms, diagnosis, treatments, prevention, research, "
            "or leave Kind out for a section of its own"
        ]

    def test_missing_title(self, content_dir):
        root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms{LAYERS}Text.\n"})
        assert problems_of(root) == ["content/demo/symptoms.md:1: missing title: add a 'Title: ...' line to the header"]

    def test_missing_article_title(self, content_dir):
        root = content_dir(**{"demo__article.md": "Status: draft\n\nLead.\n"})
        assert "content/demo/article.md:1: missing title" in problems_of(root)[0]

    def test_duplicate_kind_names_both_files(self, content_dir):
        root = content_dir(**{"demo__zz-more.md": f"Title: Again\nKind: mechanism{LAYERS}Text.\n"})
        assert problems_of(root) == [
            "content/demo/zz-more.md:2: duplicate section kind 'mechanism': content/demo/mechanism.md line 1 has it too"
        ]

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("25/11/2026", "write it as YYYY-MM-DD"),
            ("2026-02-30", "day is out of range for month"),
            ("soon", "write it as YYYY-MM-DD"),
        ],
    )
    def test_bad_date(self, content_dir, value, reason):
        article = f"Title: Demo\nStatus: published\nLast-reviewed: {value}\nDescription: D.\n\nLead.\n"
        problems = problems_of(content_dir(**{"demo__article.md": article}))
        assert len(problems) == 1
        assert problems[0].startswith(f"content/demo/article.md:3: bad date '{value}' for last-reviewed")
        assert reason in problems[0]

    def test_review_due_before_last_review(self, content_dir):
        article = "Title: Demo\nLast-reviewed: 2026-05-01\nNext-review-due: 2026-04-01\n\nLead.\n"
        assert problems_of(content_dir(**{"demo__article.md": article})) == [
            "content/demo/article.md:3: Next-review-due must be after Last-reviewed"
        ]

    def test_unknown_metadata_key(self, content_dir):
        root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms\nTitle: S\nAuthor: Me{LAYERS}Text.\n"})
        assert problems_of(root) == [
            "content/demo/symptoms.md:3: unknown metadata key 'author'; "
            "allowed: changes, key-points, kind, order, slug, title"
        ]

    def test_unreadable_encoding(self, content_dir):
        latin1 = f"Kind: symptoms\nTitle: S{LAYERS}Caf\u00e9 pain.\n".encode("latin-1")
        assert problems_of(content_dir(**{"demo__symptoms.md": latin1})) == [
            "content/demo/symptoms.md:8: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
        ]

    def test_unknown_status(self, content_dir):
        root = content_dir(**{"demo__article.md": "Title: D\nStatus: live\n\nLead.\n"})
        assert problems_of(root) == ["content/demo/article.md:2: unknown status 'live': use draft or published"]

    def test_heading_above_level_three_in_a_body(self, content_dir):
        root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms\nTitle: S{LAYERS}Text.\n\n## Too high\n"})
        problems = problems_of(root)
        assert problems == [
            "content/demo/symptoms.md:10: heading level 2 is reserved for the page and section titles; "
            "start sub-headings with '###'"
        ]

    def test_malformed_header_line(self, content_dir):
        root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms\nTitle S{LAYERS}Text.\n"})
        assert problems_of(root)[0].startswith("content/demo/symptoms.md:2: expected 'Key: value' metadata")

    def test_glossary_duplicate_alias(self, content_dir):
        glossary = "## Osteoclast\nAliases: bone cell\n\nBreaks bone.\n\n## Osteoblast\nAliases: bone cell\n\nBuilds.\n"
        assert problems_of(content_dir(**{"glossary.md": glossary})) == [
            "content/glossary.md:6: 'bone cell' is already used by the term on line 1"
        ]

    def test_glossary_term_without_definition(self, content_dir):
        assert problems_of(content_dir(**{"glossary.md": "## Osteoclast\n\n## Osteoblast\n\nBuilds.\n"})) == [
            "content/glossary.md:1: 'Osteoclast' has no definition"
        ]

    def test_invalid_article_folder_name(self, content_dir):
        root = content_dir(**{"Bad_Slug__article.md": "Title: X\n\nLead.\n"})
        assert "content/Bad_Slug: folder name is not a valid slug" in problems_of(root)[0]

    def test_every_problem_is_reported_at_once(self, content_dir):
        root = content_dir(
            **{
                "demo__mechanism.md": f"Kind: nonsense\nTitle: T{LAYERS}Text.\n",
                "demo__symptoms.md": f"Kind: symptoms{LAYERS}Text.\n",
            }
        )
        assert len(problems_of(root)) == 2

    def test_one_bad_file_changes_nothing(self, content_dir):
        load_content(content_dir())
        before = database_snapshot()
        root = content_dir(
            **{
                "glossary.md": "## Osteoclast\n\nA new definition.\n",
                "demo__symptoms.md": f"Kind: symptoms\nTitle: New title{LAYERS}New text.\n",
                "demo__mechanism.md": f"Kind: mechanism\nTitle: M\nLast-reviewed: tomorrow{LAYERS}Text.\n",
            }
        )
        with pytest.raises(CommandError, match=r"Nothing was loaded: 1 problem\(s\)"):
            run_command("--content-dir", str(root))
        assert database_snapshot() == before


class TestEditorChanges:
    """The loader never silently overwrites what an editor changed in the admin."""

    def edit_in_admin(self, kind: str, body: str) -> None:
        section = Section.objects.get(kind=kind)
        section.body = body
        section.save()

    def test_editor_change_is_kept_when_the_file_has_not_changed(self, content_dir):
        root = content_dir()
        load_content(root)
        self.edit_in_admin("symptoms", "Edited by an editor.")

        output = run_command("--content-dir", str(root))

        assert "kept the editor's version of section demo/symptoms" in output
        assert Section.objects.get(kind="symptoms").body == "Edited by an editor."

    def test_both_changed_stops_and_names_the_section(self, content_dir):
        load_content(content_dir())
        self.edit_in_admin("symptoms", "Edited by an editor.")
        root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms\nTitle: Symptoms{LAYERS}Changed in the file.\n"})

        with pytest.raises(CommandError) as caught:
            run_command("--content-dir", str(root))

        assert "section demo/symptoms (changed in the admin and in the file: body)" in str(caught.value)
        assert "--force" in str(caught.value)
        assert Section.objects.get(kind="symptoms").body == "Edited by an editor."

    def test_force_overwrites_the_editor_change(self, content_dir):
        load_content(content_dir())
        self.edit_in_admin("symptoms", "Edited by an editor.")
        root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms\nTitle: Symptoms{LAYERS}Changed in the file.\n"})

        run_command("--content-dir", str(root), "--force")

        assert Section.objects.get(kind="symptoms").body == "Changed in the file."
        assert "No changes" in run_command("--content-dir", str(root))

    def test_editor_making_the_same_change_as_the_file_is_not_a_conflict(self, content_dir):
        load_content(content_dir())
        self.edit_in_admin("symptoms", "Agreed text.")
        root = content_dir(**{"demo__symptoms.md": f"Kind: symptoms\nTitle: Symptoms{LAYERS}Agreed text.\n"})
        assert "mark as loaded section demo/symptoms" in run_command("--content-dir", str(root))
        assert "No changes" in run_command("--content-dir", str(root))

    def test_rows_only_in_the_database_are_left_and_listed(self, content_dir):
        load_content(content_dir())
        root = content_dir(**{"demo__symptoms.md": None})
        (root / "demo" / "symptoms.md").unlink()
        output = run_command("--content-dir", str(root))
        assert "only in the database (left as it is): section demo/symptoms" in output
        assert Section.objects.filter(kind="symptoms").exists()
