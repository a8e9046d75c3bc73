"""The "Editors" group: content, glossary and review; nothing about users or comments."""

from django.db import migrations

from metsinfo.lib.groups import create_group

EDITOR_PERMISSIONS = {
    "article": ["add", "change", "view"],
    "section": ["add", "change", "delete", "view"],
    "glossaryterm": ["add", "change", "delete", "view"],
}


def create_editors(apps, schema_editor):
    create_group(apps, "articles", "Editors", EDITOR_PERMISSIONS)

def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
