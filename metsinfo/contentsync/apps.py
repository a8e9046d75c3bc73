from django.apps import AppConfig


class ContentSyncConfig(AppConfig):
    """No models of its own: it fills the articles and comments apps' tables from content/, and back."""

    name = "metsinfo.contentsync"
    label = "contentsync"
    verbose_name = "Content files"

    def ready(self) -> None:
        from metsinfo.contentsync import commentsfile  # noqa: F401  (connects to content_loaded)
