from django.urls import path

from metsinfo.comments import views

app_name = "comments"
urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post_comment, name="post"),
    path("articles/<slug:slug>/comments/new/", views.new_comment, name="new"),
    path("comments/token/", views.comment_token, name="token"),
    path("articles/<slug:slug>/comments/page/<int:number>/", views.comment_page, name="page"),
    path("comments/<int:pk>/report/", views.report_comment, name="report"),
    path("privacy/", views.privacy, name="privacy"),
]
