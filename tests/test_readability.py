"""Readability figures: hand-computed values, offline syllables, storage, and the admin display."""

import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from metsinfo.articles import readability
from metsinfo.articles.models import Article, Section
from tests.conftest import ARTICLE_SLUG

# 5 sentences, 36 words, 48 syllables (CMU dictionary), 1 word of 3+ syllables ("medication").
FIXED_TEXT = (
    "Cancer can spread to the bones. It often causes pain in the back. Doctors use scans to find it. "
    "Treatment can ease the pain and protect the bones. Medication is one treatment that helps many people."
)


class TestFiguresOnFixedText:
    def test_counts(self):
        ts = readability._textstat()
        assert ts.sentence_count(FIXED_TEXT) == 5
        assert ts.lexicon_count(FIXED_TEXT) == 36
        assert ts.syllable_count(FIXED_TEXT) == 48
        assert ts.polysyllabcount(FIXED_TEXT) == 1

    def test_smog_reading_age_matches_the_formula_by_hand(self):
        # SMOG grade = 1.043 * sqrt(30 * 1 / 5) + 3.1291 = 5.684; reading age = grade + 5 = 10.7
        assert readability.measure(FIXED_TEXT).reading_age == 10.7

    def test_flesch_kincaid_grade_matches_the_formula_by_hand(self):
        # 0.39 * (36 / 5) + 11.8 * (48 / 36) - 15.59 = 2.951 -> 3.0
        assert readability.measure(FIXED_TEXT).grade == 3.0

    def test_words_long_sentences_and_reading_time(self):
        figures = readability.measure(FIXED_TEXT)
        assert figures.words == 36
        assert figures.long_sentences == 0
        assert figures.reading_seconds == 11  # 36 words at 200 a minute, rounded up
        assert figures.meets_target is True

    def test_a_sentence_of_21_words_is_long(self):
        long = (
            "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen twenty twentyone."
        )
        assert readability.measure(FIXED_TEXT + " " + long).long_sentences == 1
        twenty = long.replace(" twentyone", "")
        assert readability.measure(FIXED_TEXT + " " + twenty).long_sentences == 0

    def test_too_short_to_measure(self):
        figures = readability.measure("Bone pain. See your team.")
        assert figures.reading_age is None
        assert figures.meets_target is None

    def test_syllables_come_from_the_cmu_dictionary(self):
        assert readability.syllables("medication") == 4
        assert readability.syllables("people") == 2


def test_figures_are_computed_offline_with_no_nltk_data(tmp_path):
    """A fresh interpreter with every socket refused and no NLTK data anywhere."""
    script = textwrap.dedent(
        f"""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network is off in this test")
        class NoNetwork(socket.socket):
            connect = connect_ex = refuse
        socket.socket = NoNetwork
        socket.create_connection = socket.getaddrinfo = refuse
        import nltk
        from metsinfo.articles import readability
        figures = readability.measure({FIXED_TEXT!r})
        print(figures.reading_age, figures.grade)
        try:
            nltk.download("cmudict")
        except RuntimeError as exc:
            print("download refused:", exc)
        """
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NLTK_DATA": str(tmp_path / "nltk_data")}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "10.7 3.0"
    assert "download refused: metsinfo never downloads NLTK data" in result.stdout
    assert not (tmp_path / "nltk_data").exists()


@pytest.mark.usefixtures("seeded")
class TestStoredAndShown:
    def test_figures_are_stored_at_save(self):
        section = Section.objects.get(kind="treatments")
        assert section.reading_age is not None and section.reading_age > readability.TARGET_READING_AGE
        assert section.word_count > 300
        assert section.long_sentence_count > 5
        article = Article.objects.get(slug=ARTICLE_SLUG)
        assert article.word_count > 30

    def test_footnotes_are_not_counted_as_reader_text(self):
        section = Section.objects.get(kind="treatments")
        text = readability.html_to_text(section.body_html)
        assert "Cochrane Database" not in text
        assert "What the evidence says" in text

    def test_editing_updates_the_figures(self):
        section = Section.objects.get(kind="diagnosis")
        section.body = FIXED_TEXT
        section.save()
        section.refresh_from_db()
        assert (section.reading_age, section.grade, section.word_count) == (10.7, 3.0, 36)

    def test_admin_list_marks_missed_targets_in_words(self, admin_client):
        html = admin_client.get("/admin/articles/section/").text
        assert "readability-missed" in html
        assert "(above 11)" in html

    def test_edit_page_shows_figures_targets_and_jargon(self, admin_client):
        section = Section.objects.get(kind="treatments")
        html = admin_client.get(f"/admin/articles/section/{section.pk}/change/").text
        assert "SMOG reading age" in html
        assert "11 or under" in html
        assert "MISSED: split the long sentences" in html
        assert "<li>pharmacological</li>" in html, "long word missing from the glossary"
        assert "<li>bisphosphonates</li>" not in html, "defined in the glossary"

    def test_article_page_in_admin_shows_each_section_with_its_figures(self, admin_client):
        article = Article.objects.get(slug=ARTICLE_SLUG)
        html = admin_client.get(f"/admin/articles/article/{article.pk}/change/").text
        assert html.count("SMOG reading age") == 19  # the lead, and three layers in each of six sections
        assert html.count("In plain words</h4>") == 6
        assert html.count("Add these to the glossary") >= 1
