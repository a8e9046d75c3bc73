from django.urls import path, register_converter

from metsinfo.comments import middleware, views


class PageNumberConverter:
    """A page number as it is written once only: 2, 3, ... 99999, never ``02`` or ``0``.

    Each spelling of a number would be a page of its own in every cache (``/page/0002/``,
    ``/page/00002/``, ...), so a client could fill caches without end. Every other spelling is a
    404, which is never cached, and so is any number past the last page.
    """

    regex = "[1-9][0-9]{0,5}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


register_converter(PageNumberConverter, "page_number")

app_name = "comments"
urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post_comment, name="post"),
    path("articles/<slug:slug>/comments/new/", views.new_comment, name="new"),
    path("comments/token/", views.comment_token, name="token"),
    path("comments/too-long/", middleware.too_long_page, name="too_long"),
    path("articles/<slug:slug>/comments/page/<page_number:number>/", views.comment_page, name="page"),
    path("comments/<int:pk>/report/", views.report_comment, name="report"),
    path("privacy/", views.privacy, name="privacy"),
]
