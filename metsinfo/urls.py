from django.contrib import admin
from django.urls import include, path

from metsinfo.articles import views as article_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("metsinfo.articles.urls")),
]

handler404 = article_views.page_not_found
handler500 = article_views.server_error
