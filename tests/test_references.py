"""The numbered reference list and the [^key] citations that point into it."""

import re

import pytest

from metsinfo.articles.models import SupportPage
from metsinfo.articles.references import citation_problems, cited_keys, parse_sources
from metsinfo.articles.rendering import render_markdown
from tests.conftest import ARTICLE_SLUG

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
SECTIONS = ["mechanism", "symptoms", "diagnosis", "treatments", "prevention", "research"]


class TestParsing:
    def test_a_reference_line_gives_key_number_citation_and_link(self):
        refs, problems = parse_sources(
            "bcn: Breast Cancer Now. Seen 2026. https://example.org/a\nx-2: B. 2023. http://b.org"
        )
        assert problems == []
        assert [(r.key, r.number, r.citation, r.url) for r in refs] == [
            ("bcn", 1, "Breast Cancer Now. Seen 2026.", "https://example.org/a"),
            ("x-2", 2, "B. 2023.", "http://b.org"),
        ]

    @pytest.mark.parametrize(
        ("line", "problem"),
        [
            ("Breast Cancer Now. 2026. https://example.org", "must start with a key"),
            ("Bad Key: Source. 2026. https://example.org", "must start with a key"),
            ("bcn: Breast Cancer Now. 2026. breastcancernow.org", "must end with its link"),
            ("bcn: Breast Cancer Now. https://example.org", "has no date"),
        ],
    )
    def test_a_malformed_reference_is_refused_with_its_number(self, line, problem):
        refs, problems = parse_sources(f"ok: Fine. 2020. https://example.org\n{line}")
        assert [r.key for r in refs] == ["ok"]
        assert problems[0][0] == 2 and problem in problems[0][1]

    def test_a_repeated_key_is_refused(self):
        _, problems = parse_sources("a: One. 2020. https://a.org\na: Two. 2021. https://b.org")
        assert problems == [(2, "source key 'a' repeats source 1")]

    def test_unknown_keys_and_footnote_definitions_are_found_by_line(self):
        text = "Fine.[^a]\nUnknown.[^zz]\n[^a]: An old-style footnote."
        assert [line for line, _ in citation_problems(text, {"a"})] == [2, 3]
        assert cited_keys("x[^b] y[^a] z[^b]") == ["b", "a"]


class TestRendering:
    def test_a_citation_is_the_sources_number_linked_into_the_list(self):
        html = render_markdown("Claim.[^b] Other.[^a]", prefix="s", references={"a": 1, "b": 2})
        assert '<sup class="cite"><a href="#ref-b">[<span class="visually-hidden">source </span>2]</a></sup>' in html
        assert 'href="#ref-a">[<span class="visually-hidden">source </span>1]' in html

    def test_an_unknown_key_is_never_given_a_number(self):
        assert "[^zz]" in render_markdown("Claim.[^zz]", prefix="s", references={"a": 1})


@pytest.mark.usefixtures("seeded")
class TestTheSitesSources:
    def test_every_citation_on_every_page_resolves_into_its_reference_list(self, client):
        urls = [ARTICLE_URL, *(f"{ARTICLE_URL}{kind}/" for kind in SECTIONS)]
        urls += [page.get_absolute_url() for page in SupportPage.objects.all()]
        for url in urls:
            html = client.get(url).text
            cited = set(re.findall(r'<sup class="cite"><a href="#(ref-[a-z0-9-]+)"', html))
            listed = set(re.findall(r'<li id="(ref-[a-z0-9-]+)"', html))
            assert cited, f"{url} cites no source"
            assert cited <= listed, f"{url}: citations with no entry: {sorted(cited - listed)}"
            assert "[^" not in html, f"{url} shows an unresolved citation"

    def test_every_reference_has_a_link_and_a_date(self, client):
        html = client.get(ARTICLE_URL).text
        entries = re.findall(r'<li id="ref-[^"]+" value="\d+">(.*?)</li>', html, re.S)
        assert len(entries) >= 20
        for entry in entries:
            assert re.search(r'<a href="https?://[^"]+" class="source-link">', entry), entry
            assert re.search(r"\b(19|20)\d{2}\b", entry.split("<a ", 1)[0]), f"no date: {entry}"

    def test_every_listed_source_backs_a_claim_on_the_page(self, client):
        html = client.get(ARTICLE_URL).text
        cited = set(re.findall(r'<sup class="cite"><a href="#(ref-[a-z0-9-]+)"', html))
        listed = set(re.findall(r'<li id="(ref-[a-z0-9-]+)"', html))
        assert listed <= cited, f"listed but never cited: {sorted(listed - cited)}"

    def test_no_untraceable_source_is_cited(self, client):
        html = client.get(ARTICLE_URL).text
        for untraceable in ["Ramsey", "Hamza", "jsmt", "Proc Nutr Soc", "Endocr Relat Cancer", "medindex"]:
            assert untraceable not in html

    def test_safety_statements_carry_a_citation(self, client):
        for kind in ["symptoms", "treatments"]:
            html = client.get(f"{ARTICLE_URL}{kind}/").text
            plain = html.split('data-layer="plain"', 1)[1].split('data-layer="detailed"', 1)[0]
            assert plain.count('<sup class="cite">') >= 3, kind
        card = client.get(ARTICLE_URL).text.split('class="care-card"', 1)[1].split("</aside>", 1)[0]
        assert "NBK595817" in card and "mariecurie.org.uk" in card
