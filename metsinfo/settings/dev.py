"""Development settings: `make run` on a laptop, over plain HTTP on 127.0.0.1."""

from .base import *  # noqa: F403
from .base import SECRET_KEY

# A fixed key is acceptable only here: development data is not secret. Production refuses it.
SECRET_KEY = SECRET_KEY or "development-only-insecure-key-never-use-in-production"
