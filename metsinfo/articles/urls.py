from django.urls import path, register_converter

from metsinfo.articles import card, offline, questions, views
from metsinfo.articles.checks import RESERVED_SECTION_SLUGS
from metsinfo.lib.slugs import SLUG_RE


class SectionSlugConverter:
    """Only a canonical slug resolves (lower case, single hyphens), so any other path is a plain 404.

    The six standard sections' slugs are their kinds, so their addresses are the ones they always had.
    Reserved names (``comments``) are left to the pages they belong to.
    """

    regex = f"(?!(?:{'|'.join(sorted(RESERVED_SECTION_SLUGS))})/)" + SLUG_RE.pattern.removeprefix("^").removesuffix("$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SectionSlugConverter, "section_slug")

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/<section_slug:section>/", views.section_detail, name="section"),
    path("glossary/", views.glossary, name="glossary"),
    path("support/", views.support_index, name="support"),
    path("support/<slug:slug>/", views.support_page, name="support_page"),
    path("search/", views.search_page, name="search"),
    # Reading offline (metsinfo/articles/offline.py): the worker at the root, so its scope is every page.
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline.json", offline.offline_list, name="offline_list"),
    path("manifest.webmanifest", offline.web_manifest, name="manifest"),
    path("my-questions/", questions.my_questions, name="my_questions"),
    path("card/", card.card, name="card"),
    path("card/sheet/", card.card_sheet, name="card_sheet"),
]
