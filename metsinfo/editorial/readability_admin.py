"""How readability figures and the jargon check appear in the admin."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from metsinfo.articles import readability
from metsinfo.articles.models import GlossaryTerm, ReadabilityFields
from metsinfo.articles.rendering import split_aliases


def reading_age_cell(obj: ReadabilityFields | readability.Readability | None) -> SafeString:
    """Reading age with a worded mark, for change lists."""
    figures = obj if isinstance(obj, readability.Readability) or obj is None else obj.readability
    if figures is None:
        return format_html("{}", "not measured yet")
    if figures.reading_age is None:
        return format_html("{}", "too short to measure")
    if figures.meets_target:
        return format_html('{} <span class="readability-ok">(target met)</span>', figures.reading_age)
    return format_html(
        '<strong class="readability-missed">{} (above {})</strong>', figures.reading_age, readability.TARGET_READING_AGE
    )


def readability_report(obj: ReadabilityFields, html: str) -> SafeString:
    """The figures against their targets, for the edit page."""
    if not obj.pk:
        return format_html("{}", "Figures appear after the first save (or use Preview).")
    return figures_table(obj.readability)


Layers = list[tuple[str, readability.Readability | None]]


def section_layers(section, prefix: str = "") -> Layers:
    """A section's layers (key points, plain words, detail) and their figures, as last rendered."""
    return [
        (f"{prefix}Key points", section.layer_readability("key_points")),
        (f"{prefix}In plain words", section.layer_readability("plain")),
        (f"{prefix}In detail (the original article; measured for information)", section.readability),
    ]


def layers_report(section) -> SafeString:
    """Each layer's figures (key points, plain words, detail) against the NHS targets."""
    if not section.pk:
        return format_html("{}", "Figures appear after the first save (or use Preview).")
    return layers_table(section_layers(section))


def layers_table(layers: Layers) -> SafeString:
    """Several texts' figures, each under its name."""
    return format_html_join(
        "",
        "<h4>{}</h4>{}",
        ((label, figures_table(figures) if figures else "not measured yet") for label, figures in layers),
    )


def figures_table(figures: readability.Readability) -> SafeString:
    """One text's figures against their targets."""
    age = "too short to measure" if figures.reading_age is None else figures.reading_age
    age_mark = {True: "target met", False: "MISSED: simplify words and shorten sentences", None: "-"}[
        figures.meets_target
    ]
    rows = [
        ("SMOG reading age", age, f"{readability.TARGET_READING_AGE} or under", age_mark),
        ("Flesch-Kincaid grade", "-" if figures.grade is None else figures.grade, "6 or under", "for comparison"),
        ("Words", figures.words, "", ""),
        (
            f"Sentences over {readability.LONG_SENTENCE_WORDS} words",
            figures.long_sentences,
            "none",
            "target met" if figures.long_sentences == 0 else "MISSED: split the long sentences",
        ),
        ("Reading time", f"about {max(1, round(figures.reading_seconds / 60))} min", "", ""),
    ]
    body = format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    return format_html(
        '<table class="readability"><thead><tr><th scope="col">Measure</th><th scope="col">This text</th>'
        '<th scope="col">NHS target</th><th scope="col">Result</th></tr></thead><tbody>{}</tbody></table>',
        body,
    )


def glossary_words() -> set[str]:
    """Every word that appears in a glossary term or alias, lower-cased."""
    words: set[str] = set()
    for term, aliases in GlossaryTerm.objects.values_list("term", "aliases"):
        for name in (term, *split_aliases(aliases)):
            words.update(part.lower() for part in name.replace("-", " ").split())
    return words


def jargon_report(html: str) -> SafeString:
    """Long or uncommon words the glossary does not define."""
    words = readability.hard_words(readability.html_to_text(html), glossary_words())
    if not words:
        return format_html("{}", "None found: every long or uncommon word is in the glossary.")
    return format_html(
        "<p>Add these to the glossary, or use a plainer word:</p><ul class='jargon'>{}</ul>",
        format_html_join("", "<li>{}</li>", ((word,) for word in words)),
    )
