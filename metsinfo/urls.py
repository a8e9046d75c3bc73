from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from metsinfo.articles import views as article_views
from metsinfo.articles.feeds import ArticleUpdatesFeed
from metsinfo.articles.sitemaps import SITEMAPS
from metsinfo.editorial import passwords
from metsinfo.editorial.guides import guide_view
from metsinfo.lib.health import healthz

admin.site.site_header = "metsinfo editors' desk"
admin.site.site_title = "metsinfo editors' desk"
admin.site.index_title = "Content, glossary and review"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", article_views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feed/", ArticleUpdatesFeed(), name="feed"),
    path(f"{settings.ADMIN_PATH}guides/<slug:name>/", guide_view, name="admin_guide"),
    *passwords.urlpatterns,  # before the admin's, which would send these to its sign-in page
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("metsinfo.articles.urls")),
    path("", include("metsinfo.comments.urls")),
    path("", include("metsinfo.editorial.urls")),
]

handler404 = article_views.page_not_found
handler500 = article_views.server_error
