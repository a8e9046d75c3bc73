from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """No models of its own: it edits and reviews the articles app's content."""

    name = "metsinfo.editorial"
    label = "editorial"
    verbose_name = "Editors' desk"

    def ready(self) -> None:
        from django.contrib import admin

        from metsinfo.editorial.selection import check_selections

        # django.contrib.admin comes first in INSTALLED_APPS: its ready() has registered every
        # ModelAdmin by now.
        check_selections(admin.site)
