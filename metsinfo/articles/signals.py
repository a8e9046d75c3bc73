"""Signals other apps use to extend articles without articles knowing about them."""

from django.dispatch import Signal

#: Sent by ``load_content`` inside its transaction, after the articles and glossary are in place.
#: Arguments: ``root`` (the content folder) and ``dry_run``. A receiver returns a list of the
#: changes it made (or would make), and raises ``loader.ContentError`` to stop the whole load.
content_loaded = Signal()
