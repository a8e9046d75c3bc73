from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "metsinfo.comments"
    label = "comments"
    verbose_name = "Reader comments"

    def ready(self) -> None:
        from metsinfo.comments import seed  # noqa: F401  (connects to articles' content_loaded signal)
