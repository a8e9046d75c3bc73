"""The "Moderators" group: the comment queue and official replies, nothing else."""

from django.db import migrations

from metsinfo.lib.groups import create_group

MODERATOR_PERMISSIONS = {
    "comment": ["change", "view"],
    "reply": ["add", "change", "delete", "view"],
}


def create_moderators(apps, schema_editor):
    create_group(apps, "comments", "Moderators", MODERATOR_PERMISSIONS)

def remove_moderators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, remove_moderators)]
