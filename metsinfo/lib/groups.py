"""Staff groups with exactly the permissions a role needs, created by data migrations."""

from django.contrib.auth.management import create_permissions


def create_group(apps, app_label: str, name: str, permissions: dict[str, list[str]]) -> None:
    """Create (or reset) group ``name`` with ``{model: [action, ...]}`` permissions of ``app_label``.

    Django creates permissions after all migrations have run, so this app's are created first.
    Safe to call from a migration (historical ``apps``) or from tests (the live registry).
    """
    app_config = apps.get_app_config(app_label)
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=name)
    codenames = [f"{action}_{model}" for model, actions in permissions.items() for action in actions]
    permission_model = apps.get_model("auth", "Permission")
    group.permissions.set(permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames))
