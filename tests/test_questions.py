"""My questions: topics come from the questions page's Markdown; /my-questions/ is a shared, cached page."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from metsinfo.articles.models import SectionKind, SupportPage
from metsinfo.articles.questions import marker_problems, topics_for_section, topics_in
from metsinfo.contentsync.contentfiles import ContentError
from metsinfo.contentsync.exporter import export_content
from metsinfo.contentsync.plan import load_content
from metsinfo.editorial.forms import SupportPageForm
from tests.conftest import ARTICLE_SLUG
from tests.helpers import page_text

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
QUESTIONS_FILE = Path(settings.CONTENT_DIR) / "pages" / "questions-to-ask.md"
QUESTIONS = (
    "Title: Questions to ask your care team\nStatus: published\nOrder: 3\nLast-reviewed: 2026-12-01\n"
    "Next-review-due: 2027-06-01\nReviewer:\nDescription: Questions to take with you.\n"
    "Sources: acs: American Cancer Society. Questions to ask. Seen December 2026. https://example.org/acs\n"
    "\nWrite your questions down.[^acs]\n\n"
    "## Pain {: .questions .for-symptoms }\n\n- What can ease my pain?[^acs]\n- Can I have rays for it?[^acs]\n\n"
    "## Money {: .questions }\n\n- Can I get free prescriptions?[^acs]\n"
)


def section_picker(html: str) -> str:
    match = re.search(r'<section class="question-picker".*?</section>', html, re.S)
    return match.group(0) if match else ""


class TestTheLoaderReadsTheMarks:
    def test_a_marked_topic_shows_on_its_sections_only(self, db, client, content_dir):
        load_content(content_dir(**{"pages/questions-to-ask.md": QUESTIONS}))
        symptoms = section_picker(client.get("/articles/demo/symptoms/").text)
        assert "What can ease my pain?" in page_text(symptoms) and "Can I have rays for it?" in page_text(symptoms)
        assert "free prescriptions" not in symptoms, "a topic with no section mark stays on the questions page"
        assert 'href="/support/questions-to-ask/#pain"' in symptoms, "the topic links to its sources"
        assert "<sup" not in symptoms, "the questions page's citation numbers are not the section's"
        assert section_picker(client.get("/articles/demo/mechanism/").text) == ""

    def test_the_questions_page_groups_its_topics_with_their_sources(self, db, content_dir):
        load_content(content_dir(**{"pages/questions-to-ask.md": QUESTIONS}))
        topics = topics_in(SupportPage.objects.get().body_html)
        assert [(t.title, sorted(t.sections), len(t.questions)) for t in topics] == [
            ("Pain", ["symptoms"], 2),
            ("Money", [], 1),
        ]
        assert all('<sup class="cite">' in question for topic in topics for question in topic.questions)

    def test_a_draft_questions_page_offers_nothing_on_sections(self, db, client, content_dir):
        load_content(content_dir(**{"pages/questions-to-ask.md": QUESTIONS.replace("published", "draft")}))
        assert topics_for_section("symptoms") == []
        assert section_picker(client.get("/articles/demo/symptoms/").text) == ""

    @pytest.mark.parametrize(
        ("replace", "by", "line", "message"),
        [
            (".for-symptoms", ".for-symptom", 12, "unknown section 'symptom' in '.for-symptom'"),
            ("{: .questions .for-symptoms }", "{: .for-symptoms }", 12, "add '.questions' too"),
            ("- What can ease my pain?[^acs]\n", "Some words first.\n\n- What can ease my pain?[^acs]\n", 12, "list"),
            ("## Money {: .questions }", "### Money {: .questions }", 17, "is a '##' heading"),
        ],
    )
    def test_a_bad_mark_is_refused_with_file_and_line(self, db, content_dir, replace, by, line, message):
        assert replace in QUESTIONS
        with pytest.raises(ContentError) as error:
            load_content(content_dir(**{"pages/questions-to-ask.md": QUESTIONS.replace(replace, by)}))
        problem = next(p for p in error.value.problems if message in p.message)
        assert (problem.path, problem.line) == (Path("content/pages/questions-to-ask.md"), line)
        assert not SupportPage.objects.exists()

    def test_the_admin_refuses_the_same_marks(self, db):
        body = "## Pain {: .questions .for-nowhere }\n\n- What can ease my pain?\n"
        form = SupportPageForm(
            data={"slug": "questions", "title": "Q", "description": "Q.", "body": body, "status": "draft", "order": 1}
        )
        assert not form.is_valid()
        assert any("unknown section 'nowhere'" in error for error in form.errors["body"])

    def test_export_writes_the_marks_back_as_typed(self, db, content_dir, tmp_path):
        load_content(content_dir(**{"pages/questions-to-ask.md": QUESTIONS}))
        export_content(tmp_path / "out")
        assert (tmp_path / "out" / "pages" / "questions-to-ask.md").read_text(encoding="utf-8") == QUESTIONS

    def test_plain_headings_and_other_attributes_are_no_marks(self):
        assert marker_problems("## Helplines\n\nCall.\n\n## Costs {: #money }\n\nText.\n") == []


@pytest.mark.usefixtures("seeded")
class TestTheSitesQuestions:
    def test_the_real_file_loads_and_exports_unchanged(self, tmp_path):
        export_content(tmp_path)
        assert (tmp_path / "pages" / "questions-to-ask.md").read_bytes() == QUESTIONS_FILE.read_bytes()

    @pytest.mark.parametrize("kind", SectionKind.values)
    def test_every_section_offers_a_few_sourced_questions_from_the_questions_page(self, client, kind):
        html = client.get(f"{ARTICLE_URL}{kind}/").text
        picker = section_picker(html)
        questions = re.findall(r"<li>(.*?)</li>", picker, re.S)
        assert 2 <= len(questions) <= 12, kind
        page = client.get("/support/questions-to-ask/").text
        for question in questions:
            assert question in page_text(page), question
        assert 'href="/my-questions/"' in picker and 'href="/support/questions-to-ask/"' in picker
        assert 'href="/support/questions-to-ask/#' in picker

    def test_every_question_on_the_questions_page_names_its_source(self):
        topics = topics_in(SupportPage.objects.get(slug="questions-to-ask").body_html)
        assert len(topics) >= 8 and sum(len(topic.questions) for topic in topics) >= 35
        for topic in topics:
            assert all('<sup class="cite">' in question for question in topic.questions), topic.title

    def test_the_questions_page_links_to_my_questions_and_hides_its_tools_without_script(self, client):
        html = client.get("/support/questions-to-ask/").text
        assert 'href="/my-questions/"' in html and "data-question-list" in html
        assert 'type="checkbox"' not in html, "tick boxes come from the script, never broken without it"
        for tool in re.findall(r"<(?:p|form)\b[^>]*data-needs-script[^>]*>", html):
            assert " hidden" in tool, tool
        assert re.search(r'<script src="/static/js/questions\.js" defer>', html)

    def test_other_support_pages_have_no_question_tools(self, client):
        html = client.get("/support/getting-help/").text
        assert "data-question" not in html and "questions.js" not in html


@pytest.mark.usefixtures("seeded")
class TestMyQuestionsPage:
    def test_it_is_public_shared_and_cached_like_every_reader_page(self, visitor):
        first, second = visitor().get("/my-questions/"), visitor().get("/my-questions/")
        assert first.status_int == 200 and first.body == second.body
        assert "Set-Cookie" not in first.headers
        cache_control = first.headers["Cache-Control"]
        assert "public" in cache_control and f"s-maxage={settings.READER_PAGE_S_MAXAGE}" in cache_control

    def test_without_script_it_says_it_needs_javascript_and_links_to_the_printable_list(self, client):
        html = client.get("/my-questions/").text
        note = re.search(r"<div class=\"my-questions-no-script\"[^>]*>(.*?)</div>", html, re.S)
        assert note and "hidden" not in note.group(0).split(">", 1)[0]
        assert "needs JavaScript" in page_text(note.group(1))
        assert 'href="/support/questions-to-ask/"' in note.group(1)
        tool = re.search(r'<div class="my-questions-tool"[^>]*>', html).group(0)
        assert " hidden" in tool, "the list, its buttons and its form wait for the script"
        assert "<script>" not in html and 'type="checkbox"' not in html
        assert re.search(r'<script src="/static/js/questions\.js" defer>', html)

    def test_it_names_show_this_to_your_team_and_room_for_the_date_in_print(self, client):
        html = client.get("/my-questions/").text
        head = re.search(r'<div class="print-only my-questions-print-head">(.*?)</div>', html, re.S).group(1)
        assert "Show this to your team." in head and "data-printed-on" in head
        assert 'data-word-printed-on="Printed on {date}."' in html
