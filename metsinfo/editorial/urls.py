from django.urls import path

from metsinfo.editorial import views

app_name = "editorial"
urlpatterns = [
    path("review/<str:token>/", views.clinical_review, name="review"),
]
