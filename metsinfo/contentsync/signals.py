"""Signals that let other readers of ``content/`` join a load without the loader knowing them."""

from django.dispatch import Signal

#: Sent by ``load_content`` inside its transaction, after the articles and glossary are in place.
#: Arguments: ``root`` (the content folder) and ``dry_run``. A receiver returns a list of the
#: changes it made (or would make), and raises ``contentfiles.ContentError`` to stop the whole load.
content_loaded = Signal()
