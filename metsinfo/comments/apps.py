from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "metsinfo.comments"
    label = "comments"
    verbose_name = "Reader comments"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from metsinfo.articles.caching import pages_changed
        from metsinfo.comments.models import Comment, Reply

        def comments_changed(sender, instance, using: str, created: bool = False, **kwargs) -> None:
            # A new comment that is not yet approved changes no page: keep the cache (a busy
            # comment form would otherwise empty it for everyone). Any other change may show.
            if created and getattr(instance, "status", Comment.Status.APPROVED) != Comment.Status.APPROVED:
                return
            pages_changed(using)

        for model in (Comment, Reply):
            post_save.connect(comments_changed, sender=model, weak=False, dispatch_uid=f"pages-save-{model.__name__}")
            post_delete.connect(
                comments_changed, sender=model, weak=False, dispatch_uid=f"pages-delete-{model.__name__}"
            )
