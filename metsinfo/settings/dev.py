"""Development settings: `make run` on a laptop, over plain HTTP on 127.0.0.1."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

# A fixed key is acceptable only here: development data is not secret. Production refuses it.
SECRET_KEY = SECRET_KEY or "development-only-insecure-key-never-use-in-production"
# Backups: a key made once into var/ (git-ignored) when none is in the environment.
BACKUP_KEY_FILE = VAR_DIR / "backup_key"
