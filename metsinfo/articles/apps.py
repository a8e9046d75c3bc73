from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "metsinfo.articles"
    label = "articles"
    verbose_name = "Articles and glossary"
