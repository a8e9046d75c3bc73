from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: database backup and restore commands."""

    name = "metsinfo.ops"
    label = "ops"
