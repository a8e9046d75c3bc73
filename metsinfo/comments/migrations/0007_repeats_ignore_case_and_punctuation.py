"""Repeats are found however they are cased or punctuated: stored fingerprints are made again.

Also a held reason for email and web addresses written in disguise ("jo (at) example dot com").
"""

import hashlib
import unicodedata

from django.db import migrations, models


def _repeat_form(body: str) -> str:
    # The rule of metsinfo.comments.models.repeat_form, frozen here as migrations should be.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", body).casefold())
    kept = (character for character in text if unicodedata.category(character)[0] != "P")
    return " ".join("".join(c for c in kept if unicodedata.category(c) != "Cf").split())


def fingerprint_again(apps, schema_editor) -> None:
    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "body").iterator(chunk_size=2000):
        comment.body_digest = hashlib.sha256(_repeat_form(comment.body).encode()).hexdigest()
        batch.append(comment)
        if len(batch) == 2000:
            Comment.objects.bulk_update(batch, ["body_digest"])
            batch = []
    Comment.objects.bulk_update(batch, ["body_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0006_held_reason_lookalike"),
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
                    ("disguised-contact", "Email or web address written in disguise"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.RunPython(fingerprint_again, migrations.RunPython.noop),
    ]
