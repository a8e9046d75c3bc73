"""Comments get a fingerprint of their text, so finding a repeat is one indexed lookup."""

import hashlib

from django.db import migrations, models


def fingerprint_existing_comments(apps, schema_editor) -> None:
    # The same rule as metsinfo.comments.models.body_digest, frozen here as migrations should be.
    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "body").iterator(chunk_size=2000):
        comment.body_digest = hashlib.sha256(" ".join(comment.body.split()).encode()).hexdigest()
        batch.append(comment)
        if len(batch) == 2000:
            Comment.objects.bulk_update(batch, ["body_digest"])
            batch = []
    Comment.objects.bulk_update(batch, ["body_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_report_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_digest",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                help_text="Fingerprint of the text, to find repeats.",
                max_length=64,
            ),
        ),
        migrations.RunPython(fingerprint_existing_comments, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["article", "body_digest", "created"], name="comment_repeats"),
        ),
    ]
