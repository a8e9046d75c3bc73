"""A held reason for look-alike web addresses; stored comments and replies rendered again.

Rendering changed (links go where their text says; look-alike hosts are not linked), and the
HTML is stored, so comments already stored are rendered again by today's rule. Unlike a frozen
fingerprint, the current renderer is what every stored comment must match, so it is imported.
"""

from django.db import migrations, models

from metsinfo.comments.rendering import render_comment


def render_again(apps, schema_editor) -> None:
    for name in ("Comment", "Reply"):
        model = apps.get_model("comments", name)
        batch = []
        for row in model.objects.only("pk", "body", "body_html").iterator(chunk_size=2000):
            html = render_comment(row.body)
            if html != row.body_html:
                row.body_html = html
                batch.append(row)
            if len(batch) == 2000:
                model.objects.bulk_update(batch, ["body_html"])
                batch = []
        model.objects.bulk_update(batch, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_held_reason_label"),
    ]

    operations = [
        migrations.AlterField(
            model_name="comment",
            name="held_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not held"),
                    ("honeypot", "Filled in the hidden field (likely a bot)"),
                    ("links", "Too many links"),
                    ("email-in-text", "Email address in the text"),
                    ("phone-in-text", "Phone number in the text"),
                    ("duplicate", "Same text posted before"),
                    ("reported", "Reported by readers"),
                    ("lookalike-address", "Look-alike web address"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.RunPython(render_again, migrations.RunPython.noop),
    ]
