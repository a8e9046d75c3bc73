"""The Markdown pipeline: sanitising, heading ids, footnotes, evidence notes, glossary links."""

import pytest

from metsinfo.articles.rendering import Glossary, heading_level_problems, render_markdown


def glossary_entry(slug: str) -> str:
    return f"/glossary/#{slug}"


GLOSSARY = Glossary.build(
    [
        ("osteoclast", "Osteoclast", ["osteoclasts"]),
        ("bone-resorption", "Bone resorption", []),
        ("spinal-cord-compression", "Spinal cord compression", []),
        ("pet", "PET", ["positron emission tomography"]),
        ("hypercalcaemia", "Hypercalcaemia", ["hypercalcemia"]),
    ],
    url_for=glossary_entry,
)


def render(text: str, glossary: Glossary | None = GLOSSARY) -> str:
    return render_markdown(text, prefix="mechanism", glossary=glossary)


class TestSanitising:
    @pytest.mark.parametrize(
        ("markdown_text", "forbidden"),
        [
            ("<script>alert(1)</script>", "<script"),
            ('<img src="x" onerror="alert(1)">', "onerror"),
            ('<a href="javascript:alert(1)">click</a>', "javascript:"),
            ("[click](javascript:alert(1))", "javascript:"),
            ('<iframe src="https://example.com"></iframe>', "<iframe"),
            ('<p style="background:url(javascript:alert(1))">x</p>', "style="),
            ('<svg onload="alert(1)"></svg>', "onload"),
            ("<object data='x.swf'></object>", "<object"),
            ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
            ('<form action="https://evil.example"><input name="q"></form>', "<form"),
            ('Text\n{: onclick="alert(1)" }', "onclick"),
        ],
    )
    def test_unsafe_input_is_neutralised(self, markdown_text, forbidden):
        assert forbidden not in render(markdown_text).lower()

    def test_safe_markup_survives(self):
        html = render("Some **strong** and _em_ text with [a link](https://www.nice.org.uk/).")
        assert "<strong>strong</strong>" in html
        assert "<em>em</em>" in html
        assert '<a href="https://www.nice.org.uk/">a link</a>' in html

    def test_tables_render(self):
        html = render("| Drug | Given |\n| --- | --- |\n| Denosumab | Injection |\n")
        assert "<table>" in html
        assert "<td>Denosumab</td>" in html


class TestHeadingIds:
    def test_headings_get_stable_readable_ids(self):
        html = render("### Bisphosphonates for Bone Metastasis\n\nText.")
        assert '<h3 id="bisphosphonates-for-bone-metastasis">' in html

    def test_explicit_id_from_attribute_list(self):
        assert '<h3 id="pain">' in render("### Managing pain {: #pain }\n")

    def test_heading_levels_above_three_are_reported_with_lines(self):
        text = "Intro.\n\n# Title\n\nPara.\n\nSetext\n------\n\n### Fine\n\n```\n## in code\n```\n"
        assert [line for line, _ in heading_level_problems(text)] == [3, 8]


class TestCitationsAndNotes:
    def test_a_citation_links_to_its_numbered_reference(self):
        html = render_markdown("Claim.[^nice]", prefix="symptoms", references={"bcn": 1, "nice": 2})
        assert '<a href="#ref-nice">[<span class="visually-hidden">source </span>2]</a>' in html

    def test_a_source_cited_twice_gets_the_same_number(self):
        html = render_markdown("A.[^x] B.[^x]", prefix="research", references={"x": 3})
        assert html.count('href="#ref-x"') == 2 and html.count("</span>3]") == 2

    def test_glossary_words_are_not_linked_inside_a_citation(self):
        html = render("Osteoclasts.[^x]")
        assert html.count("glossary-link") == 1

    def test_evidence_note_renders_as_a_labelled_block(self):
        html = render('!!! evidence "What the evidence says"\n    Bone drugs do not lengthen life.')
        assert '<div class="admonition evidence">' in html
        assert '<p class="admonition-title">What the evidence says</p>' in html


class TestGlossaryLinks:
    def test_first_use_is_linked_and_later_uses_are_not(self):
        html = render("Osteoclasts break bone. Osteoclasts again.")
        assert html.count("glossary-link") == 1
        assert '<a class="glossary-link" href="/glossary/#osteoclast">Osteoclasts</a> break bone.' in html

    def test_alias_links_to_the_main_term(self):
        assert 'href="/glossary/#hypercalcaemia">hypercalcemia</a>' in render("Watch for hypercalcemia.")

    def test_each_term_once_per_section_even_through_different_aliases(self):
        html = render("Osteoclast and osteoclasts.")
        assert html.count('href="/glossary/#osteoclast"') == 1

    def test_longest_name_wins(self):
        html = render("Spinal cord compression is urgent.")
        assert '<a class="glossary-link" href="/glossary/#spinal-cord-compression">Spinal cord compression</a>' in html

    def test_multi_word_term_across_a_line_break(self):
        html = render("Watch for spinal\ncord compression.")
        assert 'href="/glossary/#spinal-cord-compression">spinal\ncord compression</a>' in html

    def test_not_inside_headings(self):
        html = render("### Osteoclasts at work\n\nOsteoclasts break bone.")
        assert '<h3 id="osteoclasts-at-work">Osteoclasts at work</h3>' in html
        assert '<p><a class="glossary-link" href="/glossary/#osteoclast">Osteoclasts</a> break bone.</p>' in html

    def test_not_inside_existing_links(self):
        html = render("[Osteoclasts explained](https://example.org/) and osteoclasts here.")
        assert '<a href="https://example.org/">Osteoclasts explained</a>' in html
        assert '<a class="glossary-link" href="/glossary/#osteoclast">osteoclasts</a> here' in html

    def test_not_inside_code(self):
        assert "glossary-link" not in render("`osteoclasts`")

    def test_whole_words_only(self):
        assert "glossary-link" not in render("Pre-osteoclasts and osteoclastsome are not terms.")

    def test_acronyms_match_in_capitals_only(self):
        assert "glossary-link" not in render("A pet scan of the pet dog.")
        assert 'href="/glossary/#pet">PET</a>' in render("A PET scan.")

    def test_multiple_terms_in_one_paragraph_and_inside_emphasis(self):
        html = render("**Osteoclasts** cause bone resorption, and PET shows it.")
        assert html.count("glossary-link") == 3
        assert "<strong><a" in html

    def test_links_work_without_javascript_or_title_tooltips(self):
        html = render("Osteoclasts.")
        assert "title=" not in html
        assert "href=" in html

    def test_no_glossary_means_no_links(self):
        assert "glossary-link" not in render("Osteoclasts.", glossary=None)
        assert "glossary-link" not in render("Osteoclasts.", glossary=Glossary.build([], url_for=glossary_entry))
