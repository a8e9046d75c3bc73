"""Editors also edit the support pages (add, change and view; a page is retired by making it a draft)."""

from django.db import migrations

from metsinfo.lib.groups import create_group

EDITOR_PERMISSIONS = {
    "article": ["add", "change", "view"],
    "section": ["add", "change", "delete", "view"],
    "glossaryterm": ["add", "change", "delete", "view"],
    "supportpage": ["add", "change", "view"],
}


def update_editors(apps, schema_editor):
    create_group(apps, "articles", "Editors", EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_plain_layer_references_support_pages")]

    operations = [migrations.RunPython(update_editors, migrations.RunPython.noop)]
