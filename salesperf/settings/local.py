"""Development settings: the embedded defaults used by `make run`."""

from .base import *  # noqa: F401,F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)

# Static files come straight from the app folders (whitenoise + finders); no collectstatic.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405
