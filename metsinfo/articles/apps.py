from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "metsinfo.articles"
    label = "articles"
    verbose_name = "Articles and glossary"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from metsinfo.articles.caching import pages_changed
        from metsinfo.articles.models import (
            Article,
            ChangeNote,
            GlossaryTerm,
            ReviewApproval,
            Section,
            SupportPage,
        )

        def content_changed(sender, using: str, **kwargs) -> None:
            pages_changed(using)

        for model in (Article, Section, GlossaryTerm, ReviewApproval, SupportPage, ChangeNote):
            post_save.connect(content_changed, sender=model, weak=False, dispatch_uid=f"pages-save-{model.__name__}")
            post_delete.connect(
                content_changed, sender=model, weak=False, dispatch_uid=f"pages-delete-{model.__name__}"
            )
