"""Search answers the way patients ask (issue 14; usability review findings 1.3 and 1.4).

A table of queries typed as people type them, each with the page(s) that should come in the first
three results; then what the results show (no markup, no citation numbers, no note titles), how
words that are not all on one page still rank, and the close words offered when nothing matches.
The ranking runs in Python, so the same table passes on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from metsinfo.articles import search
from metsinfo.articles.models import GlossaryTerm, Section
from metsinfo.articles.search import index as search_index
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE = "/articles/breast-cancer-bone-metastasis/"
MECHANISM, SYMPTOMS, DIAGNOSIS = f"{ARTICLE}mechanism/", f"{ARTICLE}symptoms/", f"{ARTICLE}diagnosis/"
TREATMENTS, PREVENTION, RESEARCH = f"{ARTICLE}treatments/", f"{ARTICLE}prevention/", f"{ARTICLE}research/"
HELP, LIVING, QUESTIONS = "/support/getting-help/", "/support/living-with/", "/support/questions-to-ask/"
TOP = 3

#: (what a reader types, pages that must all be among the first TOP results)
QUERIES = [
    ("why do my bones hurt", [SYMPTOMS]),
    ("broken bone", ["/glossary/#fracture", SYMPTOMS]),
    ("can my bones break", [SYMPTOMS]),
    ("tired all the time", [SYMPTOMS]),
    ("xgeva", ["/glossary/#denosumab", TREATMENTS]),
    ("Zometa side effects", [TREATMENTS, "/glossary/#zoledronic-acid"]),
    ("aredia", ["/glossary/#pamidronate"]),
    ("bondronat", ["/glossary/#ibandronate"]),
    ("herceptin", ["/glossary/#targeted-therapy"]),
    ("jaw problems", ["/glossary/#osteonecrosis-of-the-jaw"]),
    ("teeth", ["/glossary/#osteonecrosis-of-the-jaw", TREATMENTS]),
    ("dentist", [TREATMENTS]),
    ("can i still drive", [LIVING]),
    ("back pain", [SYMPTOMS]),
    ("back pain numb legs", [SYMPTOMS]),
    ("pins and needles in my legs", [SYMPTOMS]),
    ("my legs feel weak", [SYMPTOMS]),
    ("bone pain at night", [SYMPTOMS]),
    ("high calcium signs", [SYMPTOMS, "/glossary/#hypercalcaemia"]),
    ("feeling sick and thirsty", [SYMPTOMS]),
    ("constipation and confusion", [SYMPTOMS, "/glossary/#hypercalcaemia"]),
    ("what are the signs of spinal cord compression", [SYMPTOMS, "/glossary/#spinal-cord-compression"]),
    ("what is a bone scan", ["/glossary/#bone-scan", DIAGNOSIS]),
    ("mri scan", ["/glossary/#mri", DIAGNOSIS]),
    ("what is a biopsy", ["/glossary/#biopsy", DIAGNOSIS]),
    ("xray", [DIAGNOSIS]),
    ("how do they find out if its in the bone", [DIAGNOSIS]),
    ("how long will i live", [TREATMENTS]),
    ("is it curable", [TREATMENTS]),
    ("radiotherapy pain flare", ["/glossary/#pain-flare", TREATMENTS]),
    ("painkillers", ["/glossary/#analgesic", TREATMENTS]),
    ("morphine", [TREATMENTS]),
    ("steroids", ["/glossary/#corticosteroid"]),
    ("denosumab injection", ["/glossary/#denosumab"]),
    ("cement in the spine", ["/glossary/#cementoplasty", TREATMENTS]),
    ("is exercise safe", [TREATMENTS]),
    ("how does cancer spread to bone", [MECHANISM]),
    ("what causes bone mets", [MECHANISM]),
    ("stop cancer coming back", [PREVENTION]),
    ("clinical trials", ["/glossary/#clinical-trial", RESEARCH]),
    ("who can i talk to", [HELP]),
    ("helpline number", [HELP]),
    ("sick pay and benefits", [LIVING]),
    ("can i go on holiday", [LIVING]),
    ("can i work", [LIVING]),
    ("telling my children", [LIVING]),
    ("what questions should i ask my doctor", [QUESTIONS]),
]


def result_urls(client, query: str) -> list[str]:
    html = client.get("/search/", {"q": query}).text
    return [unescape(url) for url in re.findall(r'<h3><a href="([^"]+)">', html)]


def excerpts(client, query: str) -> list[str]:
    html = client.get("/search/", {"q": query}).text
    results = html.split('<ol class="search-results"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"</h3>\s*<p>(.*?)</p>", results, re.S)


def test_the_table_is_big_enough():
    assert len(QUERIES) >= 30


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[query for query, _ in QUERIES])
def test_patient_queries_find_the_best_pages(client, query, expected):
    found = result_urls(client, query)[:TOP]
    for url in expected:
        assert url in found, f"{query!r}: {url} not in the first {TOP}: {found}"


def test_excerpts_are_text_with_only_marks(client):
    for query in ("bone pain at night", "xgeva", "sick pay", "laboratory", "pins and needles", "jaw"):
        for excerpt in excerpts(client, query):
            assert re.sub(r"</?mark>", "", excerpt) == re.sub(r"<[^>]*>", "", excerpt), excerpt
            assert "<mark>" in excerpt or query == "xgeva"


def test_excerpts_carry_no_citation_numbers_and_no_note_titles(client):
    text = " ".join(unescape(re.sub(r"<[^>]*>", "", e)) for e in excerpts(client, "gnawing ache"))
    assert "when you rest. A weak bone" in text  # the key point's citation "[3]" is gone, not glued on
    assert not re.search(r"[.?!]\d|\[\d+\]|source \d", text)
    for query in ("evidence says", "laboratory", "prompt"):
        for excerpt in excerpts(client, query):
            assert "What the evidence says" not in unescape(excerpt)


def test_footnote_labels_and_markup_are_not_searched(client):
    for query in ("bcn", "ref-bcn", "cruk", "qs56", "cite", "admonition", "href"):
        assert result_urls(client, query) == [], query


def test_evidence_notes_key_points_and_aliases_are_searched(client):
    assert RESEARCH in result_urls(client, "laboratory")  # in a "What the evidence says" note
    assert SYMPTOMS in result_urls(client, "gnawing")  # key points and plain words
    assert "/glossary/#spinal-cord-compression" in result_urls(client, "mscc")[:1]  # an alias readers see
    assert any("Also written: <mark>Xgeva</mark>" in e for e in excerpts(client, "xgeva"))


def test_common_forms_and_patient_words_match(client):
    pairs = [("painful", "pain"), ("hurts", "pain"), ("broken", "fracture"), ("tiredness", "tired")]
    for query, word in [*pairs, ("fatigue", "tired")]:
        marked = " ".join(re.findall(r"<mark>(.*?)</mark>", " ".join(excerpts(client, query)))).lower()
        assert word in marked, (query, marked)


def test_pages_with_more_of_the_words_close_together_rank_first(client):
    found = result_urls(client, "bone pain worse at night")
    assert found[0] == SYMPTOMS  # "Bone pain ... can be worse at night" is its first key point
    # No page holds every word, yet the pages holding most of them come first.
    found = result_urls(client, "jaw dentist zzyzzyx")
    assert "/glossary/#osteonecrosis-of-the-jaw" in found[:3]


def test_closeness_breaks_a_tie(db):
    far = "<p>Walking helps. " + "Other words here. " * 5 + "A bone can ache.</p>"
    near = "<p>Walking helps. A bone can ache. " + "Other words here. " * 5 + "</p>"
    rows = ((), (("far", "Page one", "", far), ("near", "Page two", "", near)), ())
    index = search_index.build(rows)
    ranked = search.rank(search.concepts(["walking", "ache"], index), index)
    assert [m.document.url for m in ranked] == ["/support/near/", "/support/far/"]
    one_word = ((), (("both", "Page one", "", near), ("one", "Page two", "", "<p>Walking helps.</p>")), ())
    index = search_index.build(one_word)
    ranked = search.rank(search.concepts(["walking", "ache"], index), index)
    assert [m.document.url for m in ranked] == ["/support/both/", "/support/one/"]


def test_no_result_suggests_close_words_that_find_something(client):
    html = client.get("/search/", {"q": "denosumub"}).text
    assert "No results for “denosumub”" in page_text(html)
    assert "Did you mean:" in page_text(html)
    assert '<a href="/search/?q=denosumab">denosumab</a>' in html
    assert "/glossary/#denosumab" in result_urls(client, "denosumab")
    assert search.answer("osteoporsis scann").suggestions[0] == "osteoporosis scan"
    assert search.answer("xgevva").suggestions == ["xgeva"]
    assert search.answer("qwertyuiop").suggestions == []


def test_the_page_announces_the_count_and_keeps_its_headings(client):
    html = client.get("/search/", {"q": "xgeva"}).text
    count = len(result_urls(client, "xgeva"))
    assert f"<title>Search: xgeva ({count} results)" in html
    assert re.search(rf'<h2 id="results-title">{count} results for “xgeva”</h2>', html)
    assert 'aria-labelledby="results-title"' in html
    assert html.count("<h1") == 1


def test_results_link_to_anchors_that_exist(client):
    glossary = client.get("/glossary/").text
    for query in ("xgeva", "bone pain", "benefits", "scan"):
        for url in result_urls(client, query):
            path, _, anchor = url.partition("#")
            assert client.get(path).status_code == 200, url
            if anchor:
                assert f'id="{anchor}"' in glossary, url


def test_the_same_page_for_every_anonymous_visitor(visitor):
    for query in ("xgeva", "denosumub"):
        first = visitor().get("/search/", {"q": query})
        second = visitor().get("/search/", {"q": query})
        assert first.body == second.body
        assert "public" in first.headers["Cache-Control"]


def test_the_index_is_reused_until_the_content_changes(client):
    first = search_index.current()
    assert search_index.current() is first
    term = GlossaryTerm.objects.get(slug="denosumab")
    term.aliases += ", Prolia"
    term.save()
    assert search_index.current() is not first
    assert "/glossary/#denosumab" in result_urls(client, "prolia")
    Section.objects.filter(kind="treatments").delete()
    assert TREATMENTS not in result_urls(client, "xgeva")


def test_patient_words_are_groups_of_two_or_more():
    groups = search_index.patient_word_groups()
    assert len(groups) >= 30
    for group in groups:
        assert len(group) >= 2, group
        assert all(word == word.strip().lower() or word.isupper() for word in group), group
