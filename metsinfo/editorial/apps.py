from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """No models of its own: it edits and reviews the articles app's content."""

    name = "metsinfo.editorial"
    label = "editorial"
    verbose_name = "Editors' desk"
